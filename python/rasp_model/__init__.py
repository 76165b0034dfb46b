"""Load a model written by `rasp compile -o` and run it with numpy, decoding as `rasp run` does.

    from rasp_model import load
    model = load("reverse.safetensors")        # or a `--format transformer-lens` directory
    model.run(["a", "b", "c"])                 # ['c', 'b', 'a']

Both layouts of docs/FORMATS.md load into the same `RaspModel`; `rasp_model.lens` builds a
TransformerLens `HookedTransformer` from a transformer-lens directory.
"""

import json
import os

import numpy as np
from safetensors import safe_open

__all__ = ["RaspModel", "load", "load_hooked_transformer"]

FORMAT = "rasp-model/1"


class RaspModel:
    """A compiled RASP model: weights per layer and head, and how to encode inputs and decode outputs.

    tokens[i] is the token of id i (tokens[0] is BOS); output_values[j] the value of output column j
    (None for a numerical output, read from column 0); a categorical position whose largest output
    is not above none_threshold decodes as None (RASP's `none`).
    """

    def __init__(self, tokens, output_values, numerical, none_threshold, causal, embed, pos_embed, layers,
                 unembed, unembed_bias, metadata):
        self.tokens = tokens
        self.output_values = output_values
        self.numerical = numerical
        self.none_threshold = none_threshold
        self.causal = causal
        self.embed = embed
        self.pos_embed = pos_embed
        self.layers = layers
        self.unembed = unembed
        self.unembed_bias = unembed_bias
        self.metadata = metadata
        # Id 0 is BOS even when a program token is spelled "BOS": only ids 1... are looked up.
        self._ids = {_key(t): i for i, t in enumerate(tokens) if i > 0}

    @property
    def n_ctx(self):
        """Positions, BOS included (max_seq_len + 1)."""
        return self.pos_embed.shape[0]

    @property
    def max_seq_len(self):
        return self.n_ctx - 1

    def encode(self, tokens):
        """Token ids of one input, BOS (id 0) first."""
        try:
            return np.array([0] + [self._ids[_key(t)] for t in tokens], dtype=np.int64)
        except KeyError as e:
            raise ValueError(f"token {e.args[0][1]!r} is not in the vocab") from None

    def logits(self, ids):
        """The output logits, [batch, positions, outputs], of token ids [batch, positions] (or [positions])."""
        ids = np.asarray(ids)
        single = ids.ndim == 1
        ids = ids[None, :] if single else ids
        t = ids.shape[1]
        if t > self.n_ctx:
            raise ValueError(f"{t} positions, more than the model's {self.n_ctx} (max_seq_len + BOS)")
        x = self.embed[ids] + self.pos_embed[:t][None]
        mask = np.tril(np.ones((t, t), dtype=bool)) if self.causal else np.ones((t, t), dtype=bool)
        for layer in self.layers:
            x = x + _attention(x, layer, mask)
            hidden = np.maximum(x @ layer["W_in"] + layer["b_in"], 0)
            x = x + hidden @ layer["W_out"] + layer["b_out"]
        out = x @ self.unembed + self.unembed_bias
        return out[0] if single else out

    def decode(self, logits):
        """The values of one sequence's logits [positions, outputs], BOS position dropped."""
        logits = np.asarray(logits, dtype=np.float64)[1:]
        if self.numerical:
            return [float(v) for v in logits[:, 0]]
        out = []
        for row in logits:
            j = int(np.argmax(row))  # the first of equal largest, as rasp decodes
            out.append(self.output_values[j] if row[j] > self.none_threshold else None)
        return out

    def run(self, tokens):
        """The decoded output of one input (a list of tokens), as `rasp run --json` prints it."""
        return self.decode(self.logits(self.encode(tokens)))

    def run_batch(self, inputs):
        """Decoded outputs of many inputs, batched by length."""
        results = [None] * len(inputs)
        by_length = {}
        for i, x in enumerate(inputs):
            by_length.setdefault(len(x), []).append(i)
        for members in by_length.values():
            logits = self.logits(np.stack([self.encode(inputs[i]) for i in members]))
            for k, i in enumerate(members):
                results[i] = self.decode(logits[k])
        return results


