"""Figure functions on small frames, checked at their printed size (the figures of the tiny
run: tests/workflow/)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from bri_carbon.core import findings, robustness
from bri_carbon.outputs import (
    chord,
    figures,
    geography,
    gis,
    maps,
    robustness_figure,
    vintage_figures,
)

from ..support import figures as checks
from ..support.workflow import REPO

#: Groups of the shipped grouping, the longest names included: three BRI, three others.
GROUPS = [
    "East Asia",
    "West Asia and North Africa",
    "Central and Eastern Europe",
    "United States",
    "Europe outside BRI",
    "Rest of world",
]
BRI = pd.Series([True, True, True, False, False, False], index=GROUPS)
DRIVERS = ["United States", "Europe outside BRI"]
#: Two regions per group, (code, name); the codes have polygons in Natural Earth 1:110m
#: except SGP.
REGIONS = {
    "East Asia": [("CHN", "China"), ("MNG", "Mongolia")],
    "West Asia and North Africa": [("EGY", "Egypt"), ("SGP", "Singapore")],
    "Central and Eastern Europe": [("POL", "Poland"), ("BIH", "Bosnia and Herzegovina")],
    "United States": [("USA", "United States")],
    "Europe outside BRI": [("DEU", "Germany"), ("FRA", "France")],
    "Rest of world": [("BRA", "Brazil"), ("AUS", "Australia")],
}


def _regions() -> pd.DataFrame:
    rows = [
        (code, name, bool(BRI[group]), group)
        for group, members in REGIONS.items()
        for code, name in members
    ]
    frame = pd.DataFrame(rows, columns=["iso3", "name", "bri", "group"])
    return frame.set_index("iso3")


def _region_flows() -> pd.DataFrame:
    """Origin x destination regions, Mt CO2: large domestic flows, smaller trade."""
    codes = list(_regions().index)
    rng = np.random.default_rng(7)
    matrix = rng.uniform(1.0, 40.0, (len(codes), len(codes)))
    np.fill_diagonal(matrix, rng.uniform(200.0, 900.0, len(codes)))
    return pd.DataFrame(matrix, index=codes, columns=codes)


def _group_flows() -> pd.DataFrame:
    regions = _regions()
    flows = _region_flows()
    by_origin = flows.groupby(regions.loc[flows.index, "group"].to_numpy()).sum()
    grouped = by_origin.T.groupby(regions.loc[flows.columns, "group"].to_numpy()).sum().T
    return grouped.loc[GROUPS, GROUPS]


def _group_accounts() -> pd.DataFrame:
    flows = _group_flows()
    production = flows.sum(axis=1) * 1.1
    consumption = flows.sum(axis=0) * 1.1
    accounts = pd.DataFrame(
        {
            "bri": BRI,
            "production_mt": production,
            "consumption_mt": consumption,
            "net_export_mt": production - consumption,
            "primary_inputs_musd": np.linspace(2e6, 8e6, len(GROUPS)),
            "final_demand_musd": np.linspace(2.2e6, 7.5e6, len(GROUPS)),
        }
    )
    return accounts


def _region_accounts() -> pd.DataFrame:
    regions = _regions()
    rng = np.random.default_rng(3)
    return regions.assign(
        production_intensity_kg_per_usd=rng.uniform(0.1, 2.0, len(regions)),
        consumption_intensity_kg_per_usd=rng.uniform(0.1, 2.0, len(regions)),
    )


def _hotspots() -> pd.DataFrame:
    sectors = [
        "Electricity, Gas and Water",
        "Petroleum, Chemical and Non-Metallic Mineral Products",
        "Transport",
        "Agriculture",
        "Metal Products",
        "Mining and Quarrying",
    ]
    rows = [
        (origin, sector, destination, 10.0 + i + j)
        for origin in BRI.index[BRI]
        for i, sector in enumerate(sectors)
        for j, destination in enumerate(GROUPS)
    ]
    frame = pd.DataFrame(rows, columns=["origin_group", "sector", "destination_group", "co2_mt"])
    return frame.assign(share_pct=1.0)


@pytest.fixture(scope="module")
def boundaries() -> gpd.GeoDataFrame:
    fixes = gis.read_iso3_fixes(REPO / "data" / "naturalearth_iso3_fixes.csv")
    return geography.read_boundaries(
        REPO / "data" / "naturalearth_lowres" / "naturalearth_lowres.shp", fixes
    )


def _driven() -> pd.DataFrame:
    return findings.driven_by(_region_flows(), _regions())


def _trend_shares() -> pd.DataFrame:
    years = pd.Index(range(2008, 2016), name="year")
    return pd.DataFrame(
        {statistic: np.linspace(70, 80, len(years)) for statistic in vintage_figures.TREND_STYLE},
        index=years,
    )


def _effects() -> pd.DataFrame:
    quantities = [("consumption", g) for g in GROUPS] + [("block", "BRI domestic")]
    table = pd.DataFrame(quantities, columns=["kind", "quantity"])
    rng = np.random.default_rng(5)
    for factor in ("intensity", "leontief", "mix", "level"):
        table[f"{factor}_effect_mt"] = rng.uniform(-500, 500, len(table))
    table["change_mt"] = table.filter(like="_effect_mt").sum(axis=1)
    return table


def _robustness() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A robustness table of every reading the figure draws under every variant, and the
    headline with the paper's values of two of them."""
    keys = [
        (finding, statistic, level, subject.replace("X", "CHN"))
        for finding, readings in robustness_figure.FIGURE_READINGS.items()
        for statistic, level, subject in readings
    ]
    rows = [
        (*key, variant, (1.1 if key[0] == "a" else 40.0) + 0.05 * i, "%")
        for i, variant in enumerate(robustness.VARIANTS)
        for key in keys
    ]
    table = pd.DataFrame(rows, columns=list(robustness.ROBUSTNESS_COLUMNS))
    headline = table[table["variant"] == "baseline"].drop(columns="variant")
    paper = headline["statistic"].isin(["positive_net_export_share", "driven_share"]) & headline[
        "level"
    ].isin(["region"])
    headline = headline.assign(
        paper_value=np.where(paper, np.where(headline["finding"] == "b", 95.0, 30.0), np.nan),
        paper_wording=np.where(paper, "more than 95% (J. Geogr. Sci.)", ""),
    )
    return table, headline


