"""Trends across years and the drivers between them in a two-year run of the tiny world
(fixture ``two_year_run`` of tests/workflow/conftest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

TARGETS = (
    "results/synthetic/trends/headline.csv",
    "results/synthetic/trends/groups.csv",
    "results/synthetic/trends/bri_net_export_shares.png",
    "results/synthetic/drivers/2014_2015/effects.csv",
    "results/synthetic/drivers/2014_2015/effects.png",
    "results/synthetic/report.html",
)


def test_two_year_run_writes_trends_and_exact_drivers(two_year_run):
    """Both years' readings in the trends, and drivers that sum exactly to the change."""
    workdir, targets = two_year_run, TARGETS
    headline = pd.read_csv(workdir / targets[0], keep_default_na=False)
    assert sorted(headline["year"].unique()) == [2014, 2015]
    # The trends carry each year's readings under the same names.
    for year in (2014, 2015):
        yearly = pd.read_csv(
            workdir / f"results/synthetic/{year}/groups/headline.csv", keep_default_na=False
        )
        rows = headline[headline["year"] == year].reset_index(drop=True)
        assert rows[["statistic", "level", "subject"]].equals(
            yearly[["statistic", "level", "subject"]]
        )
        np.testing.assert_allclose(rows["value"], yearly["value"], rtol=1e-12)
    groups = pd.read_csv(workdir / targets[1])
    for year in (2014, 2015):
        accounts = pd.read_csv(workdir / f"results/synthetic/{year}/groups/accounts.csv")
        by_year = groups[groups["year"] == year].set_index("group")
        np.testing.assert_allclose(
            by_year.loc[accounts["group"], "production_mt"], accounts["production_mt"], rtol=1e-9
        )
        flows = pd.read_csv(workdir / f"results/synthetic/{year}/flows.csv")
        effects = pd.read_csv(workdir / targets[3])
        column = "base_mt" if year == 2014 else "target_mt"
        # The block flows of the decomposition are the flows the accounts stage wrote.
        blocks = effects[effects["kind"] == "block"]
        assert blocks[column].sum() == pytest.approx(flows["co2_mt"].sum(), rel=1e-9)
    effect_sum = effects.filter(like="_effect_mt").sum(axis=1)
    scale = effects[["base_mt", "target_mt"]].abs().max(axis=1)
    assert ((effect_sum - effects["change_mt"]).abs() <= 1e-9 * scale).all()
    assert (workdir / targets[4]).read_bytes()[:4] == b"\x89PNG"
    # The report shows both years, the trends and the drivers, each with a table and figure.
    page = (workdir / targets[-1]).read_text(encoding="utf-8")
    for anchor in ("findings-2014", "findings-2015", "year-2014", "year-2015"):
        assert f'id="{anchor}"' in page
    for anchor in ("trends-figure", "trends-table", "drivers-figure", "drivers-table"):
        article = page.split(f'<article id="{anchor}">')[1].split("</article>")[0]
        assert ("data:image/png;base64," in article) == anchor.endswith("figure")
        assert ('<table class="data">' in article) == anchor.endswith("table")
    assert ">2014 (Mt CO<sub>2</sub>)<" in page and "Belt and Road blocks" in page


def test_headline_readings_move_little_from_one_year_to_the_next(two_year_run):
    """One synthetic world moved along smooth paths: the readings drift, they do not jump."""
    headline = pd.read_csv(two_year_run / TARGETS[0], keep_default_na=False)
    shares = headline[headline["unit"] == "%"].pivot_table(
        index=["statistic", "level", "subject"], columns="year", values="value"
    )
    for reading in (
        ("positive_net_export_share", "region", "BRI"),
        ("driven_share", "block", "BRI"),
        ("export_share_to_drivers", "block", "BRI"),
    ):
        assert abs(shares.loc[reading, 2015] - shares.loc[reading, 2014]) < 2.0, reading
    # Every BRI share of the findings moves by less than 2 percentage points.
    bri = shares[shares.index.get_level_values("subject").str.startswith("BRI")]
    assert ((bri[2015] - bri[2014]).abs() < 2.0).all()
    # World industry CO2 grows by about 1 % (GDP growth less the falling intensity).
    groups = pd.read_csv(two_year_run / TARGETS[1]).groupby("year")["production_mt"].sum()
    assert 0.0 < groups[2015] / groups[2014] - 1 < 0.03
