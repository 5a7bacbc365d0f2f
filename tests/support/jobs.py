"""Read the jobs of a Snakemake dry run and of squeue, and the resources rules declare."""

from __future__ import annotations

import re

#: Lightweight rules that must run on the submitting host, never as cluster jobs.
LIGHTWEIGHT_RULES = frozenset(
    {"all", "groups", "findings", "figure", "table", "trends", "compare_sources"}
)

_RULE = re.compile(r"^(?:local)?rule (\w+):$")
_WILDCARDS = re.compile(r"^\s+wildcards: (.*)$")
_RESOURCES = re.compile(r"^\s+resources: (.*)$")


def local_rules(snakefile_text: str) -> set[str]:
    """Rule names of the ``localrules:`` directive of a Snakefile."""
    block = re.search(r"^localrules:\n((?:    \w+,?\n)+)", snakefile_text, flags=re.M)
    return set(re.findall(r"\w+", block.group(1))) if block else set()


def dry_run_jobs(output: str) -> list[dict]:
    """Jobs of ``snakemake -n`` output: ``rule``, ``wildcards`` (str), ``mem_mb``, ``runtime``."""
    jobs: list[dict] = []
    for line in output.splitlines():
        rule = _RULE.match(line)
        if rule:
            jobs.append({"rule": rule.group(1), "wildcards": ""})
            continue
        if not jobs:
            continue
        wildcards = _WILDCARDS.match(line)
        if wildcards:
            jobs[-1]["wildcards"] = wildcards.group(1)
        resources = _RESOURCES.match(line)
        if resources:
            values = dict(
                item.split("=", 1) for item in resources.group(1).split(", ") if "=" in item
            )
            jobs[-1]["mem_mb"] = int(values["mem_mb"])
            jobs[-1]["runtime"] = int(values["runtime"])
    return jobs


def comment_of(job: dict) -> str:
    """The sbatch ``--comment`` the SLURM executor gives a job: rule_{rule}_wildcards_{values}."""
    values = [item.split("=", 1)[1] for item in job["wildcards"].split(", ") if "=" in item]
    if not values:
        return f"rule_{job['rule']}"
    return f"rule_{job['rule']}_wildcards_{'_'.join(values)}"


def memory_mb(text: str) -> int:
    """squeue's %m (e.g. ``500M``, ``2G``) in MB."""
    number, unit = float(text[:-1]), text[-1].upper()
    return round(number * {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024**2}[unit])


def minutes(text: str) -> int:
    """squeue's %l time limit ([days-][hours:]minutes:seconds) in whole minutes."""
    days, _, clock = text.rpartition("-")
    parts = [int(part) for part in clock.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    hours, mins, secs = parts
    return (int(days or 0) * 24 + hours) * 60 + mins + (1 if secs else 0)


def fixed_resources(rules_text: str) -> dict[str, tuple[int | None, int]]:
    """(mem_mb, runtime) each rule of the rule files declares; mem_mb None where it is a
    formula (its value depends on the system size and is checked against numbers worked out
    by hand, never re-derived from the formula's code)."""
    declared = {}
    for block in re.split(r"^rule ", rules_text, flags=re.M)[1:]:
        name = block.split(":", 1)[0].strip()
        memory = re.search(r"mem_mb=(.+),\n", block)
        runtime = re.search(r"runtime=(\d+),", block)
        if not memory or not runtime:
            continue
        text = memory.group(1)
        declared[name] = (int(text) if text.isdigit() else None, int(runtime.group(1)))
    return declared