#: Figure -> (function of the boundaries drawing it from the frames above, printed width in
#: mm, number of labelled panels).
FIGURE_CASES: dict[str, tuple[Callable[[gpd.GeoDataFrame], Figure], float, int]] = {
    "study_area": (
        lambda b: maps.study_area(b, _regions(), "synthetic", 2015, True),
        figures.DOUBLE_COLUMN_MM,
        0,
    ),
    "intensity_maps": (
        lambda b: maps.intensity_maps(b, _region_accounts(), "synthetic", 2015, True),
        figures.DOUBLE_COLUMN_MM,
        3,
    ),
    "intensity_gap": (
        lambda b: figures.intensity_gap(_group_accounts(), DRIVERS, "synthetic", 2015, True),
        figures.SINGLE_COLUMN_MM,
        0,
    ),
    "flows_chord": (
        lambda b: chord.flows_chord(_group_flows(), BRI, "synthetic", 2015, True),
        figures.DOUBLE_COLUMN_MM,
        0,
    ),
    "net_exports_by_group": (
        lambda b: figures.net_exports_by_group(
            _group_accounts(),
            "synthetic",
            2015,
            True,
            region_share=88.0,
            paper_wording="more than 95% (J. Geogr. Sci.); up to 95% (Acta Geogr. Sin.)",
        ),
        figures.SINGLE_COLUMN_MM,
        0,
    ),
    "driven_by": (
        lambda b: figures.driven_by_shares(
            findings.driven_by_groups(_driven()),
            DRIVERS,
            GROUPS,
            list(BRI.index[BRI]),
            "synthetic",
            2015,
            True,
            30.0,
        ),
        figures.DOUBLE_COLUMN_MM,
        0,
    ),
    "driven_by_regions": (
        lambda b: figures.driven_by_regions(
            _driven(), DRIVERS, GROUPS, list(BRI.index[BRI]), "synthetic", 2015, True, 30.0
        ),
        figures.DOUBLE_COLUMN_MM,
        0,
    ),
    "sector_hotspots": (
        lambda b: figures.sector_hotspots(
            _hotspots(), list(BRI.index[BRI]), DRIVERS, "synthetic", 2015, True
        ),
        figures.DOUBLE_COLUMN_MM,
        3,
    ),
    "bri_net_export_shares": (
        lambda b: vintage_figures.shares_figure(_trend_shares(), DRIVERS, "synthetic", True),
        figures.SINGLE_COLUMN_MM,
        0,
    ),
    "effects": (
        lambda b: vintage_figures.effects_figure(_effects(), "synthetic", (2014, 2015), True),
        figures.DOUBLE_COLUMN_MM,
        0,
    ),
    "robustness": (
        lambda b: robustness_figure.robustness_figure(*_robustness(), "synthetic", 2015, True),
        figures.DOUBLE_COLUMN_MM,
        3,
    ),
}


