"""The figures of the tiny workflow run, and the regions its maps cannot draw."""

from __future__ import annotations

import matplotlib.image
import pandas as pd
import pytest

from bri_carbon.core import findings
from bri_carbon.outputs import figures

from ..support.workflow import png_size

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
