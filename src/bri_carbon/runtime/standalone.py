"""Run one rule's script outside Snakemake, with the inputs, params and outputs Snakemake
would give the job: for a debugger, a profiler or a notebook.

From the workflow folder, name a file a rule writes (as an error message or the dry run
shows it) and, as for Snakemake, the config files and values of the run::

    .venv/bin/python -m bri_carbon.runtime.standalone results/synthetic/2015/groups/accounts.csv
    .venv/bin/python -m bri_carbon.runtime.standalone --configfile config/test/tiny.yaml \\
        --pdb results/synthetic/2015/figures/intensity_gap.png

The workflow is read as Snakemake reads it (``Snakefile``, ``config/config.yaml``, the
checks before any job); the job that writes the file is made with the wildcards read from
its path, and the rule's script runs in this process with that job's ``snakemake`` object.
Its log goes to the terminal instead of the rule's log file, and its outputs go where the
rule writes them, or below ``--output-dir``. Every input must exist: run Snakemake up to
the rule first (the message names the command). ``--pdb`` opens the debugger where the
script fails. In Python, :func:`rule_job` gives the ``snakemake`` object itself::

    from bri_carbon.runtime.standalone import rule_job
    snakemake = rule_job("results/synthetic/2015/accounts.csv")

Snakemake has no public interface that gives a job's script object, so this module builds
the workflow with Snakemake's API and the job with its ``DAG`` and ``Job`` classes
(as PyPSA-Eur's ``mock_snakemake`` does); ``tests/workflow/test_standalone.py`` checks it
against the Snakemake version of the lock file.
"""

from __future__ import annotations

import argparse
import os
import pdb
import runpy
import sys
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bri_carbon.runtime.errors import WorkflowInputError

#: The workflow's Snakefile, relative to the workflow folder.
SNAKEFILE = "Snakefile"