@pytest.fixture(scope="module", params=sorted(FIGURE_CASES))
def drawn(request, boundaries):
    """(name, figure, printed width in mm, panels) of every figure; closed afterwards."""
    draw, width, panels = FIGURE_CASES[request.param]
    fig = draw(boundaries)
    yield request.param, fig, width, panels
    figures.plt.close(fig)


def test_figures_are_drawn_at_journal_width(drawn):
    name, fig, width, _ = drawn
    assert checks.width_mm(fig) == pytest.approx(width, abs=0.01), name
    assert width in (figures.SINGLE_COLUMN_MM, figures.DOUBLE_COLUMN_MM)
    assert fig.get_figheight() * figures.MM_PER_INCH <= figures.FULL_PAGE_MM + 0.01, name


def test_every_text_is_at_least_6_pt_and_inside_the_figure(drawn):
    name, fig, _, _ = drawn
    assert checks.smallest_fonts(fig) == [], name
    assert checks.outside_texts(fig) == [], name
    assert checks.legends_clear_of_stamp(fig) == [], name


def test_synthetic_figures_say_so(drawn):
    name, fig, _, _ = drawn
    stamps = [t.get_text() for t in fig.texts]
    assert "SYNTHETIC DATA - not real emissions" in stamps, name
    assert any(t.startswith("Data: synthetic, 20") for t in stamps), name


def test_gridlines_lie_behind_the_data(drawn):
    name, fig, _, _ = drawn
    for ax in fig.axes:
        assert ax.get_axisbelow() is True, name


def test_multi_panel_figures_label_their_panels(drawn):
    name, fig, _, panels = drawn
    assert checks.panel_letters(fig) == list("abcdefg"[:panels]), name


def test_group_colours_are_fixed_per_name_whatever_the_order():
    names = [*figures.GROUP_COLOURS, "Africa", "Latin America", "Oceania"]
    forward = figures.group_colours(names)
    backward = figures.group_colours(reversed(names))
    assert forward == backward
    # A regrouping keeps the colours of the groups it keeps.
    assert figures.group_colours(["Japan", "Africa"])["Japan"] == forward["Japan"]
    for name, colour in figures.GROUP_COLOURS.items():
        assert forward[name] == colour
    assert len(set(forward.values())) == len(names)
    assert figures.group_colours([f"g{i}" for i in range(14)]).keys() == {
        f"g{i}" for i in range(14)
    }
    assert len(set(figures.group_colours([f"g{i}" for i in range(14)]).values())) == 14


def test_group_colours_do_not_depend_on_the_interpreter_hash_seed():
    names = ["Africa", "Latin America", "Oceania"]
    code = (
        f"from bri_carbon.outputs.figures import group_colours\nprint(group_colours({names!r}))\n"
    )
    other_seed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    ).stdout
    assert other_seed.strip() == str(figures.group_colours(names))


def test_default_groups_have_distinct_colour_blind_safe_colours_by_bri():
    regions = pd.read_csv(REPO / "config" / "regions.csv", keep_default_na=False)
    groups = regions.drop_duplicates("group").set_index("group")["bri"] == "true"
    colours = figures.group_colours(groups.index)
    assert set(colours) == set(figures.GROUP_COLOURS)
    safe = {*figures.OKABE_ITO, *figures.TOL_MUTED, "#999999"}
    assert set(colours.values()) <= safe
    assert len(set(colours.values())) == len(colours)
    # Belt and Road groups and the others never share a colour.
    bri_colours = {colours[g] for g in groups.index[groups]}
    other_colours = {colours[g] for g in groups.index[~groups]}
    assert not bri_colours & other_colours


def test_chord_layout_is_proportional_to_flows():
    groups = ["North", "South", "East"]
    flows = pd.DataFrame(
        [[50.0, 10.0, 5.0], [20.0, 40.0, 0.0], [5.0, 15.0, 30.0]], index=groups, columns=groups
    )
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


@pytest.mark.parametrize(
    ("largest", "step"),
    [(2370.0, 500.0), (2500.0, 500.0), (1499.0, 200.0), (37.0, 10.0), (3.0, 1.0), (0.9, 0.2)],
)
def test_ring_label_step_puts_three_labels_on_the_largest_arc(largest, step):
    assert chord.label_step(largest) == pytest.approx(step)
    labelled, unlabelled = chord.ring_ticks(largest, chord.label_step(largest))
    assert len(labelled) >= 3 and 0.0 not in labelled
    assert labelled[-1] <= largest
    assert set(labelled).isdisjoint(unlabelled)
    assert chord.label_step(0.0) == 0.0


