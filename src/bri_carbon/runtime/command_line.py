"""The ``snakemake`` command line of this environment, made friendlier before Snakemake reads it.

Snakemake parses ``--config`` and loads ``--configfile`` files before the workflow's
Snakefile runs, so no check of the Snakefile can explain what goes wrong there. The
environment that ``make`` creates therefore runs :func:`adjust` when the ``snakemake``
command starts (a ``.pth`` line in its site-packages, written by the Makefile):

- ``--config download.retries=3`` (a dotted key, which Snakemake refuses with a traceback)
  becomes the nested form ``--config 'download={"retries": "3"}'``, which Snakemake accepts
  (the workflow turns the text "3" into the number the schema asks for);
- a ``--configfile`` that is not valid YAML stops the command with one paragraph naming
  the file, the line and column, and the problem (Snakemake's own message names neither);
- an executor whose plugin is not installed (``--profile profiles/slurm`` before ``make
  slurm``) stops the command with one paragraph naming the command that installs it
  (Snakemake's own message lists the executors it has, after its whole usage text).

Ctrl-C (SIGINT, sent by the terminal to Snakemake and every job at once) ends a run
without Python tracebacks: Snakemake stops at the first one as it always does; a second
one ends it at once with one line (:func:`quiet_interrupts`); a job of the run (a rule
script) ends at the first one with one line, even while it is still importing its
libraries. Its outputs are written atomically, so nothing half-written is left, and the
next run removes the temporaries.

Nothing else on the command line changes; other programs of the environment are not
touched.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Options whose values follow them until the next option (Snakemake's nargs="*").
CONFIG_OPTIONS = ("--config", "-C")
CONFIGFILE_OPTIONS = ("--configfile", "--configfiles")
PROFILE_OPTIONS = ("--profile",)
EXECUTOR_OPTIONS = ("--executor", "-e")
#: Executors that Snakemake has without a plugin.
BUILTIN_EXECUTORS = ("local", "dryrun", "touch")
_DOTTED = re.compile(r"^(?P<key>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)=(?P<value>.*)$", re.S)


def nested(entry: str) -> str:
    """One ``--config`` entry with a dotted key (``a.b.c=value``) in the nested form
    Snakemake accepts (``a={"b": {"c": value}}``, the value read as YAML text, as Snakemake
    reads values); any other entry unchanged."""
    import yaml

    match = _DOTTED.match(entry)
    if not match:
        return entry
    first, *rest = match.group("key").split(".")
    try:
        value: Any = yaml.load(match.group("value"), Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        value = match.group("value")
    if value is None:
        value = ""
    for key in reversed(rest):
        value = {key: value}
    return f"{first}={json.dumps(value)}"


def _values(argv: list[str], options: tuple[str, ...]) -> list[int]:
    """Positions in ``argv`` of the values of ``options`` (each option takes the arguments
    up to the next one that starts with ``-``; ``--option=value`` too)."""
    positions, taking = [], False
    for position, argument in enumerate(argv[1:], start=1):
        if argument.startswith("-"):
            taking = argument in options
            continue
        if taking:
            positions.append(position)
    return positions


def _option_values(argv: list[str], options: tuple[str, ...]) -> list[str]:
    """The values given to single-value ``options`` (``--option value`` or
    ``--option=value``), in order."""
    values = []
    for position, argument in enumerate(argv[1:], start=1):
        name, equals, value = argument.partition("=")
        if equals and name in options:
            values.append(value)
        elif argument in options and position + 1 < len(argv):
            values.append(argv[position + 1])
    return values


def requested_executor(argv: list[str]) -> tuple[str, str] | None:
    """(executor, where it was asked for) of a ``snakemake`` command line: the last
    ``--executor``/``-e`` value, else the ``executor`` key of the last ``--profile`` folder
    (its config.yaml); None when neither names one."""
    executors = _option_values(argv, EXECUTOR_OPTIONS)
    if executors:
        return executors[-1], "--executor"
    for profile in reversed(_option_values(argv, PROFILE_OPTIONS)):
        settings = Path(profile) / "config.yaml"
        if not settings.is_file():
            continue
        import yaml

        try:
            executor = (yaml.safe_load(settings.read_text()) or {}).get("executor")
        except (OSError, yaml.YAMLError, AttributeError):
            return None
        return (str(executor), f"profile {profile}") if executor else None
    return None


def missing_executor_plugin(argv: list[str]) -> str | None:
    """The message for a command that asks for an executor whose plugin this environment
    does not have (the SLURM plugin is installed by ``make slurm`` only); None otherwise."""
    requested = requested_executor(argv)
    if requested is None or requested[0] in BUILTIN_EXECUTORS:
        return None
    executor, where = requested
    module = "snakemake_executor_plugin_" + executor.replace("-", "_")
    if importlib.util.find_spec(module) is not None:
        return None
    install = (
        "make slurm (the versions of requirements-slurm.lock; see docs/cluster.md)"
        if executor.startswith("slurm")
        else f".venv/bin/uv pip install snakemake-executor-plugin-{executor}"
    )
    return (
        f"snakemake: the executor {executor!r} ({where}) needs the plugin "
        f"snakemake-executor-plugin-{executor}, which this environment does not have "
        f"(cluster support is optional). Install it with: {install}; then run the command "
        "again."
    )


def adjust(argv: list[str], stop: Callable[[str], None] | None = None) -> list[str]:
    """``argv`` of the ``snakemake`` command with dotted ``--config`` keys nested; a
    ``--configfile`` with a YAML syntax error, or an executor without its plugin, is handed
    to ``stop`` (default: print it and exit with status 1). Changes ``argv`` in place and
    returns it."""
    for position in _values(argv, CONFIG_OPTIONS):
        argv[position] = nested(argv[position])
    from bri_carbon.runtime.yaml_files import yaml_problem

    for position in _values(argv, CONFIGFILE_OPTIONS):
        problem = yaml_problem(Path(argv[position]))
        if problem:
            (stop or _stop)(problem)
    missing = missing_executor_plugin(argv)
    if missing:
        (stop or _stop)(missing)
    return argv


def _stop(message: str) -> None:
    """Print ``message`` and end the process with status 1 (at start-up, where the site
    module runs this, SystemExit would be reported as a fatal error)."""
    print(message, file=sys.stderr, flush=True)
    os._exit(1)


#: Exit status of a process ended by SIGINT (128 + 2, as shells report it).
INTERRUPTED = 130


def quiet_interrupts(again: str, first: str | None = None) -> None:
    """SIGINT ends this process without a traceback: ``first`` given, at the first one
    (that line printed); otherwise the first one raises KeyboardInterrupt as usual and a
    second one prints ``again`` and ends the process at once."""
    count = 0

    def handler(signum: int, frame: Any) -> None:
        nonlocal count
        count += 1
        if first is None and count == 1:
            raise KeyboardInterrupt
        # Ignore further SIGINTs before writing: one arriving during the write would
        # otherwise run this handler again inside it and print the line twice.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print(first or again, file=sys.stderr, flush=True)
        os._exit(INTERRUPTED)

    signal.signal(signal.SIGINT, handler)


def is_job_script(argv: list[str]) -> bool:
    """Whether this process is a Snakemake job running a rule script (Snakemake writes the
    script with its preamble to .snakemake/scripts/ and runs it with this Python)."""
    return (
        bool(argv)
        and Path(argv[0]).parent.name == "scripts"
        and (Path(argv[0]).parent.parent.name == ".snakemake")
    )


def install() -> None:
    """Called by the ``.pth`` line at start-up: adjust the command line of the
    ``snakemake`` command and make Ctrl-C quiet there and in its rule scripts; nothing for
    any other program."""
    if sys.argv and Path(sys.argv[0]).name == "snakemake":
        adjust(sys.argv)
        quiet_interrupts(
            "Interrupted again: stopped at once. If the next run says the folder is "
            "locked, run the same command with --unlock first; what the jobs left behind "
            "is removed by the next run."
        )
    elif is_job_script(sys.argv):
        script = Path(sys.argv[0]).name.split(".", 1)[-1].removesuffix(".py")
        quiet_interrupts("", first=f"{script}: interrupted (Ctrl-C); nothing half-written is kept.")
