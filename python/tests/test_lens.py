"""The TransformerLens directory as a HookedTransformer: its decoded outputs equal `rasp run --json`
on every input (a seeded sample past INPUT_LIMIT). Runs only where transformer_lens is installed
(python/requirements-lens.txt); CI runs the numpy tests only."""

import numpy as np
import pytest

from support import every_input, program, rasp, rasp_run, same_outputs
from rasp_model import load, load_hooked_transformer

torch = pytest.importorskip("torch")
pytest.importorskip("transformer_lens")

PROGRAMS = ["reverse", "prefix_length", "shift_by_1", "frac_prevs", "negative_map", "shuffle_dyck2", "sort_16"]


def hooked_outputs(tl, model, inputs):
    """The HookedTransformer's decoded outputs, batched by length."""
    results = [None] * len(inputs)
    by_length = {}
    for i, x in enumerate(inputs):
        by_length.setdefault(len(x), []).append(i)
    for members in by_length.values():
        ids = torch.tensor(np.stack([model.encode(inputs[i]) for i in members]))
        with torch.no_grad():
            logits = tl(ids).to(torch.float64).numpy()
        for k, i in enumerate(members):
            results[i] = model.decode(logits[k])
    return results


@pytest.mark.parametrize("name", PROGRAMS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_hooked_transformer_decodes_as_rasp_run(name, dtype, tmp_path):
    rasp("compile", program(name), "--format", "transformer-lens", "--dtype", dtype, "-o", tmp_path / "tl")
    model, tl = load(tmp_path / "tl"), load_hooked_transformer(tmp_path / "tl")
    assert tl.cfg.use_attn_scale is False and tl.cfg.normalization_type is None and tl.cfg.act_fn == "relu"
    assert tl.cfg.attention_dir == ("causal" if model.causal else "bidirectional")
    inputs = every_input(model.tokens, model.max_seq_len)
    expected = rasp_run(program(name), inputs)
    tolerance = 1e-4 if dtype == "float32" else 1e-9
    ours = hooked_outputs(tl, model, inputs)
    bad = [(x, a, b) for x, a, b in zip(inputs, ours, expected) if not same_outputs(a, b, model.numerical, tolerance)]
    assert not bad, f"{name} ({dtype}): {len(bad)} of {len(inputs)} inputs differ, first {bad[:3]}"


def test_hooks_see_the_compiled_heads(tmp_path):
    rasp("compile", program("reverse"), "--format", "transformer-lens", "--dtype", "float64", "-o", tmp_path / "tl")
    model, tl = load(tmp_path / "tl"), load_hooked_transformer(tmp_path / "tl")
    ids = torch.tensor(model.encode(["a", "b", "c"]))[None]
    with torch.no_grad():
        logits, cache = tl.run_with_cache(ids)
    assert model.decode(logits[0].numpy()) == ["c", "b", "a"]
    # reverse's last head (a3.h0) reads position length - 1 - i at query i.
    pattern = cache["blocks.3.attn.hook_pattern"][0, 0].numpy()
    assert [int(np.argmax(pattern[q])) for q in range(1, 4)] == [3, 2, 1]