def test_chord_labels_its_ring_when_the_largest_arc_is_below_2500_mt():
    # The case: the largest arc is 2,370 Mt; ticks used to be labelled every
    # 2,500 Mt, so no number was drawn.
    groups = ["A", "B", "C", "D"]
    flows = pd.DataFrame(
        [[0, 1400, 200, 100], [400, 0, 50, 50], [200, 20, 0, 10], [70, 30, 20, 0]],
        index=groups,
        columns=groups,
        dtype=float,
    )
    spans = flows.sum(axis=0) + flows.sum(axis=1)
    assert spans.max() == pytest.approx(2370.0)
    fig = chord.flows_chord(flows, pd.Series(False, index=groups), "synthetic", 2015, True)
    numbers = [t.get_text() for t in fig.axes[0].texts if t.get_text().replace(",", "").isdigit()]
    assert {"500", "1,000", "1,500", "2,000"} <= set(numbers)
    assert any("tick labels every 500 Mt" in t.get_text() for t in fig.texts)
    figures.plt.close(fig)


def test_chord_figure_labels_synthetic_data():
    groups = ["North", "South", "East"]
    flows = pd.DataFrame(
        [[50.0, 10.0, 5.0], [20.0, 40.0, 0.0], [5.0, 15.0, 30.0]], index=groups, columns=groups
    )
    fig = chord.flows_chord(
        flows, pd.Series([True, False, False], flows.index), "synthetic", 2015, synthetic=True
    )
    texts = [t.get_text() for t in fig.texts]
    assert any("SYNTHETIC DATA" in t for t in texts)
    assert any("synthetic, 2015" in t for t in texts)
    title = next(t for t in texts if t.startswith("Embodied CO2 flows"))
    # between groups 10 + 5 + 20 + 5 + 15 = 55 Mt; within groups 50 + 40 + 30 = 120 Mt
    assert "between groups: 55 Mt CO2" in title and "within groups, 120 Mt" in title
    figures.plt.close(fig)


def test_driven_by_groups_sums_the_regions_of_each_group():
    driven = _driven()
    grouped = findings.driven_by_groups(driven)
    assert len(grouped) == BRI.sum() * len(GROUPS)
    for group, rows in grouped.groupby("group"):
        assert rows["share_pct"].sum() == pytest.approx(100.0)
        members = driven[driven["group"] == group]
        to_us = grouped[(grouped["group"] == group) & (grouped["destination_group"] == DRIVERS[0])]
        expected = members.loc[members["destination_group"] == DRIVERS[0], "co2_mt"].sum()
        assert float(to_us["co2_mt"].iloc[0]) == pytest.approx(expected)
        assert float(to_us["share_pct"].iloc[0]) == pytest.approx(
            100 * expected / members["co2_mt"].sum()
        )


def test_driven_by_figure_has_one_row_per_bri_group(boundaries):
    fig = FIGURE_CASES["driven_by"][0](boundaries)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(labels) == sorted(BRI.index[BRI])
    figures.plt.close(fig)


def test_intensity_ratio_map_is_centred_on_one():
    ratios = pd.Series([0.5, 0.9, 1.1, 1.3, np.nan])
    low, high = maps.ratio_limits(ratios)
    assert low * high == pytest.approx(1.0)
    assert high >= 1.5
    ticks = maps.ratio_ticks(low, high)
    assert 1.0 in ticks and all(low <= t <= high for t in ticks)


@pytest.mark.parametrize("name", ["intensity_gap", "study_area"])
def test_saving_the_same_figure_twice_gives_the_same_bytes(boundaries, tmp_path, name):
    """A chart and a map (geopandas) drawn twice give the same PNG and PDF bytes."""
    draw = FIGURE_CASES[name][0]
    for run in ("first", "second"):
        figures.save(draw(boundaries), tmp_path / f"{run}.png", tmp_path / f"{run}.pdf")
    for suffix in ("png", "pdf"):
        first = (tmp_path / f"first.{suffix}").read_bytes()
        assert first == (tmp_path / f"second.{suffix}").read_bytes(), suffix
    pdf = (tmp_path / "first.pdf").read_bytes()
    assert b"CreationDate" not in pdf and b"ModDate" not in pdf
    png = (tmp_path / "first.png").read_bytes()
    assert b"tIME" not in png and b"Creation Time" not in png
