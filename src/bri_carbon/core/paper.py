"""The paper's values and wordings next to the readings of the findings.

``data/paper_values.csv`` (config key ``findings.paper_values``) holds one row per reading
and abstract: ``finding``, ``statistic``, ``level``, ``subject`` (``*``: every subject of that
statistic and level), ``paper_value`` (the number the sentence gives, empty where it gives
none), ``unit``, ``paper_wording`` (the words that give the number, verbatim: "more than
95%", "up to 95%", "about 30%"), ``paper_statement`` (the abstract's sentence, verbatim),
``journal`` (short name) and ``citation``. The two abstracts differ: Han, Yao, Liu & Dunford
(J. Geogr. Sci. 2018) write "more than 95%" where Yao, Han & Liu (Acta Geographica Sinica
2018) write "up to 95%", so a reading can carry both.

:func:`attach` gives every reading ``paper_value``, ``paper_wording``, ``paper_statement``
and ``citation``, each combining the abstracts whose rows match it; the project's reading of
a sentence stays in the reading's ``definition``, never in these columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bri_carbon.runtime.errors import WorkflowInputError

#: Subject of the paper-values table that matches every subject of a statistic and level.
ANY_SUBJECT = "*"
#: Columns that :func:`attach` adds.
PAPER_COLUMNS = ("paper_value", "paper_wording", "paper_statement", "citation")
#: Levels a reading can have (the paper's table must name one of them).
LEVELS = ("region", "group", "block", "region_pair", "group_pair")
_KEY = ["statistic", "level", "subject"]


def _combined(rows: list[dict[str, Any]]) -> dict[str, object]:
    """The paper columns of one reading from the matching rows of the paper's table (one per
    abstract, in table order)."""
    values = sorted({float(r["paper_value"]) for r in rows if pd.notna(r["paper_value"])})
    wordings = [f"{r['paper_wording']} ({r['journal']})" for r in rows if r["paper_wording"]]
    statements = [
        f"{r['journal']}: \u201c{r['paper_statement']}\u201d" for r in rows if r["paper_statement"]
    ]
    return {
        "paper_value": values[0] if len(values) == 1 else np.nan,
        "paper_wording": "; ".join(wordings),
        "paper_statement": "; ".join(dict.fromkeys(statements)),
        "citation": "; ".join(dict.fromkeys(r["citation"] for r in rows if r["citation"])),
    }


def attach(frame: pd.DataFrame, paper_values: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (readings with statistic, level, subject, ...) with :data:`PAPER_COLUMNS`.

    A row of ``paper_values`` matches the readings of its statistic and level with its
    subject, or every subject when that is :data:`ANY_SUBJECT`; per abstract (``journal``)
    a row naming the subject wins over ``*``. ``paper_value`` is the number of the matching
    rows when they agree (empty otherwise); wordings, statements and citations are joined
    with "; ". A row of the paper's table that matches no reading is an error: it names a
    reading that does not exist.
    """
    keys = list(frame[_KEY].itertuples(index=False, name=None))
    subjects: dict[tuple[str, str], set[str]] = {}
    for statistic, level, subject in keys:
        subjects.setdefault((statistic, level), set()).add(subject)
    by_reading: dict[tuple[str, str], list[dict[str, Any]]] = {}
    unknown = []
    for row in paper_values.to_dict("records"):
        found = subjects.get((row["statistic"], row["level"]), set())
        if not found or (row["subject"] != ANY_SUBJECT and row["subject"] not in found):
            unknown.append({key: row[key] for key in _KEY})
        by_reading.setdefault((row["statistic"], row["level"]), []).append(row)
    if unknown:
        raise WorkflowInputError(
            f"the paper's values name readings that the findings do not compute: {unknown}; "
            f"the statistics are {sorted(set(frame['statistic']))} at levels {list(LEVELS)}."
        )
    combined = []
    for statistic, level, subject in keys:
        rows = by_reading.get((statistic, level), [])
        exact = [r for r in rows if r["subject"] == subject]
        journals = {r["journal"] for r in exact}
        general = [r for r in rows if r["subject"] == ANY_SUBJECT and r["journal"] not in journals]
        chosen = [r for r in rows if r in exact or r in general]
        combined.append(_combined(chosen))
    paper = pd.DataFrame(combined, index=frame.index, columns=list(PAPER_COLUMNS))
    return pd.concat([frame.drop(columns=list(PAPER_COLUMNS), errors="ignore"), paper], axis=1)
