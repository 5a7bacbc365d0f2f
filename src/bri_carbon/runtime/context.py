"""The run context a rule passes to its script once: source, year and the synthetic flag.

Figures, tables and the findings label their outputs with it ("synthetic data, not real
emissions" for the embedded world); rules pass it as the param ``context`` (see
``run_context`` in rules/common/inputs.smk), so no script rereads another file to learn it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RunContext:
    """``source`` of the data, ``year`` (None for results across years) and ``synthetic``."""

    source: str
    year: int | None
    synthetic: bool

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> RunContext:
        """The context from the rule param ``context`` (a mapping of the three fields)."""
        year = values.get("year")
        return cls(
            source=str(values["source"]),
            year=None if year is None else int(year),
            synthetic=bool(values["synthetic"]),
        )
