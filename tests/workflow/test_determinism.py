"""Results are byte-identical whatever the cores of the run and the BLAS thread settings."""

from __future__ import annotations

import shutil

from ..support.workflow import BUILD, TINY, snakemake

RESULT = "results/synthetic/2015"
#: Files of the accounts and everything computed from them.
COMPARED = (
    "accounts.csv",
    "flows.csv",
    "sector_flows.csv",
    "source_discrepancy.csv",
    "groups/accounts.csv",
    "groups/flows.csv",
    "groups/headline.csv",
    "groups/sector_hotspots.csv",
)


def test_results_do_not_depend_on_the_cores_or_blas_threads(finished_run, tmp_path, monkeypatch):
    """The tiny run (2 cores) against the same run on 1 core with BLAS told to use one
    thread: the Leontief solve runs with compute_threads either way."""
    workdir = tmp_path / "one_core"
    shutil.copytree(finished_run, workdir, symlinks=True)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    snakemake(
        workdir,
        f"{BUILD}/synthetic/2015/groups/headline.csv",
        "--cores",
        "1",
        "--configfile",
        TINY,
        "--forcerun",
        "accounts",
    )
    log = (workdir / "logs" / "accounts" / "synthetic_2015.log").read_text()
    assert "threads=1 (compute: 2)" in log
    for name in COMPARED:
        assert (workdir / BUILD / "synthetic/2015" / name).read_bytes() == (
            finished_run / RESULT / name
        ).read_bytes(), name
