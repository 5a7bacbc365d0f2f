"""The compare_sources rule on the tiny run's group accounts (a whole comparison of EXIOBASE
releases: tests/workflow/test_exiobase_releases.py)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd

from ..support import latex as latex_tools
from ..support.workflow import BUILD, TINY, snakemake


def test_compare_rule_puts_two_sources_side_by_side(finished_run, tmp_path):
    """The rule on the tiny run's 2015 groups and a copy of them labelled eora26, +10% PBA."""
    workdir = tmp_path / "compare"
    shutil.copytree(finished_run, workdir, symlinks=True)
    build = workdir / BUILD
    groups = pd.read_csv(build / "synthetic/2015/groups/accounts.csv")
    groups["production_mt"] *= 1.1
    other = build / "eora26/2015/groups/accounts.csv"
    other.parent.mkdir(parents=True)
    # The stand-in folder's record first, so that its files are newer and stay as they are.
    shutil.copy(build / "synthetic/2015/fingerprint.json", build / "eora26/2015/fingerprint.json")
    groups.to_csv(other, index=False)
    shutil.copy(
        build / "synthetic/2015/groups/headline.csv", build / "eora26/2015/groups/headline.csv"
    )
    robustness = pd.read_csv(build / "synthetic/2015/groups/robustness.csv", keep_default_na=False)
    robustness.assign(source="eora26").to_csv(
        build / "eora26/2015/groups/robustness.csv", index=False
    )
    flows = pd.read_csv(build / "synthetic/2015/flows.csv", keep_default_na=False)
    flows.assign(co2_mt=flows["co2_mt"] * 2).to_csv(build / "eora26/2015/flows.csv", index=False)
    target = f"{BUILD}/compare/2015/group_accounts.csv"
    # Only the comparison runs: the eora26 file stands in for a real Eora26 result.
    snakemake(
        workdir,
        target,
        "--cores",
        "1",
        "--configfile",
        TINY,
        "--config",
        'compare={"sources": ["synthetic", "eora26"]}',
        "--allowed-rules",
        "compare_sources",
        "fingerprint",
    )
    table = pd.read_csv(workdir / target, index_col="group")
    groups_only = table.drop(index="World")
    np.testing.assert_allclose(groups_only["production_mt_rel_diff_eora26"], 0.1, rtol=1e-9)
    np.testing.assert_allclose(groups_only["consumption_mt_rel_diff_eora26"], 0.0, atol=1e-12)
    latex = workdir / target.replace(".csv", ".tex")
    # 24 columns: split into tabulars as wide as the page, each repeating the group.
    assert latex.read_text().count(r"\toprule") >= 2
    if latex_tools.PDFLATEX:
        log = latex_tools.compile_table(latex, tmp_path / "latex")
        assert latex_tools.layout_problems(log) == []
    readings = pd.read_csv(workdir / target.replace("group_accounts", "headline"))
    assert set(readings.columns) >= {
        "value_synthetic",
        "value_eora26",
        "relative_difference_eora26",
    }
    np.testing.assert_allclose(readings["difference_eora26"].dropna(), 0.0, atol=1e-12)
    group_flows = pd.read_csv(workdir / target.replace("group_accounts", "group_flows"))
    np.testing.assert_allclose(
        group_flows["co2_mt_eora26"], 2 * group_flows["co2_mt_synthetic"], rtol=1e-9
    )
    both = pd.read_csv(workdir / target.replace("group_accounts", "robustness"))
    assert list(dict.fromkeys(both["source"])) == ["synthetic", "eora26"]
    assert len(both) == 2 * len(robustness)
