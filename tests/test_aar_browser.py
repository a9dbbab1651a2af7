"""The after-action report in a real browser: headless Chromium (Debian's `chromium`,
installed by .ci/run) renders it, draws its plots and prints it to PDF.

Skipped only where chromium is absent, and never on CI (CI=true): there it fails."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.test_aar import WHEN, trainee_report
from twin import aar

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (apt-get install -y chromium): the browser test "
                "of the after-action report cannot run", allow_module_level=True)

# measures each plot once the page has laid out: the polylines' and paths' points and
# bounding boxes, and where each plot is on the screen, written into data-plots on <body>
PROBE = """<script>
const out = [];
for (const svg of document.querySelectorAll("svg.plot")) {
  const marks = [...svg.querySelectorAll("polyline, path")].map(el => {
    const b = el.getBBox();
    return {tag: el.tagName, points: el.points ? el.points.numberOfItems : 0,
            w: b.width, h: b.height};
  });
  const r = svg.getBoundingClientRect();
  out.push({id: svg.id, marks, rect: [r.left, r.top, r.width, r.height]});
}
document.body.dataset.plots = JSON.stringify(out);
document.body.dataset.scrollWidth = String(document.documentElement.scrollWidth);
</script>"""


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    assert CHROMIUM is not None, ("CI needs chromium for the browser test of the report: "
                                  ".ci/run installs it (apt-get install -y chromium)")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


class _Body(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.body: dict[str, str | None] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.body = dict(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("aar")
    report = trainee_report()
    html_path, _ = aar.write(report, tmp / "report.html", made_at=WHEN,
                             description="Lose Raleigh, fail over to Dallas.")
    return html_path, report


WINDOW = "--window-size=1200,2600"


@pytest.fixture(scope="module")
def probed(page: tuple[Path, dict[str, Any]],
           tmp_path_factory: pytest.TempPathFactory) -> tuple[_Body, dict[str, Any], str]:
    """The page's DOM as Chromium leaves it after the probe measured the plots."""
    html_path, _ = page
    tmp = tmp_path_factory.mktemp("probe")
    probed = tmp / "probed.html"
    probed.write_text(html_path.read_text(encoding="utf-8").replace("</body>",
                                                                    PROBE + "</body>"),
                      encoding="utf-8")
    r = _chromium(tmp, WINDOW, "--dump-dom", probed.as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    dom = _Body()
    dom.feed(r.stdout)
    assert "data-plots" in dom.body, "the probe did not run: " + r.stderr[-1000:]
    plots = {p["id"]: p for p in json.loads(dom.body["data-plots"] or "[]")}
    return dom, plots, r.stderr


def test_chromium_renders_the_report_and_draws_its_plots(
        page: tuple[Path, dict[str, Any]], probed: tuple[_Body, dict[str, Any], str]) -> None:
    _, report = page
    dom, plots, _ = probed
    text = " ".join(dom.text)
    assert f"After-action report — {report['scenario']}" in text  # the <title>
    score = f"{report['assessment']['score']:g}"
    assert re.search(rf"\b{score}\s*/100\b", text), "no score in the rendered text"
    assert "✗ NOT PASSED" in text
    for d in report["assessment"]["deviations"]:
        assert d["what"] in text, d["what"]
    assert set(plots) == {"plot-lag-rpo"}  # no RTO bar: the service was not restored
    curves = [m for m in plots["plot-lag-rpo"]["marks"] if m["tag"] == "polyline"]
    assert sum(m["points"] for m in curves) >= len(report["series"]["t_s"])
    assert all(m["w"] > 50 for m in curves if m["points"] > 50), curves
    assert max(m["w"] for m in curves) > 500, curves  # the lag over the whole run
    assert any(m["h"] > 20 for m in curves)  # the lag spike and the RPO's climb
    _, _, width, height = plots["plot-lag-rpo"]["rect"]
    assert width > 600 and height > 300
    assert int(dom.body.get("data-scrollwidth") or 0) <= 1200  # nothing overflows sideways


def test_the_screenshot_shows_the_curves_in_the_plot_area(
        page: tuple[Path, dict[str, Any]], probed: tuple[_Body, dict[str, Any], str],
        tmp_path: Path) -> None:
    """Where the probe found the plot, the screenshot has the lag curve's blue and the
    RPO curve's violet, not only white and grey."""
    from PySide6.QtGui import QImage

    html_path, _ = page
    png = tmp_path / "shot.png"
    r = _chromium(tmp_path, f"--screenshot={png}", WINDOW, html_path.as_uri())
    assert r.returncode == 0 and png.exists(), r.stderr[-2000:]
    img = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB888)
    assert img.width() == 1200 and img.height() == 2600
    rows = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    px = rows[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(int)
    left, top, width, height = (int(v) for v in probed[1]["plot-lag-rpo"]["rect"])
    assert top + height <= img.height(), "the plot is below the screenshot"
    area = px[top:top + height, left:left + width]

    def near(rgb: tuple[int, int, int]) -> int:
        return int((np.abs(area - np.array(rgb)).max(axis=2) < 30).sum())

    # the lag (blue), the RPO before the disaster (violet) and after it (muted violet)
    blue, violet = near((0x1F, 0x4E, 0x8C)), near((0x8A, 0x3F, 0xFC))
    muted = near((0xB9, 0xA2, 0xE8))
    assert blue > 600 and violet > 40 and muted > 200, (blue, violet, muted)
    white = int((area.min(axis=2) > 245).sum())
    assert white < 0.9 * area.shape[0] * area.shape[1]


def test_it_prints_to_a_few_light_pages(page: tuple[Path, dict[str, Any]],
                                        tmp_path: Path) -> None:
    html_path, _ = page
    pdf = tmp_path / "report.pdf"
    r = _chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                  html_path.as_uri())
    assert r.returncode == 0 and pdf.exists(), r.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert 3 <= pages <= 10, pages
