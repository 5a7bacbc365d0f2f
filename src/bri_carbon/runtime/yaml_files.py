"""YAML files the user writes (config files, the datasets table): a syntax error is one
paragraph naming the file, the line and column, and the problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bri_carbon.runtime.errors import WorkflowInputError

#: libyaml's parser where PyYAML has it (several times faster than the pure-Python one);
#: with the safe constructor and resolver, the documents are those of ``yaml.safe_load``.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, parsed by libyaml."""
    return yaml.load(text, Loader=_LOADER)


def yaml_problem(path: Path) -> str | None:
    """Why ``path`` is not valid YAML (JSON is YAML too), with its line and column; None
    when it is, or when it cannot be read as text (the reader says so itself)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        load_yaml(text)
        return None
    except yaml.YAMLError:
        pass
    # The pure-Python parser's words and marks for the message (libyaml's differ).
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "an unknown place"
        problem = " ".join(str(getattr(err, "problem", None) or err).split())
        return (
            f"{path} is not valid YAML: {problem} at {where}. Fix that line or the one "
            "before it (indent with spaces, not tabs; close every [ and {; put a space after "
            "each colon)."
        )
    return None


def check_yaml(path: Path) -> None:
    """Raise :class:`WorkflowInputError` with :func:`yaml_problem`'s paragraph, if any."""
    problem = yaml_problem(path)
    if problem:
        raise WorkflowInputError(problem)
