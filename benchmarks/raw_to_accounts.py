"""Benchmark: one Eora26-size year from the raw zip to the regional accounts, the workflow's
two rules against pymrio's ``parse_eora26`` + ``calc_all``, in fresh processes.

Run from the project folder::

    .venv/bin/python benchmarks/raw_to_accounts.py     # about a minute on 2 cores

The input is the synthetic world of one year (``--year``, default 2015) in the exact Eora26
release layout: 189 countries x 26 sectors plus Eora's ``ROW`` entry, n = 4915 in the
archive and 4914 after pymrio drops ``ROW`` (``--countries CHN,USA,DEU`` gives a smaller
world). It is written once, before any timing, by the ``synthetic_world`` rule's own script
(``scripts/synthetic_world.py``) with the seed and inputs of ``config/config.yaml``.

Per run, in fresh Python processes (``sys.executable`` running this file with ``--worker``),
a then b, ``--runs`` times (default 3):

- (a) ``reference``: what a pymrio user does. ``pymrio.parse_eora26`` on the zip; the CO2 row
  that the workflow uses (the first label of config key ``stressors.eora26`` that the file
  has) extracted from the satellite extension ``Q`` into an extension of its own, ``Q`` and
  ``VA`` removed, so that ``calc_all()`` computes CO2 alone, as the workflow does; then the
  regional ``D_pba_reg`` and ``D_cba_reg`` of that row (Gg; they include the households'
  direct emissions F_Y).
- (b) ``workflow``: the two rule jobs the workflow runs, each in its own process as
  Snakemake runs them: ``scripts/harmonize_eora26.py`` (the zip is streamed once straight
  into the native cache, bri_carbon.sources.eora26_reader) and then ``scripts/accounts.py``
  (h5py reads Z in row blocks, the Leontief solve, then ``accounts.csv``, ``flows.csv``,
  ``sector_flows.csv``, ``source_discrepancy.csv`` and ``diagnostics.json``). The scripts
  themselves are run (:func:`runpy.run_path`) with a ``snakemake`` object that holds the
  rule's inputs, outputs and params (from ``config/config.yaml``, as the rule files pass
  them), so the benchmark times exactly the jobs' code and cannot drift from it. Not timed:
  Snakemake's scheduling and the preamble its ``script:`` directive puts before a script
  (the import of Snakemake and the unpickling of that object).

Threads: the pymrio worker limits the BLAS thread pools to ``--threads`` (default 2) with
threadpoolctl after its imports and freezes the imported objects out of the garbage
collector; the rule scripts do the same through
:func:`bri_carbon.runtime.logs.run_rule`, the accounts job with ``compute_threads =
--threads`` and the harmonize job with the rule's ``threads: 2`` (its parser threads; no
BLAS). Wall time is measured by this parent process around each child (interpreter start,
imports and exit included); CPU time (user + system) and peak RSS are the child's own, from
:func:`os.wait4`. The parent imports only the standard library, so that its memory cannot
inflate the children's peaks.

(b)'s regional production- and consumption-based emissions are read back from its
``accounts.csv`` (Mt, 12 significant digits; regions under their output codes) and compared
with (a)'s (Gg, divided by 1000), region by region: the output codes are mapped back to
Eora's country codes with ``data/region_codes.csv`` (e.g. ``SSD`` is Eora's ``SDS``).

The last line of the output is ``ratio_wall=X ratio_rss=Y max_rel_diff=Z``: the median over
runs of (b)'s whole-process wall time, both jobs summed, over (a)'s median; the larger of
the two jobs' median peak RSS over (a)'s; the largest relative difference of any region's
account.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

# The shared helpers beside this file (also when the file is imported, e.g. by the tests).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import (
    blas_info,
    describe_blas,
    machine,
    print_table,
    read_accounts,
    run_rule_script,
    spawn,
)

log = logging.getLogger("benchmarks.raw_to_accounts")

REPO = Path(__file__).resolve().parents[1]
#: The source wildcard of the synthetic world's jobs (results/synthetic/, Eora26 layout).
SOURCE = "synthetic"
#: Worker name and label of each process of one run, in the order they run.
PROCESSES = {
    "reference": "(a) pymrio parse_eora26 + calc_all",
    "harmonize_eora26": "(b) workflow job harmonize_eora26",
    "accounts": "(b) workflow job accounts",
}
WORKFLOW_JOBS = ("harmonize_eora26", "accounts")
#: Eora26 emissions (the CO2 row's unit in labels_Q.txt) per Mt, the workflow's unit.
GG_PER_MT = 1000.0


# --------------------------------------------------------------------------- rule jobs


def rule_params(config: dict[str, Any], countries: list[str] | None) -> dict[str, Any]:
    """The params and shipped input files of the three rules, from the workflow's config
    (``config/config.yaml``), as ``rules/*.smk`` pass them; ``countries`` (Eora codes), if
    given, replaces config key ``synthetic.countries``. ``compute_threads`` is left out:
    it is the benchmark's ``--threads``."""
    stressors = config["stressors"]["eora26"]
    return {
        "inputs": {
            "region_codes": config["region_codes"],
            "regions": config["regions"],
            "natural_earth": config["natural_earth"]["shapefile"].removesuffix(".shp") + ".dbf",
            "iso3_fixes": config["natural_earth"]["iso3_fixes"],
        },
        "synthetic_world": {
            "countries": countries or config["synthetic"]["countries"],
            "seed": config["synthetic"]["seed"],
        },
        "harmonize_eora26": {
            "stressors": [stressors] if isinstance(stressors, dict) else list(stressors)
        },
        "accounts": {
            # The synthetic world has Eora26's final-demand categories.
            "excluded_categories": list(config["final_demand"]["exclude"].get("eora26", [])),
            "inventory_categories": list(
                config["robustness"]["inventory_categories"].get("eora26", [])
            ),
            "rtol": config["identity_rtol"],
            "precision": config["leontief_precision"],
            "engine": config["accounts"]["engine"],
            "denominators": config["intensity"]["denominators"],
        },
    }


def archive_path(data: Path, year: int) -> Path:
    """Where the synthetic world's zip is written, under its Eora26 release name."""
    return data / "raw" / f"Eora26_{year}_bp.zip"


def run_folder(data: Path, run: int) -> Path:
    """The outputs of (b)'s two jobs in run ``run`` (numbered from 1)."""
    return data / f"run-{run}"


def rule_job(rule: str, data: Path, run: int, year: int, threads: int) -> SimpleNamespace:
    """The ``snakemake`` object a rule script gets: inputs, outputs, params, wildcards,
    threads and log of ``rule``'s job for run ``run`` (paths as strings, like Snakemake's)."""
    params = json.loads((data / "params.json").read_text())
    shipped = {name: str(REPO / path) for name, path in params["inputs"].items()}
    folder = run_folder(data, run)
    archive = str(archive_path(data, year))
    dataset = str(folder / "harmonized.nc")
    jobs = {
        "synthetic_world": (
            {name: shipped[name] for name in ("region_codes", "natural_earth", "iso3_fixes")},
            {"archive": archive},
            params["synthetic_world"],
            1,
        ),
        "harmonize_eora26": (
            {"archive": archive, "region_codes": shipped["region_codes"]},
            {"dataset": dataset},
            params["harmonize_eora26"],
            2,
        ),
        "accounts": (
            {"dataset": dataset, "regions": shipped["regions"]},
            {
                name: str(folder / file)
                for name, file in (
                    ("accounts", "accounts.csv"),
                    ("flows", "flows.csv"),
                    ("diagnostics", "diagnostics.json"),
                    ("discrepancy", "source_discrepancy.csv"),
                    ("sector_flows", "sector_flows.csv"),
                    ("no_inventories_accounts", "no_inventories/accounts.csv"),
                    ("no_inventories_flows", "no_inventories/flows.csv"),
                )
            },
            {**params["accounts"], "compute_threads": threads},
            threads,
        ),
    }
    inputs, outputs, rule_params_, rule_threads = jobs[rule]
    logs = folder if rule != "synthetic_world" else data
    return SimpleNamespace(
        rule=rule,
        input=SimpleNamespace(**inputs),
        output=SimpleNamespace(**outputs),
        params=SimpleNamespace(**rule_params_),
        wildcards=SimpleNamespace(source=SOURCE, year=str(year)),
        threads=rule_threads,
        log=[str(logs / f"{rule}.log")],
    )


def generate(data: Path, year: int, countries: list[str] | None) -> None:
    """Write ``params.json`` (the rules' params from ``config/config.yaml``) and the
    synthetic world's zip, with the ``synthetic_world`` rule's script."""
    import yaml

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    data.mkdir(parents=True, exist_ok=True)
    (data / "params.json").write_text(json.dumps(rule_params(config, countries), indent=1))
    run_rule_script("synthetic_world", rule_job("synthetic_world", data, 0, year, 1))


def run_reference(data: Path, year: int, threads: int) -> dict[str, Any]:
    """(a): ``pymrio.parse_eora26`` on the zip, the CO2 row alone, ``calc_all()``; regional
    ``D_pba_reg`` and ``D_cba_reg`` of that row (in its unit, Gg for Eora26)."""
    import pymrio
    from threadpoolctl import threadpool_limits

    gc.freeze()
    stressors = json.loads((data / "params.json").read_text())["harmonize_eora26"]["stressors"]
    with threadpool_limits(limits=threads):
        start = time.perf_counter()
        system = pymrio.parse_eora26(archive_path(data, year))
        parsed = time.perf_counter()
        labels = [(label["stressor"], label["source"]) for label in stressors]
        row = next((label for label in labels if label in system.Q.F.index), None)
        if row is None:
            raise RuntimeError(f"the satellite rows have none of {labels}")
        co2 = system.Q.extract(row, return_type="co2")
        system.remove_extension(["Q", "VA"])
        system.co2 = co2
        system.calc_all()
        production = system.co2.D_pba_reg.loc[row]
        consumption = system.co2.D_cba_reg.loc[row].reindex(production.index)
        done = time.perf_counter()
        blas = blas_info()
    return {
        "n": int(system.Z.shape[0]),
        "unit": str(co2.unit.iloc[0, 0]),
        "regions": [str(region) for region in production.index],
        "production": production.to_numpy(float).tolist(),
        "consumption": consumption.to_numpy(float).tolist(),
        "parse_seconds": parsed - start,
        "calc_seconds": done - parsed,
        "blas": blas,
    }


def run_workflow_job(rule: str, data: Path, run: int, year: int, threads: int) -> dict[str, Any]:
    """(b): one rule job of run ``run``, its script run as Snakemake runs it."""
    job = rule_job(rule, data, run, year, threads)
    run_rule_script(job.rule, job)
    if rule != "accounts":
        return {}
    from threadpoolctl import threadpool_limits

    # The libraries the job loaded, under the limit run_rule set for it.
    with threadpool_limits(limits=job.params.compute_threads):
        return {"blas": blas_info()}


# --------------------------------------------------------------------------- comparison


def eora_codes(region_codes: Path) -> dict[str, str]:
    """Eora26 country code -> output region code, from ``data/region_codes.csv``."""
    with region_codes.open(newline="") as handle:
        return {
            row["source_code"]: row["region"]
            for row in csv.DictReader(handle)
            if row["source"] == "eora26"
        }


def max_relative_difference(
    workflow: dict[str, tuple[float, float]], reference: dict[str, Any], codes: dict[str, str]
) -> float:
    """max over regions and both accounts of |b - a| / |a| (|b - a| where a = 0).

    ``workflow``: :func:`read_accounts` (Mt, output region codes). ``reference``: (a)'s result
    (Eora country codes, in ``reference["unit"]``, which must be Gg); its regions are summed
    to the output codes with ``codes`` (:func:`eora_codes`), and both must list the same
    regions.
    """
    if reference["unit"] != "Gg":
        raise RuntimeError(f"pymrio reports the CO2 row in {reference['unit']!r}, not Gg")
    expected: dict[str, list[float]] = {}
    for code, production, consumption in zip(
        reference["regions"], reference["production"], reference["consumption"], strict=True
    ):
        sums = expected.setdefault(codes[code], [0.0, 0.0])
        sums[0] += production / GG_PER_MT
        sums[1] += consumption / GG_PER_MT
    if set(expected) != set(workflow):
        raise RuntimeError(
            f"the two methods report different regions: {sorted(set(expected) ^ set(workflow))}"
        )
    worst = 0.0
    for region, values in expected.items():
        for actual, value in zip(workflow[region], values, strict=True):
            gap = abs(actual - value)
            worst = max(worst, gap / abs(value) if value else gap)
    return worst


# --------------------------------------------------------------------------- parent


def measure(
    worker: str, data: Path, run: int, year: int, threads: int
) -> tuple[float, float, float, dict[str, Any]]:
    """One fresh process of ``worker``: (wall s, CPU s, peak RSS MiB, its result)."""
    folder = run_folder(data, run)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{worker}.json"
    arguments = ["--worker", worker, "--data", str(data), "--run", str(run)]
    arguments += ["--year", str(year), "--threads", str(threads), "--out", str(out)]
    wall, cpu, peak = spawn(__file__, arguments, folder / f"{worker}.out")
    return wall, cpu, peak, json.loads(out.read_text())


def _cell(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def benchmark(year: int, runs: int, threads: int, countries: list[str] | None, data: Path) -> str:
    """Generate the world, measure ``runs`` runs of a and b, print the table; return the
    last line."""
    print(f"machine: {machine()}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}")
    print("load average (1, 5, 15 min) at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    log.info("writing the synthetic world of %d into %s", year, data)
    data.mkdir(parents=True, exist_ok=True)
    arguments = ["--worker", "generate", "--data", str(data), "--year", str(year)]
    if countries:
        arguments += ["--countries", ",".join(countries)]
    spawn(__file__, arguments, data / "generate.out")
    archive = archive_path(data, year)
    print(
        f"input: {archive.name}, {archive.stat().st_size / 2**20:.1f} MiB; {runs} runs, each "
        "(a) then (b)'s two jobs, a fresh process each; BLAS threads limited to "
        f"{threads} in (a) and in the accounts job, 2 in the harmonize job (its rule's threads)"
    )
    results: dict[str, list[tuple[float, float, float, dict[str, Any]]]] = {
        worker: [] for worker in PROCESSES
    }
    for run in range(1, runs + 1):
        for worker in PROCESSES:
            item = measure(worker, data, run, year, threads)
            results[worker].append(item)
            log.info("run %d %s: %.2f s, %.0f MiB", run, worker, item[0], item[2])
    load = os.getloadavg()

    params = json.loads((data / "params.json").read_text())
    codes = eora_codes(REPO / params["inputs"]["region_codes"])
    diff = max(
        max_relative_difference(
            read_accounts(run_folder(data, run) / "accounts.csv"), reference[3], codes
        )
        for reference in results["reference"]
        for run in range(1, runs + 1)
    )
    n_reference = results["reference"][0][3]["n"]
    n_workflow = json.loads((run_folder(data, 1) / "diagnostics.json").read_text())["n"]
    if n_reference != n_workflow:
        raise RuntimeError(f"pymrio solves n = {n_reference}, the workflow n = {n_workflow}")

    rows = []
    for worker, label in PROCESSES.items():
        walls, cpus, peaks, _ = zip(*results[worker], strict=True)
        rows.append(
            (label, _cell(list(walls)), f"{statistics.median(peaks):.0f}", _cell(list(cpus)))
        )
    reference_wall = statistics.median(item[0] for item in results["reference"])
    reference_peak = statistics.median(item[2] for item in results["reference"])
    total_walls = [sum(results[job][i][0] for job in WORKFLOW_JOBS) for i in range(runs)]
    total_cpus = [sum(results[job][i][1] for job in WORKFLOW_JOBS) for i in range(runs)]
    workflow_peak = max(
        statistics.median(item[2] for item in results[job]) for job in WORKFLOW_JOBS
    )
    rows.append(
        ("(b) workflow, both jobs", _cell(total_walls), f"{workflow_peak:.0f}", _cell(total_cpus))
    )
    ratio_wall = statistics.median(total_walls) / reference_wall
    ratio_rss = workflow_peak / reference_peak
    rows.append(
        (
            "ratio b/a",
            f"{ratio_wall:.3f} ({1 / ratio_wall:.2f}x as fast)",
            f"{ratio_rss:.3f}",
            "",
        )
    )
    print(f"n = {n_reference} region-sectors solved (the archive's {n_reference + 1} less ROW)")
    for worker in ("reference", "accounts"):
        print(f"BLAS in the {worker} process: {describe_blas(results[worker][0][3]['blas'])}")
    print("load average (1, 5, 15 min) at the end: {:.2f} {:.2f} {:.2f}".format(*load))
    print_table(
        ("method", "process wall s median (min-max)", "peak RSS MiB", "CPU s median (min-max)"),
        rows,
    )
    parse = statistics.median(item[3]["parse_seconds"] for item in results["reference"])
    calc = statistics.median(item[3]["calc_seconds"] for item in results["reference"])
    print(
        f"(a) in-process, medians: parse_eora26 {parse:.2f} s, CO2 row and calc_all {calc:.2f} s; "
        f"max relative difference of the regional accounts b/a: {diff:.2e}"
    )
    last = f"ratio_wall={ratio_wall:.3f} ratio_rss={ratio_rss:.3f} max_rel_diff={diff:.2e}"
    print(last)
    return last


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2015, help="year of the synthetic world")
    parser.add_argument("--runs", type=int, default=3, help="runs of a and b (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="BLAS threads (default 2)")
    parser.add_argument(
        "--countries",
        type=lambda text: [code.strip() for code in text.split(",") if code.strip()],
        help="Eora26 codes of a smaller world, e.g. CHN,USA,DEU (default: config, all 189)",
    )
    parser.add_argument("--workdir", type=Path, help="keep the data and outputs here")
    parser.add_argument("--worker", choices=["generate", *PROCESSES], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    if args.worker == "generate":
        generate(args.data, args.year, args.countries)
    elif args.worker == "reference":
        result = run_reference(args.data, args.year, args.threads)
        args.out.write_text(json.dumps(result))
    elif args.worker:
        result = run_workflow_job(args.worker, args.data, args.run, args.year, args.threads)
        args.out.write_text(json.dumps(result))
    elif args.workdir:
        benchmark(args.year, args.runs, args.threads, args.countries, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="bri-carbon-raw-to-accounts-") as tmp:
            benchmark(args.year, args.runs, args.threads, args.countries, Path(tmp))


if __name__ == "__main__":
    main()
