"""Blocks of plain decimal numbers parsed by the compiled parser, when it is built.

Most upstream tables are lines of plain decimal numbers (Eora26's T: 4,915 numbers a line,
GLORIA's T: 39,360), some after a few label fields (EXIOBASE's Z: region and sector, then
7,987 numbers). :mod:`bri_carbon.sources._delimited_numbers` (C, built with the
package when a C compiler is available; pyproject.toml) parses such a block in one pass
without the GIL, several times faster than pandas, and gives the correctly rounded float64
of each field, which is what pandas 3's parser gives for these fields: the arrays are the
same bit for bit (tests/sources/test_plain_numbers.py compares them on hard cases).

It takes only plain text: lines ending in ``\\n`` (or ``\\r\\n``) of exactly ``width``
fields, each ``[+-]digits[.digits][e[+-]digits]`` or ``[+-].digits[e[+-]digits]``, with
finite values, after the label fields if any (:func:`parse_labelled`: labels as pandas
reads them with ``dtype=str``, so none that pandas reads as missing, see
:data:`PANDAS_MISSING`, and no quotes). For anything else (blank lines, spaces, quotes,
NaN, empty fields, overflow) these functions return None and the caller parses the block
as before, with its padding rules and its messages naming the cells. Without the compiled
parser every block takes that way, slower, with the same numbers.
"""

from __future__ import annotations

import logging

import numpy as np

try:
    from bri_carbon.sources import _delimited_numbers
except ImportError:  # installed without a C compiler
    _delimited_numbers = None

#: Whether the compiled parser is built (the readers log it; slower without, same numbers).
COMPILED = _delimited_numbers is not None


#: The strings pandas.read_csv reads as missing by default (its ``na_values`` documentation),
#: also in label columns read with ``dtype=str``; tests/sources/test_plain_numbers.py checks
#: the list against pandas.
PANDAS_MISSING = frozenset(
    {
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
        "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    }
)  # fmt: skip


def parse_plain(text: bytes, width: int, separator: str, skip: int = 0) -> np.ndarray | None:
    """The numbers of ``text``, whole lines of ``skip`` label fields (left out) and ``width``
    plain decimal numbers separated by the one character ``separator``, as a (lines,
    ``width``) float64 array; None when the compiled parser is not built or ``text`` is
    anything else."""
    if _delimited_numbers is None:
        return None
    values = np.empty((text.count(b"\n"), width), dtype=np.float64)
    if _delimited_numbers.parse_lines(text, width, separator, values, skip) != values.shape[0]:
        return None
    return values


def parse_labelled(
    text: bytes, width: int, labels: int, separator: str
) -> tuple[list[tuple[str, ...]], np.ndarray] | None:
    """(row labels, numbers) of ``text``, whole lines of ``labels`` label fields and
    ``width`` plain decimal numbers: the labels as tuples of strings (UTF-8), the numbers as
    a (lines, ``width``) float64 array, as pandas reads them with ``dtype=str`` for the
    labels; None when the compiled parser is not built or ``text`` is anything else
    (including labels pandas would read as missing or that are not UTF-8)."""
    values = parse_plain(text, width, separator, skip=labels)
    if values is None:
        return None
    cut = separator.encode()
    rows: list[tuple[str, ...]] = []
    start = 0
    try:
        for _ in range(values.shape[0]):
            fields = []
            for _ in range(labels):
                stop = text.index(cut, start)
                fields.append(text[start:stop].decode("utf-8"))
                start = stop + 1
            rows.append(tuple(fields))
            start = text.index(b"\n", start) + 1
    except UnicodeDecodeError:
        return None
    if any(field in PANDAS_MISSING for row in rows for field in row):
        return None
    return rows, values


def log_parser(logger: logging.Logger) -> None:
    """Say in ``logger`` which parser turns the tables' text into numbers (a warning when
    the compiled one is not built: the same numbers, more slowly)."""
    if COMPILED:
        logger.info("plain numbers parsed by the compiled parser (%s)", _delimited_numbers.__name__)
    else:
        logger.warning(
            "the compiled number parser is not built (no C compiler when bri-carbon was "
            "installed): tables are parsed by pandas, to the same numbers but more slowly. "
            "For the fast path install a C compiler and reinstall bri-carbon (delete .venv "
            "and run make again; in a conda environment: pip install -e . in the project "
            "folder)."
        )
