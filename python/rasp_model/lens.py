"""A TransformerLens 2.x HookedTransformer from `rasp compile FILE --format transformer-lens -o DIR`.

    from rasp_model import load, load_hooked_transformer
    tl, model = load_hooked_transformer("reverse_tl"), load("reverse_tl")
    logits = tl(torch.tensor(model.encode(["a", "b", "c"]))[None])    # BOS is in the ids already
    model.decode(logits[0].detach().numpy())                           # ['c', 'b', 'a']

Needs torch and transformer_lens (python/requirements-lens.txt); the numpy loader does not.
"""

import dataclasses
import json
import os


def load_hooked_transformer(directory, device="cpu"):
    """The directory's model as a HookedTransformer in the dtype config.json names (no layer norm,
    unscaled attention, ReLU, zero biases). Token ids are passed as they are: BOS is id 0 and the
    caller puts it first (RaspModel.encode does)."""
    import torch
    from safetensors.torch import load_file
    from transformer_lens import HookedTransformer, HookedTransformerConfig

    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    dtype = getattr(torch, config.pop("dtype", "float32"))
    fields = {f.name for f in dataclasses.fields(HookedTransformerConfig)}
    unknown = sorted(set(config) - fields)
    if unknown:
        raise ValueError(f"{directory}/config.json: fields this TransformerLens does not know: {unknown}")
    cfg = HookedTransformerConfig(**config, dtype=dtype, device=device)
    model = HookedTransformer(cfg)
    state = load_file(os.path.join(directory, "model.safetensors"), device=device)
    missing, unexpected = model.load_state_dict(state, strict=False)
    # Only buffers TransformerLens makes itself (the causal mask, IGNORE) may be missing.
    missing = [k for k in missing if not k.endswith((".mask", ".IGNORE"))]
    if missing or unexpected:
        raise ValueError(f"{directory}: state dict mismatch: missing {missing}, unexpected {unexpected}")
    model.eval()
    return model
