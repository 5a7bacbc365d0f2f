"""bri-carbon: embodied carbon flows of the Belt and Road regions.

Data flow: retrieve -> harmonize (each raw table read once) -> accounts -> groups -> findings ->
figures and tables -> the HTML report and the flow explorer, all built under results/.build/
and published whole by rule publish (results/{source}/report.html, explorer.html).
Run `make run` (or `snakemake --cores all`; Snakemake applies profiles/default); see README.md.
"""

import gc
import os
import shlex
import sys
from pathlib import Path

from snakemake.logging import logger
from snakemake.utils import min_version, validate

from bri_carbon.runtime.config_check import check_config, coerce_numbers, expand_user, expand_years
from bri_carbon.runtime.errors import stop_on_input_error
from bri_carbon.runtime.yaml_files import check_yaml, load_yaml

min_version("9.27")

# Snakemake, its plugins and pandas are imported by now (about 135,000 objects that live
# until exit). Frozen, the garbage collector skips them, in full collections and in those of
# the interpreter's exit: that takes about 0.9 s off every `snakemake` call on a 2-core
# machine, a no-op `snakemake -n` included (docs/performance.md).
gc.freeze()

#: The command line of the main Snakemake process. Jobs inherit it through the environment
#: (also SLURM jobs: sbatch --export=ALL), so provenance.json names the user's command, not a
#: job's. Read by scripts/provenance.py; not a rule param, so that another command line does
#: not trigger reruns.
os.environ.setdefault("BRI_CARBON_COMMAND_LINE", shlex.join(sys.argv))


# A syntax error in the workflow's config file is one paragraph with its line (those of
# --configfile files are caught as the snakemake command starts: bri_carbon.runtime.command_line).
with stop_on_input_error(logger.error):
    check_yaml(Path(workflow.basedir) / "config/config.yaml")


configfile: "config/config.yaml"


# The configuration is checked before any job, in a few lines that name the key, the value
# and what is allowed (Snakemake's own message would print the whole schema); text from
# --config becomes the numbers the schema asks for, `years: "1990-2016"` (or
# `--config years=1990-2016`) becomes the list of years, both ends included, and a path
# that starts with ~ is expanded to the home folder.
SCHEMA = load_yaml((Path(workflow.basedir) / "rules/schemas/config.schema.yaml").read_text())
with stop_on_input_error(logger.error):
    config.update(coerce_numbers(dict(config), SCHEMA))
    config["years"] = expand_years(config.get("years", [2015]))
    expand_user(config)
    check_config(config, SCHEMA)
validate(config, "rules/schemas/config.schema.yaml")
# The defaults, for deciding whether a named run can share resources/ (rules/common/paths.smk).
DEFAULT_CONFIG = load_yaml((Path(workflow.basedir) / "config/config.yaml").read_text())
validate(DEFAULT_CONFIG, "rules/schemas/config.schema.yaml")


# What the rule files share, one concern per file (docs/development.md): paths, resource
# requests, the configuration as rules read it, the targets, input functions, and the checks
# that run before any job.
include: "rules/common/paths.smk"
include: "rules/common/resources.smk"
include: "rules/common/config.smk"
include: "rules/common/targets.smk"
include: "rules/common/inputs.smk"
include: "rules/common/checks.smk"


wildcard_constraints:
    source=DATABASE,
    year=r"\d{4}",


include: "rules/fingerprint.smk"
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
include: "rules/report.smk"
include: "rules/explorer.smk"
include: "rules/publish.smk"


# Lightweight rules run on the submitting host, not as cluster jobs.
localrules:
    all,
    fingerprint,
    groups,
    findings,
    figure,
    maps,
    table,
    trends,
    compare_sources,
    report,
    explorer,
    publish,


rule all:
    """Every result of the configured source and years, published (the default target)."""
    input:
        all_targets(),
    default_target: True


onstart:
    warn_of_stale_folders()


onsuccess:
    for note in data_warnings():
        logger.warning(note)
    logger.info(finished_message())
