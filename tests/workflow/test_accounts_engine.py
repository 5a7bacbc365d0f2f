"""Config key accounts.engine: pymrio's calc_all writes the files the default LU engine writes,
and a run whose pymrio memory estimate exceeds what a job may use is refused before any job."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..support.workflow import TINY, snakemake

PYMRIO_RUN = "engine_pymrio"


def _close(a: pd.DataFrame, b: pd.DataFrame, rtol: float = 1e-9) -> None:
    """Same labels, numbers equal to ``rtol`` relative (of each column's largest value)."""
    pd.testing.assert_index_equal(a.index, b.index)
    assert list(a.columns) == list(b.columns)
    for column in a.columns:
        if pd.api.types.is_numeric_dtype(a[column]):
            x, y = a[column].to_numpy(float), b[column].to_numpy(float)
            scale = max(float(np.nanmax(np.abs(y))), 1e-300)
            assert np.nanmax(np.abs(x - y)) <= rtol * scale, column
            assert (np.isnan(x) == np.isnan(y)).all(), column
        else:
            assert a[column].tolist() == b[column].tolist(), column


def test_both_engines_write_the_same_accounts_and_flows(finished_run):
    # The accounts rule's own outputs, in the named run's build tree (published folders are
    # swapped in whole by a complete run only).
    target = f"results/{PYMRIO_RUN}/.build/synthetic/2015"
    snakemake(
        finished_run,
        f"{target}/accounts.csv",
        f"{target}/flows.csv",
        "--cores",
        "2",
        "--configfile",
        TINY,
        "--config",
        f"run={{'name': '{PYMRIO_RUN}'}}",
        "accounts={'engine': 'pymrio'}",
    )
    default = finished_run / "results" / "synthetic" / "2015"
    pymrio = finished_run / target
    diagnostics = json.loads((pymrio / "diagnostics.json").read_text())
    assert diagnostics["leontief_solve"]["precision"] == "pymrio"
    for name, index in (("accounts.csv", ["region"]), ("flows.csv", ["origin", "destination"])):
        lu_table = pd.read_csv(default / name, keep_default_na=False, na_values=[""])
        pymrio_table = pd.read_csv(pymrio / name, keep_default_na=False, na_values=[""])
        index = [column for column in index if column in lu_table.columns]
        _close(pymrio_table.set_index(index), lu_table.set_index(index))


def test_pymrio_beyond_the_memory_a_job_may_use_is_refused_before_any_job(finished_run):
    # The full synthetic world (n = 4914): pymrio needs about 1.7 GB, the job may use 1 GB.
    result = snakemake(
        finished_run,
        "-n",
        "--config",
        "accounts={'engine': 'pymrio'}",
        "--resources",
        "mem_mb=1000",
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "config key accounts.engine is pymrio" in output and "1000 MB a job may use" in output
    assert "Traceback" not in output and "rule " not in output
