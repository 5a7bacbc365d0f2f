"""Benchmark: one year from the raw Eora26 zip to ``accounts.csv``, as users run it.

Run from the project folder (about 10 minutes on an idle 2-core machine; the real-volume zip
is generated once into ``--workdir`` and reused)::

    .venv/bin/python benchmarks/year.py [--runs 3] [--cases default,real] [--workdir DIR]

Two inputs, both in the exact Eora26 release layout with the 189 real country codes (n =
4,915 with Eora's ``ROW`` entry):

- ``default``: the zip of the default workflow, written by its ``synthetic_world`` rule
  (about 72 MB of T text; labels inside the zip).
- ``real``: the same world at the text volume of a real release, generated here from that
  zip: T dense, every cell with 7-8 significant digits (about 300 MB of text), FD, VA, Q and
  QY with 8 significant digits, 2,720 satellite rows (the synthetic world's rows, the EDGAR
  CO2 row among them, plus filler rows, a tenth of their cells non-zero), and the label
  files in a separate ``indices.zip``, as in real downloads. The workflow reads it as
  source ``eora26`` through config key ``local_data``.

Per case and run, alternating, each a fresh whole process timed by this parent (start,
imports and exit included; CPU time and peak RSS from :func:`os.wait4`):

- (a) pymrio, as its users compute the CO2 accounts: ``pymrio.parse_eora26`` of the folder
  holding the zip (and indices.zip), the CO2 row (the first label of config key
  ``stressors.eora26`` the file has) extracted from ``Q`` into an extension of its own,
  ``Q`` and ``VA`` removed, ``calc_all()``, then ``D_pba_reg`` and ``D_cba_reg``; BLAS
  limited to ``--cores`` threads.
- (b) the workflow: ``snakemake --cores N --forcerun harmonize_eora26`` for that year's
  ``accounts.csv`` in a copy of the workflow where the raw zip is already in
  ``resources/raw/`` (one untimed run first: the synthetic world, or the copy from
  local_data). Timed: Snakemake's start, DAG and scheduling, the harmonize job (raw zip to
  the native cache) and the accounts job (the solve and its five files).

(b)'s accounts are compared with (a)'s region by region (max relative difference). The
per-job seconds and peak RSS come from Snakemake's benchmark files
(``logs/benchmarks/{rule}/...tsv``); "Snakemake" is the whole process minus both jobs.

The last line is ``ratio_year=X ratio_year_real=Y``: per case, the median of (b)'s wall
times over the median of (a)'s.
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib.util
import io
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import machine, print_table, read_accounts
from raw_to_accounts import eora_codes, max_relative_difference

REPO = Path(__file__).resolve().parents[1]
log = logging.getLogger("benchmarks.year")

#: Satellite rows of the real-volume zip (a real label file lists about 2,720).
SATELLITE_ROWS = 2720
CASES = ("default", "real")


# --------------------------------------------------------------------------- inputs


def _table(text: bytes):
    import numpy as np
    import pandas as pd

    return pd.read_csv(io.BytesIO(text), sep="\t", header=None, dtype=np.float64).to_numpy()


def _text(matrix, digits: int) -> bytes:
    import numpy as np

    buffer = io.BytesIO()
    np.savetxt(buffer, matrix, fmt=f"%.{digits}g", delimiter="\t")
    return buffer.getvalue()


def write_real_volume(default_zip: Path, folder: Path, year: int, seed: int = 11) -> Path:
    """Rewrite the default zip at the text volume of a real release into ``folder``
    (``Eora26_{year}_bp.zip`` and ``indices.zip``); see the module docstring."""
    import numpy as np

    rng = np.random.default_rng(seed)
    with zipfile.ZipFile(default_zip) as handle:
        members = {name: handle.read(name) for name in handle.namelist()}
    tables = {key: f"Eora26_{year}_bp_{key}.txt" for key in ("T", "FD", "VA", "Q", "QY")}
    T = _table(members[tables["T"]])
    n = T.shape[0]
    # Every cell non-zero with 8 significant digits: real T is dense. The filler is small
    # (a millionth of each column's inputs at most) and keeps the system productive.
    filler = rng.uniform(0.1, 1.0, T.shape) * (T.sum(axis=0) * 1e-6 / n + 1e-3)[None, :]
    T = np.where(T == 0, filler, T)
    q = _table(members[tables["Q"]])
    qy = _table(members[tables["QY"]])
    labels_q = members["labels_Q.txt"].decode().splitlines()
    extra = SATELLITE_ROWS - len(labels_q)

    def sparse(width: int):
        values = rng.lognormal(3.0, 2.0, (extra, width))
        return np.round(values * (rng.uniform(size=values.shape) < 0.1), 3)

    labels_q += [f"Satellite account {i} (t)\tTotal\t" for i in range(extra)]
    out = {
        tables["T"]: _text(T, 8),
        tables["FD"]: _text(_table(members[tables["FD"]]), 8),
        tables["VA"]: _text(_table(members[tables["VA"]]), 8),
        tables["Q"]: _text(np.vstack([q, sparse(q.shape[1])]), 8),
        tables["QY"]: _text(np.vstack([qy, sparse(qy.shape[1])]), 8),
    }
    labels = {name: members[name] for name in ("labels_T.txt", "labels_FD.txt", "labels_VA.txt")}
    labels["labels_Q.txt"] = ("\n".join(labels_q) + "\n").encode()
    folder.mkdir(parents=True, exist_ok=True)
    for target, payload in (
        (folder / f"Eora26_{year}_bp.zip", out),
        (folder / "indices.zip", labels),
    ):
        with zipfile.ZipFile(target, "w") as handle:
            for name, data in payload.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                handle.writestr(info, data, compresslevel=6)
    log.info("T text of the real-volume zip: %.0f MB", len(out[tables["T"]]) / 1e6)
    return folder / f"Eora26_{year}_bp.zip"


# --------------------------------------------------------------------------- processes


def timed(command: list[str], cwd: Path, log_path: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of a whole process and its waited-for children."""
    with log_path.open("w") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{log_path.read_text()[-4000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def snakemake_command(cores: int, case: dict[str, Any], *extra: str) -> list[str]:
    """``snakemake TARGET --cores N EXTRA --config ...`` for one case (--config and
    --forcerun take every word after them, so the target comes first)."""
    return [
        str(Path(sys.executable).with_name("snakemake")),
        case["target"],
        "--cores",
        str(cores),
        *extra,
        *case["config"],
    ]


def reference(folder: Path, year: int, threads: int, stressors: list[dict], out: Path) -> None:
    """(a) in this process: pymrio's parse and calc_all of the CO2 row; writes ``out``."""
    import pymrio
    from threadpoolctl import threadpool_limits

    gc.freeze()
    with threadpool_limits(limits=threads):
        system = pymrio.parse_eora26(folder, year=year)
        labels = [(label["stressor"], label["source"]) for label in stressors]
        row = next(label for label in labels if label in system.Q.F.index)
        co2 = system.Q.extract(row, return_type="co2")
        system.remove_extension(["Q", "VA"])
        system.co2 = co2
        system.calc_all()
        production = system.co2.D_pba_reg.loc[row]
        consumption = system.co2.D_cba_reg.loc[row].reindex(production.index)
    out.write_text(
        json.dumps(
            {
                "n": int(system.Z.shape[0]),
                "unit": str(co2.unit.iloc[0, 0]),
                "regions": [str(r) for r in production.index],
                "production": production.to_numpy(float).tolist(),
                "consumption": consumption.to_numpy(float).tolist(),
            }
        )
    )


def job_benchmarks(workdir: Path, source: str, year: int) -> dict[str, tuple[float, float]]:
    """(seconds, peak RSS MB) of the harmonize and accounts jobs, from Snakemake's files."""
    found = {}
    for rule, folder in (("harmonize", "harmonize"), ("accounts", "accounts")):
        path = workdir / "logs" / "benchmarks" / folder / f"{source}_{year}.tsv"
        with path.open() as handle:
            record = next(csv.DictReader(handle, delimiter="\t"))
        found[rule] = (float(record["s"]), float(record["max_rss"]))
    return found


# --------------------------------------------------------------------------- parent


def prepare(
    workdir: Path, year: int, cores: int, cases: list[str], countries: list[str] | None
) -> dict[str, dict]:
    """Copy the workflow, make the default zip, write the real-volume zip, warm up.
    ``countries`` (Eora codes) cut the world, for a quick check of the script."""
    sys.path.insert(0, str(REPO))
    from tests.support.workflow import copy_workflow

    flow = workdir / "workflow"
    if not (flow / "Snakefile").exists():
        copy_workflow(flow)
    default_zip = flow / "resources" / "raw" / "synthetic" / f"Eora26_{year}_bp.zip"
    base = ["--config", f"years=[{year}]"]
    if countries:
        base.append(f"synthetic={{'countries': {countries!r}}}")
    setups = {
        "default": {
            "config": base,
            "target": f"results/.build/synthetic/{year}/accounts.csv",
            "source": "synthetic",
            "folder": default_zip.parent,
        },
    }
    print(f"preparing in {workdir}", flush=True)
    subprocess.run(
        snakemake_command(cores, setups["default"]), cwd=flow, check=True, capture_output=True
    )
    if "real" in cases:
        local = workdir / "local" / "eora26"
        if not (local / "indices.zip").exists():
            write_real_volume(default_zip, local, year)
        setups["real"] = {
            "config": [*base, "source=eora26", f"local_data={local.parent}"],
            "target": f"results/.build/eora26/{year}/accounts.csv",
            "source": "eora26",
            "folder": local,
        }
        subprocess.run(
            snakemake_command(cores, setups["real"]), cwd=flow, check=True, capture_output=True
        )
    for name, setup in setups.items():
        archive = setup["folder"] / f"Eora26_{year}_bp.zip"
        with zipfile.ZipFile(archive) as handle:
            text = handle.getinfo(f"Eora26_{year}_bp_T.txt").file_size
        print(
            f"{name}: {archive} ({archive.stat().st_size / 2**20:.0f} MiB; "
            f"T text {text / 1e6:.0f} MB)"
        )
    return {name: setups[name] for name in cases}


def benchmark(
    workdir: Path,
    year: int,
    runs: int,
    cores: int,
    cases: list[str],
    countries: list[str] | None = None,
) -> str:
    print(f"machine: {machine()}")
    # Snakemake imports every installed executor plugin at start (the SLURM one: pandas).
    plugin = importlib.util.find_spec("snakemake_executor_plugin_slurm") is not None
    print(f"SLURM executor plugin (make slurm): {'installed' if plugin else 'not installed'}")
    parser = importlib.util.find_spec("bri_carbon.sources._delimited_numbers") is not None
    print(f"compiled number parser (C compiler at install): {'built' if parser else 'not built'}")
    print("load average (1, 5, 15 min) at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    setups = prepare(workdir, year, cores, cases, countries)
    flow = workdir / "workflow"
    import yaml

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    stressors = config["stressors"]["eora26"]
    stressors = [stressors] if isinstance(stressors, dict) else list(stressors)
    codes = eora_codes(REPO / "data" / "region_codes.csv")
    rows, ratios, lines = [], {}, []
    for name, setup in setups.items():
        results: dict[str, list] = {"a": [], "b": [], "jobs": []}
        for run in range(1, runs + 1):
            out = workdir / f"reference-{name}-{run}.json"
            command = [
                sys.executable,
                __file__,
                "--worker",
                str(setup["folder"]),
                "--year",
                str(year),
                "--cores",
                str(cores),
                "--stressors",
                json.dumps(stressors),
                "--out",
                str(out),
            ]
            results["a"].append((*timed(command, REPO, workdir / f"a-{name}.log"), out))
            command = snakemake_command(cores, setup, "--forcerun", "harmonize_eora26")
            results["b"].append(timed(command, flow, workdir / f"b-{name}.log"))
            results["jobs"].append(job_benchmarks(flow, setup["source"], year))
            log.info(
                "%s run %d: a %.2f s, b %.2f s", name, run, results["a"][-1][0], results["b"][-1][0]
            )
        workflow_accounts = read_accounts(flow / setup["target"])
        diff = max(
            max_relative_difference(workflow_accounts, json.loads(item[3].read_text()), codes)
            for item in results["a"]
        )
        a_wall = statistics.median(item[0] for item in results["a"])
        b_wall = statistics.median(item[0] for item in results["b"])
        harmonize = statistics.median(item["harmonize"][0] for item in results["jobs"])
        accounts = statistics.median(item["accounts"][0] for item in results["jobs"])

        def cell(values: list[float]) -> str:
            return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"

        rows.append(
            (
                name,
                "(a) pymrio parse_eora26 + calc_all",
                cell([i[0] for i in results["a"]]),
                f"{statistics.median(i[2] for i in results['a']):.0f}",
                cell([i[1] for i in results["a"]]),
            )
        )
        rows.append(
            (
                name,
                "(b) snakemake: raw zip to accounts.csv",
                cell([i[0] for i in results["b"]]),
                f"{statistics.median(i[2] for i in results['b']):.0f}",
                cell([i[1] for i in results["b"]]),
            )
        )
        for job in ("harmonize", "accounts"):
            rows.append(
                (
                    name,
                    f"    job {job}",
                    cell([i[job][0] for i in results["jobs"]]),
                    f"{statistics.median(i[job][1] for i in results['jobs']):.0f}",
                    "",
                )
            )
        rows.append(
            (name, "    Snakemake (the rest)", f"{b_wall - harmonize - accounts:.2f}", "", "")
        )
        ratios[name] = b_wall / a_wall
        lines.append(
            f"{name}: ratio {ratios[name]:.3f}, max relative difference of the accounts {diff:.2e}"
        )
    print()
    print_table(("case", "process", "wall s", "peak RSS MiB", "CPU s"), rows)
    print()
    for line in lines:
        print(line)
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    keys = {"default": "ratio_year", "real": "ratio_year_real"}
    last = " ".join(f"{keys[name]}={ratios[name]:.3f}" for name in setups)
    print(last)
    return last


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--year", type=int, default=2015)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--workdir", type=Path, help="keep the workflow copy and inputs here")
    parser.add_argument("--countries", help="Eora codes, e.g. CHN,USA,DEU (a small world)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stressors", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        reference(args.worker, args.year, args.cores, json.loads(args.stressors), args.out)
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    cases = [case for case in args.cases.split(",") if case]
    countries = args.countries.split(",") if args.countries else None
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        parser.error(f"unknown cases {unknown}; choose among {list(CASES)}")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        benchmark(args.workdir.resolve(), args.year, args.runs, args.cores, cases, countries)
    else:
        with tempfile.TemporaryDirectory(prefix="bri_year_") as folder:
            benchmark(Path(folder), args.year, args.runs, args.cores, cases, countries)


if __name__ == "__main__":
    main()
