"""Smoke tests of the benchmark scripts compute.py and raw_to_accounts.py at tiny sizes;
nothing here is timed."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ..support.benchmarks import load_benchmark
from ..support.workflow import REPO

LAST_LINE = re.compile(r"ratio_wall=(\d+\.\d{3}) ratio_rss=(\d+\.\d{3}) max_rel_diff=(\S+)")


def test_compute_benchmark_runs_both_methods_and_ends_with_the_summary(tmp_path: Path):
    script = REPO / "benchmarks" / "compute.py"
    options = ["--sizes", "4x5x2", "--runs", "1", "--threads", "1", "--workdir", str(tmp_path)]
    result = subprocess.run(
        [sys.executable, str(script), *options],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    lines = result.stdout.strip().splitlines()
    match = LAST_LINE.fullmatch(lines[-1])
    assert match, lines[-1]
    assert float(match.group(1)) > 0 and float(match.group(2)) > 0
    assert float(match.group(3)) <= 1e-9
    table = "\n".join(lines)
    assert "(a) pymrio calc_all" in table and "(b) workflow accounts" in table
    assert "4x5x2" in table and "BLAS in workflow worker" in table
    assert (tmp_path / "4x5x2" / "harmonized.nc").is_file()


def test_synthetic_system_is_productive_and_seeded():
    compute = load_benchmark("compute")
    layout = compute.Layout.parse("3x4x2")
    assert (layout.regions, layout.sectors, layout.categories, layout.n) == (3, 4, 2, 12)
    system = compute.synthetic_system(layout, seed=7)
    Z, Y = system.Z.to_numpy(), system.Y.to_numpy()
    x = Z.sum(axis=1) + Y.sum(axis=1)
    assert (x > 0).all() and (Y >= 0).all()
    assert (Z.sum(axis=0) / x).max() < 0.6
    assert system.co2.F.shape == (1, 12) and system.co2.F_Y.shape == (1, 6)
    again = compute.synthetic_system(layout, seed=7)
    np.testing.assert_array_equal(again.Z.to_numpy(), Z)


def test_layout_rejects_malformed_sizes():
    compute = load_benchmark("compute")
    assert compute.Layout.parse("49x200").categories == 6
    with pytest.raises(argparse.ArgumentTypeError, match="REGIONSxSECTORS"):
        compute.Layout.parse("1x26")


def test_relative_difference_is_per_region_and_matches_labels():
    compute = load_benchmark("compute")
    reference = {"regions": ["A", "B"], "production": [1.0, 4.0], "consumption": [2.0, 3.0]}
    candidate = {"regions": ["B", "A"], "production": [4.0, 1.0], "consumption": [3.0, 2.0]}
    assert compute.max_relative_difference(candidate, reference) == 0.0
    candidate["consumption"] = [3.0, 2.0 * (1 + 1e-6)]
    assert compute.max_relative_difference(candidate, reference) == pytest.approx(1e-6)
    candidate["regions"] = ["B", "C"]
    with pytest.raises(RuntimeError, match="different regions"):
        compute.max_relative_difference(candidate, reference)


def test_raw_to_accounts_benchmark_runs_the_rule_jobs_and_pymrio_on_a_tiny_world(tmp_path: Path):
    script = REPO / "benchmarks" / "raw_to_accounts.py"
    options = ["--countries", "CHN,USA,DEU", "--runs", "1", "--threads", "1"]
    result = subprocess.run(
        [sys.executable, str(script), *options, "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    lines = result.stdout.strip().splitlines()
    match = LAST_LINE.fullmatch(lines[-1])
    assert match, lines[-1]
    assert float(match.group(1)) > 0 and float(match.group(2)) > 0
    # accounts.csv keeps 12 significant digits
    assert float(match.group(3)) <= 1e-10
    table = "\n".join(lines)
    assert "(a) pymrio parse_eora26 + calc_all" in table
    assert "(b) workflow job harmonize_eora26" in table and "(b) workflow job accounts" in table
    assert "n = 78 region-sectors solved (the archive's 79 less ROW)" in table
    run = tmp_path / "run-1"
    for name in ("harmonized.nc", "accounts.csv", "flows.csv", "sector_flows.csv"):
        assert (run / name).is_file(), name
    assert "rule accounts finished" in (run / "accounts.log").read_text()


def test_raw_to_accounts_compares_eora_codes_in_gg_with_output_codes_in_mt():
    raw_to_accounts = load_benchmark("raw_to_accounts")
    codes = {"SDS": "SSD", "SUD": "SDN", "CHN": "CHN"}
    reference = {
        "unit": "Gg",
        "regions": ["CHN", "SDS", "SUD"],
        "production": [2000.0, 30.0, 0.0],
        "consumption": [1000.0, 40.0, 5.0],
    }
    workflow = {"SSD": (0.03, 0.04), "CHN": (2.0, 1.0), "SDN": (0.0, 0.005)}
    assert raw_to_accounts.max_relative_difference(workflow, reference, codes) == pytest.approx(
        0.0, abs=1e-15
    )
    workflow["SSD"] = (0.03 * (1 + 1e-6), 0.04)
    assert raw_to_accounts.max_relative_difference(workflow, reference, codes) == pytest.approx(
        1e-6
    )
    del workflow["SDN"]
    with pytest.raises(RuntimeError, match="different regions"):
        raw_to_accounts.max_relative_difference(workflow, reference, codes)
    with pytest.raises(RuntimeError, match="not Gg"):
        raw_to_accounts.max_relative_difference(workflow, reference | {"unit": "t"}, codes)


GLORIA_LAST_LINE = re.compile(
    r"full_wall=(\S+) full_peak_mib=(\S+) solve_wall=(\S+) solve_peak_mib=(\S+) "
    r"ratio_wall=(\d+\.\d{3}) ratio_rss=(\d+\.\d{3}) max_rel_diff=(\S+)"
)


def test_gloria_benchmark_runs_both_parts_on_small_releases(tmp_path: Path):
    script = REPO / "benchmarks" / "gloria.py"
    options = ["--regions", "3", "--compare-regions", "3", "--threads", "1"]
    result = subprocess.run(
        [sys.executable, str(script), *options, "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    lines = result.stdout.strip().splitlines()
    match = GLORIA_LAST_LINE.fullmatch(lines[-1])
    assert match, lines[-1]
    assert all(float(value) > 0 for value in match.groups()[:6])
    assert float(match.group(7)) <= 1e-10  # accounts.csv keeps 12 significant digits
    table = "\n".join(lines)
    assert "(a) pymrio parse_gloria + calc_all" in table
    assert "(b) workflow job harmonize_gloria" in table and "(b) workflow job accounts" in table
    # Three regions, DYE among them and dropped: n = 2 x 120 solved.
    assert "n = 240 region-sectors solved" in table
    assert not (tmp_path / "full").exists()  # the full-size files are deleted
    assert (tmp_path / "compare" / "accounts.csv").is_file()


def test_gloria_benchmark_regions_keep_release_order_and_dye():
    gloria = load_benchmark("gloria")
    codes, _ = gloria.gloria_regions(164)
    assert (
        len(codes) == 164
        and codes.index("DYE") == 45
        and codes[:4]
        == [
            "XAM",
            "XEU",
            "XAF",
            "XAS",
        ]
    )
    small, _ = gloria.gloria_regions(40)
    assert len(small) == 40 and "DYE" in small and "SDS" not in small
    reference = {"regions": ["CHN", "USA"], "production": [1e3, 2e3], "consumption": [3e3, 0.0]}
    assert gloria.max_relative_difference({"CHN": (1.0, 3.0), "USA": (2.0, 0.0)}, reference) == 0
    worse = {"CHN": (1.0 * (1 + 1e-6), 3.0), "USA": (2.0, 0.0)}
    assert gloria.max_relative_difference(worse, reference) == pytest.approx(1e-6)
