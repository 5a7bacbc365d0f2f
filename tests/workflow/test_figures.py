"""The figures of the tiny workflow run, and the regions its maps cannot draw."""

from __future__ import annotations

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from bri_carbon.core import findings
from bri_carbon.outputs import chord, figures, geography, gis, maps
from bri_carbon.results import store
from bri_carbon.sources import config_tables

from ..support.workflow import png_size, scenario

RESULT = "results/synthetic/2015"
#: Figure name -> printed width in mm (the PNG is exactly as wide at 300 dpi).
FIGURE_WIDTHS = {
    "study_area": figures.DOUBLE_COLUMN_MM,
    "intensity_maps": figures.DOUBLE_COLUMN_MM,
    "intensity_gap": figures.SINGLE_COLUMN_MM,
    "flows_chord": figures.DOUBLE_COLUMN_MM,
    "net_exports_by_group": figures.SINGLE_COLUMN_MM,
    "driven_by": figures.DOUBLE_COLUMN_MM,
    "driven_by_regions": figures.DOUBLE_COLUMN_MM,
    "sector_hotspots": figures.DOUBLE_COLUMN_MM,
    "robustness": figures.DOUBLE_COLUMN_MM,
}


@pytest.mark.parametrize("name", sorted(FIGURE_WIDTHS))
def test_figure_rules_write_png_and_pdf(finished_run, name):
    png = finished_run / RESULT / "figures" / f"{name}.png"
    width, height = png_size(png)
    nominal = FIGURE_WIDTHS[name] / figures.MM_PER_INCH * figures.DPI
    assert abs(width - nominal) <= 1.0, (name, width, nominal)
    assert height >= 600, (name, height)
    assert height <= figures.FULL_PAGE_MM / figures.MM_PER_INCH * figures.DPI + 1, (name, height)
    pixels = matplotlib.image.imread(png)
    assert pixels[..., :3].std() > 0.05, f"{name} looks blank"
    pdf = finished_run / RESULT / "figures" / f"{name}.pdf"
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert b"CreationDate" not in pdf.read_bytes()


def test_every_figure_of_the_rule_is_checked(finished_run):
    written = {path.stem for path in (finished_run / RESULT / "figures").glob("*.png")}
    assert written == set(FIGURE_WIDTHS)


def test_map_rules_log_regions_without_polygons(finished_run):
    for name in ("study_area", "intensity_maps"):
        log = (finished_run / "logs" / "figure" / f"{name}_synthetic_2015.log").read_text()
        assert "SGP (Singapore)" in log and "not drawn" in log


def test_driven_by_groups_match_the_headline_readings(finished_run):
    """The group-level shares of the driven_by figure are the headline's group readings."""
    driven = pd.read_csv(finished_run / RESULT / "groups" / "driven_by.csv")
    headline = pd.read_csv(finished_run / RESULT / "groups" / "headline.csv", keep_default_na=False)
    drivers = ["United States", "Europe outside BRI"]
    grouped = findings.driven_by_groups(driven)
    shares = grouped[grouped["destination_group"].isin(drivers)].groupby("group")["share_pct"]
    readings = headline[
        (headline["statistic"] == "driven_share") & (headline["level"] == "group")
    ].set_index("subject")["value"]
    assert set(shares.sum().index) == set(readings.index)
    for group, share in shares.sum().items():
        assert share == pytest.approx(float(readings[group]), rel=1e-9), group


# --- The values the figures plot, against the CSVs of the run -----------------------------

#: The configured groups of the findings (config/config.yaml, key findings).
FINDINGS = scenario("config/config.yaml")["findings"]


def _group_accounts(run) -> pd.DataFrame:
    return store.read_accounts(run / RESULT / "groups" / "accounts.csv", "group")


def _tick_labels(ax) -> dict[int, str]:
    """The y tick labels of ``ax`` by their (integer) position."""
    return {
        round(tick): label.get_text()
        for tick, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
    }


def _bar_rows(ax) -> dict[str, tuple[float, tuple]]:
    """Label -> (width, face colour) of the horizontal bars of ``ax``, by the y tick labels."""
    labels = _tick_labels(ax)
    return {
        labels[round(bar.get_y() + bar.get_height() / 2)]: (bar.get_width(), bar.get_facecolor())
        for bar in ax.patches
    }


def test_net_export_bars_are_the_group_accounts(finished_run):
    accounts = _group_accounts(finished_run)
    fig = figures.net_exports_by_group(accounts, "synthetic", 2015, True)
    bars = _bar_rows(fig.axes[0])
    colours = figures.group_colours(accounts.index)
    assert set(bars) == set(accounts.index)
    for group, (width, colour) in bars.items():
        assert width == pytest.approx(accounts.loc[group, "net_export_mt"], rel=1e-12), group
        assert colour == to_rgba(colours[group]), group
    order = [label.get_text() for label in fig.axes[0].get_yticklabels()]
    assert order == list(accounts.sort_values("net_export_mt").index)
    figures.plt.close(fig)