@contextmanager
def _workflow(
    workdir: Path, configfiles: Sequence[str | os.PathLike[str]], config: Mapping[str, Any]
):
    """The workflow of ``workdir`` as Snakemake reads it (config files, then ``config``);
    the working folder is ``workdir`` while the context lasts."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import (
        ConfigSettings,
        OutputSettings,
        ResourceSettings,
    )

    snakefile = Path(workdir, SNAKEFILE).resolve()
    if not snakefile.is_file():
        raise WorkflowInputError(
            f"{workdir} holds no {SNAKEFILE}; run from the workflow folder or give --directory."
        )
    with SnakemakeApi(OutputSettings()) as api:
        workflow_api = api.workflow(
            resource_settings=ResourceSettings(cores=1),
            config_settings=ConfigSettings(
                configfiles=[Path(f).resolve() for f in configfiles], config=dict(config)
            ),
            snakefile=snakefile,
            workdir=Path(workdir).resolve(),
        )
        workflow_api.dag()  # sets the DAG settings the job needs (defaults)
        yield workflow_api._workflow


def _producer(workflow: Any, target: str) -> Any:
    """The one rule whose output pattern matches ``target``."""
    rules = [rule for rule in workflow.rules if rule.is_producer(target)]
    if len(rules) > 1 and workflow.ruleorder is not None:
        rules = [r for r in rules if not any(workflow.ruleorder.compare(o, r) > 0 for o in rules)]
    if not rules:
        raise WorkflowInputError(
            f"no rule writes {target}; name a file as the dry run lists it "
            "(snakemake -n shows every job's output)."
        )
    if len(rules) > 1:
        names = ", ".join(sorted(rule.name for rule in rules))
        raise WorkflowInputError(f"{target} matches the outputs of several rules: {names}.")
    return rules[0]


def _rerooted(paths: Any, output_dir: Path) -> None:
    """Move each path of a Snakemake name list below ``output_dir``, in place."""
    for position, path in enumerate(paths):
        paths[position] = str(output_dir / path)


def _job(workflow: Any, target: str, output_dir: Path | None) -> tuple[Any, Path]:
    """(the ``snakemake`` object of the job writing ``target``, the rule's script)."""
    from snakemake.dag import DAG
    from snakemake.iocontainers import Log, Snakemake
    from snakemake.jobs import Job

    rule = _producer(workflow, target)
    if not rule.script:
        raise WorkflowInputError(
            f"rule {rule.name} runs no script; nothing to run outside Snakemake."
        )
    workflow.global_resources = {}
    job = Job(rule, DAG(workflow, rules=[rule]), rule.get_wildcards(target), targetfile=target)
    missing = [path for path in job.input if not Path(path).exists()]
    if missing:
        raise WorkflowInputError(
            f"rule {rule.name} needs {', '.join(missing)}, which do not exist yet; make them "
            f"first: snakemake --cores all --until {rule.name} (with the same config files "
            "and values), then run the script again."
        )
    output = job.output
    if output_dir is not None:
        _rerooted(output, output_dir)
    for path in output:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    script = Path(rule.basedir.get_path_or_uri(secret_free=True), str(rule.script)).resolve()
    smk = Snakemake(
        job.input,
        output,
        job.params,
        job.wildcards,
        job.threads,
        job.resources,
        Log(),
        workflow.config,
        rule.name,
        None,
        str(script.parent),
    )
    return smk, script


def rule_job(
    target: str,
    configfiles: Sequence[str | os.PathLike[str]] = (),
    config: Mapping[str, Any] | None = None,
    workdir: str | os.PathLike[str] = ".",
    output_dir: str | os.PathLike[str] | None = None,
) -> Any:
    """The ``snakemake`` object Snakemake gives the script of the job that writes ``target``
    (a path relative to ``workdir``, the workflow folder), with ``configfiles`` and
    ``config`` on top of ``config/config.yaml`` as on Snakemake's command line.

    ``output_dir``: a folder the job's outputs are moved below (relative paths kept);
    by default they are the rule's own paths. The job has no log file: its script logs to
    the terminal. The working folder is left as it was.
    """
    with _workflow(Path(workdir), configfiles, config or {}) as workflow:
        smk, _ = _job(workflow, target, Path(output_dir).resolve() if output_dir else None)
    return smk


def run_rule_script(
    target: str,
    configfiles: Sequence[str | os.PathLike[str]] = (),
    config: Mapping[str, Any] | None = None,
    workdir: str | os.PathLike[str] = ".",
    output_dir: str | os.PathLike[str] | None = None,
    debugger: bool = False,
) -> None:
    """Run the script of the job that writes ``target`` in this process, as Snakemake would
    run it (see :func:`rule_job`), in ``workdir``. ``debugger``: open pdb where the script
    fails, an input error included (without it, an input error ends the script with its
    message, as in a run)."""
    with _workflow(Path(workdir), configfiles, config or {}) as workflow:
        smk, script = _job(workflow, target, Path(output_dir).resolve() if output_dir else None)
        try:
            runpy.run_path(str(script), init_globals={"snakemake": smk}, run_name="__main__")
        except (Exception, SystemExit) as err:
            # An input error ends the script with SystemExit (bri_carbon.runtime.logs.run_rule);
            # the error itself is its context.
            failed = err.__context__ if isinstance(err, SystemExit) else err
            if debugger and failed is not None:
                pdb.post_mortem(failed.__traceback__)
            raise


def _config_values(entries: Sequence[str]) -> dict[str, Any]:
    """``--config KEY=VALUE`` entries, read as Snakemake's command line reads them."""
    from snakemake.cli import parse_config

    return parse_config(entries)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (see the module docstring); exit status 0 when the script ran."""
    parser = argparse.ArgumentParser(
        prog="python -m bri_carbon.runtime.standalone",
        description="Run the script of the rule that writes TARGET outside Snakemake.",
    )
    parser.add_argument(
        "target", help="a file the rule writes, e.g. results/synthetic/2015/accounts.csv"
    )
    parser.add_argument(
        "--configfile",
        action="append",
        default=[],
        metavar="FILE",
        help="a config file on top of config/config.yaml, as for Snakemake (repeatable)",
    )
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a config value, as for Snakemake (repeatable)",
    )
    parser.add_argument("--directory", default=".", help="the workflow folder (default: here)")
    parser.add_argument("--output-dir", help="write the outputs below this folder instead")
    parser.add_argument(
        "--pdb", action="store_true", help="open the debugger where the script fails"
    )
    args = parser.parse_args(argv)
    try:
        run_rule_script(
            args.target,
            args.configfile,
            _config_values(args.config),
            args.directory,
            args.output_dir,
            debugger=args.pdb,
        )
    except WorkflowInputError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
