"""Running the rasp binary from the Python tests: compile, run, export-data, and every input of a program."""

import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

# The release binary `swift build -c release` makes; RASP_BIN overrides it.
RASP = Path(os.environ.get("RASP_BIN", REPO / ".build" / "release" / "rasp"))

# Past this many inputs up to max_seq_len a program is checked on a seeded sample of this many.
INPUT_LIMIT = 4000


def rasp(*args):
    """Runs rasp from the repository root; its stdout, or an AssertionError with its stderr."""
    if not RASP.exists():
        raise AssertionError(f"{RASP} is missing: run `swift build -c release` first (or set RASP_BIN)")
    r = subprocess.run([str(RASP), *map(str, args)], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, f"rasp {' '.join(map(str, args))} exited {r.returncode}: {r.stderr}"
    return r.stdout


def program(name):
    return REPO / "programs" / f"{name}.rasp"


def every_input(tokens, max_seq_len, limit=INPUT_LIMIT, seed=0):
    """Every input of 1 to max_seq_len tokens, or a seeded sample of `limit` of them (each length
    keeping its share, at least one)."""
    vocab = tokens[1:]
    counts = [len(vocab) ** n for n in range(1, max_seq_len + 1)]
    if sum(counts) <= limit:
        return [list(x) for n in range(1, max_seq_len + 1) for x in itertools.product(vocab, repeat=n)]
    rng = random.Random(seed)
    sample = []
    for n, count in zip(range(1, max_seq_len + 1), counts):
        keep = max(1, limit * count // sum(counts))
        seen = set()
        while len(seen) < min(keep, count):
            seen.add(tuple(rng.randrange(len(vocab)) for _ in range(n)))
        sample += [[vocab[i] for i in x] for x in sorted(seen)]
    return sample


def token_text(token):
    """How a token is typed on rasp's command line."""
    if isinstance(token, bool):
        return "true" if token else "false"
    return token if isinstance(token, str) else repr(token)


def rasp_run(path, inputs, *options):
    """`rasp run --inputs FILE --json` on the inputs: the output of each, as JSON values."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("".join(" ".join(token_text(t) for t in x) + "\n" for x in inputs))
    try:
        lines = rasp("run", path, "--inputs", f.name, "--json", *options).splitlines()
    finally:
        os.unlink(f.name)
    assert len(lines) == len(inputs)
    rows = [json.loads(line) for line in lines]
    for x, row in zip(inputs, rows):
        assert row["input"] == x, row
    return [row["output"] for row in rows]


def same_outputs(ours, theirs, numerical, tolerance):
    """Whether two decoded outputs agree: exactly, or numerically within `tolerance` (relative above 1)."""
    if not numerical:
        return ours == theirs
    return len(ours) == len(theirs) and all(abs(a - b) <= tolerance * max(1.0, abs(b)) for a, b in zip(ours, theirs))
