"""The six figures of the tiny workflow run, and the regions its maps cannot draw."""

from __future__ import annotations

import matplotlib.image
import pytest

from bri_carbon.outputs import figures

from ..support.workflow import png_size

RESULT = "results/synthetic/2015"
#: Figure name -> width in inches of its matplotlib figure (saved with a tight bounding box).
FIGURE_WIDTHS = {
    "study_area": 7.5,
    "intensity_maps": 7.5,
    "intensity_gap": 6.5,
    "flows_chord": 7.5,
    "net_exports_by_group": 6.5,
    "driven_by": 7.0,
}


@pytest.mark.parametrize("name", sorted(FIGURE_WIDTHS))
def test_figure_rules_write_png_and_pdf(finished_run, name):
    png = finished_run / RESULT / "figures" / f"{name}.png"
    width, height = png_size(png)
    nominal = FIGURE_WIDTHS[name] * figures.DPI
    assert 0.6 * nominal <= width <= 1.4 * nominal, (name, width)
    assert height >= 600, (name, height)
    pixels = matplotlib.image.imread(png)
    assert pixels[..., :3].std() > 0.05, f"{name} looks blank"
    pdf = finished_run / RESULT / "figures" / f"{name}.pdf"
    assert pdf.read_bytes()[:4] == b"%PDF"


def test_map_rules_log_regions_without_polygons(finished_run):
    for name in ("study_area", "intensity_maps"):
        log = (finished_run / "logs" / "figure" / f"{name}_synthetic_2015.log").read_text()
        assert "SGP (Singapore)" in log and "not drawn" in log
