"""The numpy loader against the rasp binary: decoded outputs equal `rasp run --json` on every input
(a seeded sample past INPUT_LIMIT), in both layouts; the metadata and the data export say the truth."""

import json

import numpy as np
import pytest

from support import every_input, program, rasp, rasp_run, same_outputs
from rasp_model import load

# A program per feature the export must describe.
PROGRAMS = [
    "reverse",        # categorical, the tracr classic
    "prefix_length",  # causal attention
    "shift_by_1",     # outputs with none
    "frac_prevs",     # numerical (a mean)
    "negative_map",   # numerical, negative values
    "palindrome",     # boolean outputs, selector widths
    "sort_freq",      # an integer vocab
    "shuffle_dyck2",  # 8 layers, up to 4 heads in a layer (padded head slots)
    "sort_16",        # max_seq_len 16: a seeded sample of the inputs
]

# The numpy pass is float64 like rasp's, summed in another order.
FLOAT64_TOLERANCE = 1e-9
# rasp check's tolerance for numerical outputs, for float32 weights.
FLOAT32_TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    """Per program: its inputs and `rasp run`'s outputs on them, computed once."""
    cache = {}

    def get(name):
        if name not in cache:
            path = tmp_path_factory.mktemp("rasp") / f"{name}.safetensors"
            rasp("compile", program(name), "-o", path)
            model = load(path)
            inputs = every_input(model.tokens, model.max_seq_len)
            cache[name] = (model, inputs, rasp_run(program(name), inputs))
        return cache[name]
    return get


def mismatches(model, inputs, outputs, tolerance):
    ours = model.run_batch(inputs)
    return [(x, a, b) for x, a, b in zip(inputs, ours, outputs) if not same_outputs(a, b, model.numerical, tolerance)]


@pytest.mark.parametrize("name", PROGRAMS)
def test_numpy_forward_decodes_as_rasp_run(name, expected):
    model, inputs, outputs = expected(name)
    assert len(inputs) > 0
    bad = mismatches(model, inputs, outputs, FLOAT64_TOLERANCE)
    assert not bad, f"{name}: {len(bad)} of {len(inputs)} inputs differ, first {bad[:3]}"


@pytest.mark.parametrize("name", PROGRAMS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_transformer_lens_layout_decodes_as_rasp_run(name, dtype, expected, tmp_path):
    _, inputs, outputs = expected(name)
    rasp("compile", program(name), "--format", "transformer-lens", "--dtype", dtype, "-o", tmp_path / "tl")
    model = load(tmp_path / "tl")
    tolerance = FLOAT64_TOLERANCE if dtype == "float64" else FLOAT32_TOLERANCE
    bad = mismatches(model, inputs, outputs, tolerance)
    assert not bad, f"{name} ({dtype}): {len(bad)} of {len(inputs)} inputs differ, first {bad[:3]}"


def test_the_metadata_states_how_to_run_the_model(expected):
    model, _, _ = expected("prefix_length")
    m = model.metadata
    assert m["format"] == "rasp-model/1" and m["layout"] == "rasp"
    assert json.loads(m["input"]) == ["BOS", "a", "b"] and m["bos_id"] == "0"
    assert (m["attention_scale"], m["activation"], m["normalization"]) == ("1", "relu", "none")
    assert json.loads(m["causal"]) is True and model.causal
    assert (int(m["max_seq_len"]), int(m["n_ctx"])) == (5, 6)
    assert json.loads(m["output"]) == [0, 1, 2, 3, 4, 5] and m["decoding"] == "argmax-or-none"
    assert json.loads(m["none_threshold"]) == 0.5
    numerical = expected("frac_prevs")[0].metadata
    assert json.loads(numerical["output"]) is None and numerical["decoding"] == "column-0"


def test_tokens_named_bos_or_with_spaces_and_colons_round_trip(tmp_path):
    source = tmp_path / "odd_tokens.rasp"
    source.write_text('vocab {"BOS", "a b", "x:y", "c"};\nmax_seq_len 3;\n'
                      'flip = select(indices, length - indices - 1, ==);\noutput_tokens = aggregate(flip, tokens);\n')
    rasp("compile", source, "-o", tmp_path / "odd.safetensors")
    rasp("compile", source, "--format", "transformer-lens", "-o", tmp_path / "tl")
    rasp("export-data", source, "-o", tmp_path / "data.json")
    data = json.loads((tmp_path / "data.json").read_text())
    for model in (load(tmp_path / "odd.safetensors"), load(tmp_path / "tl")):
        assert model.tokens == ["BOS", "BOS", "a b", "c", "x:y"]
        assert model.output_values == ["BOS", "a b", "c", "x:y"]
        assert list(model.encode(["BOS", "x:y"])) == [0, 1, 4]
        for entry in data["inputs"]:
            assert list(model.encode(entry["input"])) == entry["ids"]
            assert model.run(entry["input"]) == entry["output"] == entry["input"][::-1]
    assert len(data["inputs"]) == 4 + 16 + 64


@pytest.mark.parametrize("name", ["reverse", "frac_prevs", "sort_16"])
def test_export_data_is_the_data_the_verifier_uses(name, expected):
    model, _, _ = expected(name)
    data = json.loads(rasp("export-data", program(name), "--seed", "3"))
    assert data["format"] == "rasp-data/1" and data["seed"] == 3 and data["vocab"]["input"] == model.tokens
    entries = data["inputs"]
    assert data["sampled"] == (name == "sort_16")
    lengths = [len(e["ids"]) for e in entries]
    assert lengths == sorted(lengths), "inputs come group by group, shortest first"
    for i, e in enumerate(entries):
        partner = entries[e["partner"]]
        assert len(partner["ids"]) == len(e["ids"])
        assert e["partner"] != i or lengths.count(lengths[i]) == 1
        logits = model.logits(np.array(e["ids"]))
        np.testing.assert_allclose(logits, np.array(e["logits"]), rtol=1e-9, atol=1e-9)
    inputs = [e["input"] for e in entries]
    assert rasp_run(program(name), inputs) == [e["output"] for e in entries]
    other = json.loads(rasp("export-data", program(name), "--seed", "4"))
    assert [e["partner"] for e in other["inputs"]] != [e["partner"] for e in entries]
