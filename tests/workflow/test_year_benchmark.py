"""benchmarks/year.py runs end to end on a small world and prints both ratios (nothing here
is timed; the figures come from a run on the full world, docs/performance.md)."""

from __future__ import annotations

import re
import subprocess
import sys

from ..support.workflow import REPO

LAST_LINE = re.compile(r"ratio_year=(\d+\.\d{3}) ratio_year_real=(\d+\.\d{3})")


def test_year_benchmark_prints_both_ratios(tmp_path):
    script = REPO / "benchmarks" / "year.py"
    options = ["--runs", "1", "--countries", "CHN,USA,DEU", "--workdir", str(tmp_path)]
    result = subprocess.run(
        [sys.executable, str(script), *options],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    lines = result.stdout.strip().splitlines()
    match = LAST_LINE.fullmatch(lines[-1])
    assert match, lines[-1]
    assert float(match.group(1)) > 0 and float(match.group(2)) > 0
    table = "\n".join(lines)
    for label in ("(a) pymrio parse_eora26 + calc_all", "job harmonize", "Snakemake (the rest)"):
        assert label in table
    differences = [
        float(d) for d in re.findall(r"max relative difference of the accounts (\S+)", table)
    ]
    assert len(differences) == 2 and max(differences) <= 1e-9
    with (tmp_path / "local" / "eora26" / "indices.zip").open("rb"):
        pass
