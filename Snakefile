"""bri-carbon: embodied carbon flows of the Belt and Road regions.

Data flow: retrieve -> harmonize (pymrio parses once) -> accounts -> groups -> figures and tables.
Run `make run` (or `snakemake --cores all --profile profiles/default`); see README.md.
"""

import gc
import re

from snakemake.utils import min_version, validate

min_version("9.27")

# Snakemake, its plugins and pandas are imported by now (about 135,000 objects that live
# until exit). Frozen, the garbage collector skips them, in full collections and in those of
# the interpreter's exit: that takes about 0.9 s off every `snakemake` call on a 2-core
# machine, a no-op `snakemake -n` included (docs/performance.md).
gc.freeze()


configfile: "config/config.yaml"


report: "report/workflow.rst"


# `years: "1990-2016"` (or `--config years=1990-2016`) is a range, both ends included;
# `--config years=2015` is one year.
if isinstance(config.get("years"), int):
    config["years"] = [config["years"]]
YEAR_RANGE = r"\s*\d{4}\s*-\s*\d{4}\s*"
if isinstance(config.get("years"), str) and re.fullmatch(YEAR_RANGE, config["years"]):
    first, last = (int(part) for part in config["years"].split("-"))
    config["years"] = list(range(first, last + 1))
# `--config 'years=[2015]'` arrives as strings; the schema then checks integers.
if isinstance(config.get("years"), list):
    config["years"] = [int(y) if str(y).isdigit() else y for y in config["years"]]
for key in ("base", "target"):
    if str(config.get("drivers", {}).get(key)).isdigit():
        config["drivers"][key] = int(config["drivers"][key])


validate(config, "rules/schemas/config.schema.yaml")


include: "rules/common.smk"


wildcard_constraints:
    source="|".join(SOURCES),
    year=r"\d{4}",


include: "rules/retrieve.smk"
include: "rules/harmonize.smk"
include: "rules/accounts.smk"
include: "rules/groups.smk"
include: "rules/findings.smk"
include: "rules/figures.smk"
include: "rules/maps.smk"
include: "rules/tables.smk"
include: "rules/provenance.smk"
include: "rules/trends.smk"
include: "rules/drivers.smk"
include: "rules/compare.smk"


# Lightweight rules run on the submitting host, not as cluster jobs.
localrules:
    all,
    groups,
    findings,
    figure,
    maps,
    table,
    trends,
    compare_sources,


rule all:
    input:
        all_targets(),
    default_target: True
