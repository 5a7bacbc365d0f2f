"""bri-carbon: embodied carbon flows of the Belt and Road regions.

Data flow: retrieve -> parse -> harmonize -> accounts -> groups -> figures and tables.
Run `make run` (or `snakemake --cores all --profile profiles/default`); see README.md.
"""

from snakemake.utils import min_version, validate

min_version("9.27")


configfile: "config/config.yaml"


# `--config 'years=[2015]'` arrives as strings; the schema then checks integers.
if isinstance(config.get("years"), list):
    config["years"] = [int(y) if str(y).isdigit() else y for y in config["years"]]


validate(config, "config/schema.yaml")


include: "rules/common.smk"


wildcard_constraints:
    source="|".join(SOURCES),
    year=r"\d{4}",


include: "rules/retrieve.smk"
include: "rules/parse.smk"
include: "rules/harmonize.smk"
include: "rules/accounts.smk"
include: "rules/groups.smk"
include: "rules/figures.smk"
include: "rules/tables.smk"


rule all:
    input:
        all_targets(),
    default_target: True
