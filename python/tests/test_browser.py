"""The pictures and pages rasp writes, opened in headless Chromium: each renders to a PNG, the
browser's DOM parses without errors, and it holds the expected number of edges and table rows.

Chromium is Debian's package; .ci/run installs it and sets RASP_REQUIRE_BROWSER=1, so in CI a missing
browser fails the test instead of skipping it."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support import REPO, program, rasp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
if CHROMIUM is None:
    if os.environ.get("RASP_REQUIRE_BROWSER") == "1":
        raise AssertionError("RASP_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chromium(*args, profile):
    """Runs headless Chromium (no sandbox: CI runs as root in a container); its stdout."""
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={profile}", *args], capture_output=True, timeout=120)
    assert r.returncode == 0, f"chromium {' '.join(args)} exited {r.returncode}: {r.stderr.decode(errors='replace')[-2000:]}"
    return r.stdout.decode()


def render(path, tmp):
    """The file's DOM as the browser built it, after rendering it to a PNG without errors."""
    png = tmp / (path.stem + ".png")
    chromium(f"--screenshot={png}", "--window-size=1400,2000", path.as_uri(), profile=tmp / "profile")
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000, f"{png} is not a rendered page ({len(data)} bytes)"
    dom = chromium("--dump-dom", path.as_uri(), profile=tmp / "profile")
    assert "parsererror" not in dom, f"the browser could not parse {path.name}"
    return dom


def count_class(dom, word):
    """Elements whose class attribute holds `word`, in the browser's serialized DOM."""
    return sum(word in m.split() for m in re.findall(r'class="([^"]*)"', dom))


@pytest.fixture()
def tmp():
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def test_draw_renders_every_golden_edge(tmp):
    golden = json.loads(rasp("circuit", program("shuffle_dyck2")))
    svg = tmp / "shuffle_dyck2.svg"
    rasp("draw", program("shuffle_dyck2"), "-o", svg)
    dom = render(svg, tmp)
    assert count_class(dom, "edge") == len(golden["edges"])
    required = sum(e["kind"] == "required" for e in golden["edges"])
    assert count_class(dom, "required") == required + 1  # and the legend's sample line


def test_draw_of_a_recovered_circuit_renders_its_diff(tmp):
    circuit = tmp / "reverse.json"
    rasp("prune", program("reverse"), "--variant", "noisy", "--seed", "3", "--quiet", "-o", circuit)
    verdict = json.loads(subprocess.run([str(REPO / ".build/release/rasp"), "verify", program("reverse"), "--circuit", circuit,
                                         "--json"], cwd=REPO, capture_output=True, text=True).stdout)
    svg = tmp / "reverse.svg"
    rasp("draw", program("reverse"), "--circuit", circuit, "-o", svg)
    dom = render(svg, tmp)
    for style, expected in [("extra", len(verdict["extra"])), ("missing", len(verdict["missing"]))]:
        assert count_class(dom, style) == expected + (1 if expected else 0), style


def test_the_check_report_renders_its_table_and_circuits(tmp):
    html = tmp / "report.html"
    out = json.loads(rasp("check", program("reverse"), program("frac_prevs"), "--seeds", "0-1", "--html", html, "--json"))
    variant_rows = sum(len(p["variants"]) for p in out["programs"])
    dom = render(html, tmp)
    assert count_class(dom, "variant") == variant_rows == 4
    assert count_class(dom, "circuit") == 2 * 3  # per program the golden circuit and one per variant
    assert count_class(dom, "plot") == 2 * 2 * 2  # loss and sparsity per variant
    # The browser's DOM and the file agree, and the file is XML.
    ET.fromstring(html.read_text().removeprefix("<!DOCTYPE html>\n"))
    assert count_class(dom, "edge") == count_class(html.read_text(), "edge")


def test_the_full_check_report_of_ci_renders(tmp):
    """The page `.ci/run` writes with the main job, when it is there."""
    path = os.environ.get("RASP_CHECK_HTML")
    if not path:
        pytest.skip("RASP_CHECK_HTML is not set (.ci/run sets it)")
    html = Path(path) if Path(path).is_absolute() else REPO / path
    text = html.read_text()
    dom = render(html, tmp)
    rows = count_class(text, "variant")
    programs = len(list((REPO / "programs").glob("*.rasp")))
    assert rows >= programs and count_class(dom, "variant") == rows
    assert count_class(dom, "circuit") == count_class(text, "circuit") > programs