def test_intensity_gap_points_are_the_group_intensities(finished_run):
    """Filled: production-based, open: consumption-based intensity of each group, as the
    group accounts give them (kg CO2 per USD)."""
    accounts = _group_accounts(finished_run)
    fig = figures.intensity_gap(accounts, FINDINGS["developed_groups"], "synthetic", 2015, True)
    ax = fig.axes[0]
    labels = [label.get_text() for label in ax.get_yticklabels()]
    filled, open_ = {}, {}
    for points in ax.collections:
        ((x, y),) = points.get_offsets().tolist()
        white = tuple(points.get_facecolor()[0]) == (1.0, 1.0, 1.0, 1.0)
        (open_ if white else filled)[labels[round(y)]] = x
    for group in accounts.index:
        production = accounts.loc[group, "production_intensity_kg_per_usd"]
        consumption = accounts.loc[group, "consumption_intensity_kg_per_usd"]
        assert filled[group] == pytest.approx(production, rel=1e-9), group
        assert open_[group] == pytest.approx(consumption, rel=1e-9), group
    figures.plt.close(fig)


def test_driven_by_bars_are_the_shares_of_the_driven_by_table(finished_run):
    """Each BRI group's segment of a driver group is the share of the group's industry CO2
    that the driver's final demand drives, summed from the region rows of driven_by.csv."""
    driven = pd.read_csv(finished_run / RESULT / "groups" / "driven_by.csv", keep_default_na=False)
    regions = config_tables.read_regions(finished_run / "config" / "regions.csv")
    bri_groups = list(dict.fromkeys(regions.loc[regions["bri"], "group"]))
    order = list(dict.fromkeys(regions["group"]))
    fig = figures.driven_by_shares(
        findings.driven_by_groups(driven),
        FINDINGS["driver_groups"],
        order,
        bri_groups,
        "synthetic",
        2015,
        True,
    )
    ax = fig.axes[0]
    labels = {
        round(t): lab.get_text()
        for t, lab in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
    }
    totals = driven.groupby("group")["co2_mt"].sum()
    to_driver = driven.groupby(["group", "destination_group"])["co2_mt"].sum()
    colours = figures.group_colours(order)
    checked = 0
    for bar in ax.patches:
        group = labels[round(bar.get_y() + bar.get_height() / 2)]
        for driver in FINDINGS["driver_groups"]:
            if bar.get_facecolor() == to_rgba(colours[driver]):
                expected = 100 * to_driver.get((group, driver), 0.0) / totals[group]
                assert bar.get_width() == pytest.approx(expected, rel=1e-9), (group, driver)
                checked += 1
    assert checked == len(labels) * len(FINDINGS["driver_groups"])
    figures.plt.close(fig)


def test_sector_hotspot_bars_are_the_largest_sectors_of_each_group(finished_run):
    hotspots = pd.read_csv(
        finished_run / RESULT / "groups" / "sector_hotspots.csv", keep_default_na=False
    )
    drivers = FINDINGS["driver_groups"]
    to_drivers = hotspots[hotspots["destination_group"].isin(drivers)]
    expected = to_drivers.groupby(["origin_group", "sector"])["co2_mt"].sum()
    groups = list(dict.fromkeys(to_drivers["origin_group"]))
    fig = figures.sector_hotspots(hotspots, groups, drivers, "synthetic", 2015, True)
    for ax, group in zip(fig.axes, groups, strict=False):
        widths = sorted((bar.get_width() for bar in ax.patches), reverse=True)
        top = expected.loc[group].sort_values(ascending=False).head(5).to_numpy()
        np.testing.assert_allclose(widths, top, rtol=1e-12, err_msg=group)
    figures.plt.close(fig)


def test_the_chord_title_sums_the_group_flows(finished_run):
    flows = store.read_flows(finished_run / RESULT / "groups" / "flows.csv")
    accounts = _group_accounts(finished_run)
    order = list(accounts.index)
    fig = chord.flows_chord(flows.loc[order, order], accounts["bri"], "synthetic", 2015, True)
    title = next(t.get_text() for t in fig.texts if t.get_text().startswith("Embodied CO2"))
    within = float(np.trace(flows.to_numpy()))
    between = float(flows.to_numpy().sum()) - within
    assert f"between groups: {between:,.0f} Mt CO2" in title
    assert f"within groups, {within:,.0f} Mt" in title
    figures.plt.close(fig)


def test_study_area_fills_each_bri_region_with_its_group_colour(finished_run):
    regions = config_tables.read_regions(finished_run / "config" / "regions.csv")
    accounts = store.read_accounts(finished_run / RESULT / "accounts.csv", "region")
    in_data = regions.loc[[code for code in regions.index if code in accounts.index]]
    boundaries = geography.read_boundaries(
        finished_run / "data" / "naturalearth_lowres" / "naturalearth_lowres.shp",
        gis.read_iso3_fixes(finished_run / "data" / "naturalearth_iso3_fixes.csv"),
    )
    fig = maps.study_area(boundaries, in_data, "synthetic", 2015, True)
    background, filled = fig.axes[0].collections
    bri = in_data[in_data["bri"]]
    colours = figures.group_colours(list(dict.fromkeys(bri["group"])))
    drawn = [code for code in boundaries.index if code in bri.index]
    assert [tuple(c) for c in filled.get_facecolor()] == [
        to_rgba(colours[bri.loc[code, "group"]]) for code in drawn
    ]
    assert {tuple(c) for c in background.get_facecolor()} == {to_rgba(maps.NO_DATA)}
    assert len(background.get_paths()) == len(boundaries) - len(drawn)
    figures.plt.close(fig)
