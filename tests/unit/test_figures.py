"""Figure functions on small frames (the figures of the tiny run: tests/workflow/)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bri_carbon.outputs import chord, figures


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