def _attention(x, layer, mask):
    """Every head of a layer on the same residual x [batch, t, d]: softmax of unscaled q.k over the
    visible keys, no 1/sqrt(d_head)."""
    q = np.einsum("btd,hdk->bhtk", x, layer["W_Q"]) + layer["b_Q"][None, :, None]
    k = np.einsum("btd,hdk->bhtk", x, layer["W_K"]) + layer["b_K"][None, :, None]
    v = np.einsum("btd,hdk->bhtk", x, layer["W_V"]) + layer["b_V"][None, :, None]
    scores = np.where(mask, q @ k.transpose(0, 1, 3, 2), -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    z = weights @ v
    return np.einsum("bhtk,hkd->btd", z, layer["W_O"]) + layer["b_O"]


def _key(token):
    """A dictionary key that keeps 1 and "1" apart (a vocab has one kind, so 1 and 1.0 agree)."""
    return (type(token) is str, token)


def load(path, dtype=np.float64):
    """Loads a rasp-layout safetensors file, or a transformer-lens directory (or its model.safetensors)."""
    if os.path.isdir(path):
        return _load_lens(path, dtype)
    metadata = _metadata(path)
    if metadata.get("layout") == "transformer-lens":
        return _load_lens(os.path.dirname(os.path.abspath(path)), dtype)
    return _load_rasp(path, metadata, dtype)


def load_hooked_transformer(path, device="cpu"):
    """A TransformerLens HookedTransformer of a transformer-lens directory (see rasp_model.lens)."""
    from .lens import load_hooked_transformer as load_lens
    return load_lens(path, device=device)


def _metadata(path):
    with safe_open(path, framework="np") as f:
        metadata = f.metadata() or {}
    if metadata.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} file (format {metadata.get('format')!r})")
    return metadata


def _tensors(path, dtype):
    with safe_open(path, framework="np") as f:
        return {name: f.get_tensor(name).astype(dtype) for name in f.keys()}


def _load_rasp(path, metadata, dtype):
    t = _tensors(path, dtype)
    d = t["embed.tokens"].shape[1]
    layers = []
    for l in range(int(metadata["layers"])):
        heads = [f"layers.{l}.heads.{h}." for h in range(int(metadata["head_slots"]))]
        width = max((max(t[p + "w_q"].shape[1], t[p + "w_v"].shape[1]) for p in heads), default=1)
        pad = lambda m, r, c: np.pad(m, ((0, r - m.shape[0]), (0, c - m.shape[1])))
        stack = lambda ms, r, c: np.stack(ms) if ms else np.zeros((0, r, c), dtype=dtype)  # a model without heads
        layer = {name: stack([pad(t[p + key], d, width) for p in heads], d, width) for name, key in
                 (("W_Q", "w_q"), ("W_K", "w_k"), ("W_V", "w_v"))}
        layer["W_O"] = stack([pad(t[p + "w_o"], width, d) for p in heads], width, d)
        layer["W_in"], layer["W_out"] = t[f"layers.{l}.mlp.w1"], t[f"layers.{l}.mlp.w2"]
        zeros = np.zeros((len(heads), width), dtype=dtype)
        layer.update(b_Q=zeros, b_K=zeros, b_V=zeros, b_O=np.zeros(d, dtype=dtype),
                     b_in=np.zeros(layer["W_in"].shape[1], dtype=dtype), b_out=np.zeros(d, dtype=dtype))
        layers.append(layer)
    unembed = t["unembed"]
    return RaspModel(
        tokens=json.loads(metadata["input"]), output_values=json.loads(metadata["output"]),
        numerical=json.loads(metadata["numerical"]), none_threshold=json.loads(metadata["none_threshold"]),
        causal=json.loads(metadata["causal"]), embed=t["embed.tokens"], pos_embed=t["embed.positions"], layers=layers,
        unembed=unembed, unembed_bias=np.zeros(unembed.shape[1], dtype=dtype), metadata=metadata)


def _load_lens(directory, dtype):
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(directory, "vocab.json")) as f:
        vocab = json.load(f)
    weights = os.path.join(directory, "model.safetensors")
    t = _tensors(weights, dtype)
    names = ("W_Q", "W_K", "W_V", "W_O", "b_Q", "b_K", "b_V", "b_O")
    layers = []
    for l in range(config["n_layers"]):
        layer = {n: t[f"blocks.{l}.attn.{n}"] for n in names}
        layer.update({n: t[f"blocks.{l}.mlp.{n}"] for n in ("W_in", "b_in", "W_out", "b_out")})
        layers.append(layer)
    return RaspModel(
        tokens=vocab["input"], output_values=vocab["output"], numerical=vocab["numerical"],
        none_threshold=vocab["none_threshold"], causal=config["attention_dir"] == "causal",
        embed=t["embed.W_E"], pos_embed=t["pos_embed.W_pos"], layers=layers, unembed=t["unembed.W_U"],
        unembed_bias=t["unembed.b_U"], metadata=_metadata(weights))
