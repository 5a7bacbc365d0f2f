"""Figure functions on small frames and the six figures of the tiny workflow run."""

from __future__ import annotations

import struct
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from bri_carbon.outputs import chord, figures

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


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def _flows() -> pd.DataFrame:
    groups = ["North", "South", "East"]
    return pd.DataFrame(
        [[50.0, 10.0, 5.0], [20.0, 40.0, 0.0], [5.0, 15.0, 30.0]], index=groups, columns=groups
    )


def test_chord_layout_is_proportional_to_flows():
    flows = _flows()
    layout = chord.chord_layout(flows, gap_degrees=2.0)
    spans = {g: end - start for g, (start, end) in layout.arcs.items()}
    # off-diagonal exports + imports: North 15 + 25, South 20 + 25, East 20 + 5
    assert sum(spans.values()) == pytest.approx(360.0 - 3 * 2.0)
    assert spans["North"] / spans["East"] == pytest.approx(40 / 25)
    assert ("North", "North") not in layout.ribbons  # within-group flows are not drawn
    assert ("South", "East") not in layout.ribbons  # zero flow, no ribbon
    (a1, a2), (b1, b2) = layout.ribbons[("South", "North")]
    assert a2 - a1 == pytest.approx(20.0 * layout.degrees_per_mt)
    assert b2 - b1 == pytest.approx(a2 - a1)
    # the origin end lies in the origin's arc, the destination end in the destination's
    assert layout.arcs["South"][0] <= a1 < a2 <= layout.arcs["South"][1] + 1e-9
    assert layout.arcs["North"][0] <= b1 < b2 <= layout.arcs["North"][1] + 1e-9


def test_ribbon_path_is_closed():
    path = chord.ribbon_path((10.0, 20.0), (200.0, 230.0))
    assert path.codes[0] == path.MOVETO and path.codes[-1] == path.CLOSEPOLY
    assert np.max(np.hypot(*path.vertices.T)) == pytest.approx(1.0)


def test_categorical_colours_are_distinct_for_many_groups():
    colours = figures.categorical_colours([f"g{i}" for i in range(14)])
    assert len(set(colours.values())) == 14
    assert colours["g0"] == figures.OKABE_ITO[0]


def test_chord_figure_labels_synthetic_data():
    flows = _flows()
    fig = chord.flows_chord(
        flows, pd.Series([True, False, False], flows.index), "synthetic", 2015, synthetic=True
    )
    texts = [t.get_text() for t in fig.texts]
    assert any("SYNTHETIC DATA" in t for t in texts)
    assert any("synthetic, 2015" in t for t in texts)
    title = fig.axes[0].get_title(loc="left")
    # between groups 10 + 5 + 20 + 5 + 15 = 55 Mt; within groups 50 + 40 + 30 = 120 Mt
    assert "between groups: 55 Mt CO2" in title and "within groups, 120 Mt" in title
    figures.plt.close(fig)


@pytest.mark.parametrize("name", sorted(FIGURE_WIDTHS))
def test_figure_rules_write_png_and_pdf(finished_run, name):
    png = finished_run / RESULT / "figures" / f"{name}.png"
    width, height = _png_size(png)
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
