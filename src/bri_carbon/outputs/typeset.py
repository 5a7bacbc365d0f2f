"""Tables as people read them: Markdown, LaTeX (booktabs) and HTML from one description.

The CSV files keep full precision and snake_case columns; a :class:`Display` holds the same
numbers as a reader sees them: human headers with units, numbers rounded by their unit
(:data:`ROUNDING`: Mt CO2 and billion USD to 0.1, percent to 0.1, ratios to 0.01,
intensities in kg CO2 per USD to three significant digits), negative numbers with a true
minus sign (U+2212 in Markdown and HTML, ``$-$`` in LaTeX) and every text cell and header
escaped for its format, since group and region names are user data (config/regions.csv).

LaTeX tables are set in ``\\footnotesize`` (8 pt in a 10 pt document) at their natural width
and never scaled: a table wider than :data:`TEXT_WIDTH_CM` is split into several tabulars
in the same float, each repeating the stub (the row labels), and long tables
(``Display.long``) use ``longtable`` so that they break across pages. They need the packages
``booktabs``, ``array`` and ``longtable`` (all in Debian's texlive-latex-base and
texlive-latex-recommended).
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

#: The text width the LaTeX tables are laid out for: an A4 page with 2.5 cm margins (cm).
TEXT_WIDTH_CM = 16.0
#: Estimated widths of characters at \footnotesize (8 pt Computer Modern), in pt, a little
#: above the font's own, so that estimated tables are never narrower than set ones: capitals,
#: the math minus, digits, spaces and narrow punctuation; others take CHAR_PT.
CHAR_PT = 4.4
_WIDE_PT, _MINUS_PT, _DIGIT_PT, _SPACE_PT, _NARROW_PT = 6.4, 6.8, 4.3, 2.9, 2.5
#: The text height of that page, less room for the caption (cm), and the estimated height of
#: one table row at \footnotesize (pt): taller tables continue in another float.
TEXT_HEIGHT_CM = 22.0
LINE_PT = 10.0
#: LaTeX's \tabcolsep (pt): the space on either side of every column.
TABCOLSEP_PT = 6.0
PT_PER_CM = 72.27 / 2.54

MINUS = "\u2212"

#: How numbers are rounded, by unit (or by a rounding name): ("fixed", decimals),
#: ("significant", digits) or ("general", 0) for values shown as given (the paper's values).
ROUNDING: dict[str, tuple[str, int]] = {
    "Mt CO2": ("fixed", 1),
    "billion USD": ("fixed", 1),
    "%": ("fixed", 1),
    "ratio": ("fixed", 2),
    "kg CO2 per USD": ("significant", 3),
    "groups": ("fixed", 0),
    "regions": ("fixed", 0),
    "count": ("fixed", 0),
    "as given": ("general", 0),
}
#: Rounding of units not in :data:`ROUNDING`.
DEFAULT_ROUNDING = ("significant", 3)
#: At most this many decimals for significant digits (a difference of 1e-12 shows as 0.0000).
MAX_DECIMALS = 4

Kind = Literal["text", "flag", "number"]


@dataclass(frozen=True)
class Column:
    """One displayed column.

    ``key``: the frame column; ``header``: the human name, complete on its own (Markdown
    shows ``header (unit)``); ``unit``: shown in the header, and the rounding of the numbers
    unless ``rounding`` names another entry of :data:`ROUNDING`; ``unit_key``: a frame column
    holding each row's unit, which then rounds that row's number; ``scale``: shown value =
    value x scale (1e-3 turns million into billion USD). LaTeX and HTML only: ``spanner``, a
    heading over consecutive columns with the same spanner (it carries the unit when all of
    them share it); ``short``: the column's own header there (under its spanner, or where
    the caption explains it); ``width_cm``: a
    paragraph column of that width; ``fill``: in long tables, a paragraph column taking the
    rest of the line; ``new_part``: LaTeX starts a new tabular at this column.
    """

    key: str
    header: str
    kind: Kind = "text"
    unit: str = ""
    rounding: str = ""
    unit_key: str = ""
    scale: float = 1.0
    spanner: str = ""
    short: str = ""
    width_cm: float | None = None
    fill: bool = False
    new_part: bool = False


@dataclass(frozen=True)
class Block:
    """Consecutive rows of formatted cells under an optional ``heading`` (a row spanning the
    table); blocks without heading are set apart by a rule (e.g. a row of totals)."""

    heading: str
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Display:
    """A table ready to typeset: its columns, its blocks of formatted rows, the number of
    leading ``stub`` columns (row labels, repeated in every LaTeX part) and whether LaTeX
    sets it as a ``longtable`` that breaks across pages (``long``)."""

    columns: tuple[Column, ...]
    blocks: tuple[Block, ...]
    stub: int = 1
    long: bool = False


def format_number(value: float | None, rounding: str) -> str:
    """``value`` rounded as :data:`ROUNDING` says for ``rounding`` (a unit or a rounding
    name), with thousands separators and a minus sign (U+2212); "" for a missing value."""
    if value is None or pd.isna(value):
        return ""
    value = float(value)
    if math.isinf(value):
        return ("" if value > 0 else MINUS) + "\u221e"
    kind, digits = ROUNDING.get(rounding, DEFAULT_ROUNDING)
    if kind == "general":
        text = f"{abs(value):,g}"
    else:
        if kind == "significant":
            exponent = math.floor(math.log10(abs(value))) if value else digits - 1
            digits = min(max(0, digits - 1 - exponent), MAX_DECIMALS)
        text = f"{abs(value):,.{digits}f}"
    negative = value < 0 and any(ch in "123456789" for ch in text)
    return MINUS + text if negative else text


def format_cell(value: object, column: Column, row_unit: str = "") -> str:
    """One cell as shown: text verbatim, flags as yes/no, numbers by :func:`format_number`
    (scaled by ``column.scale``, rounded by the row's unit when the column has a
    ``unit_key``)."""
    if column.kind == "flag":
        if isinstance(value, str):
            value = value.strip().lower() == "true"
        return "yes" if bool(value) else "no"
    if column.kind == "number":
        rounding = row_unit if column.unit_key else (column.rounding or column.unit)
        if value is None or value == "" or pd.isna(value):
            return ""
        return format_number(float(value) * column.scale, rounding)
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def display(
    columns: Sequence[Column],
    blocks: Sequence[tuple[str, pd.DataFrame]],
    stub: int = 1,
    long: bool = False,
) -> Display:
    """A :class:`Display` of ``blocks`` ((heading, frame) pairs; the frames hold the
    columns' keys), each cell formatted by :func:`format_cell`."""
    formatted = []
    for heading, frame in blocks:
        rows = []
        for record in frame.to_dict("records"):
            rows.append(
                tuple(
                    format_cell(record[c.key], c, str(record[c.unit_key]) if c.unit_key else "")
                    for c in columns
                )
            )
        formatted.append(Block(heading, tuple(rows)))
    return Display(tuple(columns), tuple(formatted), stub, long)


# --- Escaping ------------------------------------------------------------------------------

_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    # Braced, so that a cell starting with them is not read as an argument of \\.
    "[": "{[}",
    "]": "{]}",
    "*": "{*}",
    MINUS: "$-$",
    "\u221e": r"$\infty$",
    "\n": " ",
    "\r": " ",
    "\t": " ",
}
_CO2 = re.compile(r"\bCO2\b")


def latex_escape(text: str) -> str:
    """``text`` as LaTeX text: the special characters escaped, U+2212 as a math minus and
    CO2 with a subscript 2 (``CO$_2$``)."""
    escaped = "".join(_LATEX_ESCAPES.get(ch, ch) for ch in text)
    return _CO2.sub(r"CO$_2$", escaped)


_MARKDOWN_SPECIAL = set("\\|*_`[]<>~$")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def markdown_escape(text: str) -> str:
    """``text`` safe in a cell of a Markdown pipe table: pipes, backslashes and the
    characters that start emphasis, code, links, HTML, math or entities backslash-escaped,
    line breaks as spaces."""
    text = " ".join(text.split("\n"))
    escaped = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)
    return _ENTITY.sub(r"\\&", escaped)


def html_text(text: str) -> str:
    """``text`` escaped for HTML, CO2 with a subscript 2."""
    return _CO2.sub("CO<sub>2</sub>", html.escape(text, quote=True))


# --- Headers -------------------------------------------------------------------------------


def _unit_label(unit: str) -> str:
    return f"({unit})" if unit else ""


def full_header(column: Column) -> str:
    """The header of ``column`` on its own: ``header (unit)``."""
    return f"{column.header} {_unit_label(column.unit)}".strip()


def _spanners(columns: Sequence[Column]) -> list[tuple[str, int, list[Column]]]:
    """Runs of consecutive columns: (spanner text with the shared unit, first index, columns);
    columns without spanner form runs of one with an empty text."""
    runs: list[tuple[str, int, list[Column]]] = []
    for index, column in enumerate(columns):
        if runs and column.spanner and runs[-1][2][-1].spanner == column.spanner:
            runs[-1][2].append(column)
        else:
            runs.append((column.spanner, index, [column]))
    result = []
    for spanner, start, members in runs:
        units = {c.unit for c in members}
        text = spanner
        if spanner and len(units) == 1 and units != {""}:
            text = f"{spanner} {_unit_label(members[0].unit)}"
        result.append((text, start, members))
    return result


def _own_header(column: Column, spanner_has_unit: bool) -> str:
    """The header in LaTeX and HTML: the short name if any, with the unit unless the
    spanner has it."""
    name = column.short or column.header
    return name if spanner_has_unit else f"{name} {_unit_label(column.unit)}".strip()


def _layered_headers(columns: Sequence[Column]) -> tuple[list[tuple[str, int]], list[str]]:
    """The spanner row ((text, columns spanned) per run) and each column's own header."""
    spanners, headers = [], []
    for text, _start, members in _spanners(columns):
        spanners.append((text, len(members)))
        has_unit = bool(members[0].spanner) and text != members[0].spanner
        headers.extend(_own_header(c, has_unit) for c in members)
    return spanners, headers


# --- Markdown ------------------------------------------------------------------------------


def to_markdown(table: Display, caption: str) -> str:
    """The caption, a blank line and a GitHub-flavoured pipe table (full headers with units;
    block headings as bold rows)."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    align = {"text": "---", "flag": ":---:", "number": "---:"}
    lines = [
        markdown_escape(caption),
        "",
        line([markdown_escape(full_header(c)) for c in table.columns]),
        "|" + "|".join(align[c.kind] for c in table.columns) + "|",
    ]
    empty = [""] * (len(table.columns) - 1)
    for block in table.blocks:
        if block.heading:
            lines.append(line([f"**{markdown_escape(block.heading)}**", *empty]))
        lines.extend(line([markdown_escape(cell) for cell in row]) for row in block.rows)
    return "\n".join(lines) + "\n"


# --- HTML ----------------------------------------------------------------------------------


def to_html(table: Display) -> str:
    """An HTML ``<table>`` (no styles, no scripts): a spanner row where columns have
    spanners, then the headers with units; one ``<tbody>`` per block, headed by a row that
    spans the table."""
    classes = {"text": "text", "flag": "flag", "number": "num"}
    spanners, headers = _layered_headers(table.columns)
    head = []
    if any(text for text, _ in spanners):
        cells = "".join(
            f'<th colspan="{span}" class="spanner">{html_text(text)}</th>'
            if span > 1 or text
            else "<th></th>"
            for text, span in spanners
        )
        head.append(f"<tr>{cells}</tr>")
    head.append(
        "<tr>"
        + "".join(
            f'<th class="{classes[c.kind]}">{html_text(h)}</th>'
            for c, h in zip(table.columns, headers, strict=True)
        )
        + "</tr>"
    )
    body = []
    for block in table.blocks:
        rows = []
        if block.heading:
            rows.append(
                f'<tr><th colspan="{len(table.columns)}" class="block">'
                f"{html_text(block.heading)}</th></tr>"
            )
        for row in block.rows:
            cells = "".join(
                f'<{"th" if i < table.stub else "td"} class="{classes[c.kind]}">'
                f"{html_text(cell)}</{'th' if i < table.stub else 'td'}>"
                for i, (c, cell) in enumerate(zip(table.columns, row, strict=True))
            )
            rows.append(f"<tr>{cells}</tr>")
        body.append("<tbody>\n" + "\n".join(rows) + "\n</tbody>")
    return (
        '<table class="data">\n<thead>\n'
        + "\n".join(head)
        + "\n</thead>\n"
        + "\n".join(body)
        + "\n</table>\n"
    )


# --- LaTeX ---------------------------------------------------------------------------------


def _chunks(text: str) -> list[str]:
    """The pieces a header may break into: words, and hyphenated words after the hyphen."""
    return [piece for piece in re.split(r"(?<=-)|\s+", text) if piece]


def _header_lines(text: str, cells: Sequence[str], column: Column) -> list[str]:
    """A numeric or flag column's header broken into lines about as wide as its cells (at
    least eight characters)."""
    if column.kind == "text" or not text:
        return [text]
    width = max([len(cell) for cell in cells] + [len(piece) for piece in _chunks(text)] + [8])
    return textwrap.wrap(text, width=width, break_long_words=False) or [text]


def _char_pt(ch: str) -> float:
    if ch.isupper() or ch in "mwMW%&":
        return _WIDE_PT
    if ch == MINUS:
        return _MINUS_PT
    if ch.isdigit():
        return _DIGIT_PT
    if ch.isspace():
        return _SPACE_PT
    return _NARROW_PT if ch in ".,:;'!|()[]/-" else CHAR_PT


def text_width_pt(text: str) -> float:
    """Estimated width of ``text`` set at \footnotesize (pt)."""
    return sum(_char_pt(ch) for ch in text)


def _width_pt(lines: Sequence[str]) -> float:
    return max((text_width_pt(line) for line in lines), default=0.0)


def _cells(table: Display, index: int) -> list[str]:
    return [row[index] for block in table.blocks for row in block.rows]


def _column_width_pt(table: Display, index: int, header: str) -> float:
    """Estimated width of a column with its two \\tabcolsep (pt)."""
    column = table.columns[index]
    if column.width_cm is not None:
        return column.width_cm * PT_PER_CM + 2 * TABCOLSEP_PT
    cells = _cells(table, index)
    lines = [*cells, *_header_lines(header, cells, column)]
    return _width_pt(lines) + 2 * TABCOLSEP_PT


def _parts(table: Display) -> list[list[int]]:
    """The body columns of each tabular: spanner runs kept together, a new tabular where a
    column asks for it or where the next run would overflow :data:`TEXT_WIDTH_CM`; a run too
    wide on its own is cut column by column."""
    _, headers = _layered_headers(table.columns)
    widths = [_column_width_pt(table, i, h) for i, h in enumerate(headers)]
    budget = TEXT_WIDTH_CM * PT_PER_CM - sum(widths[: table.stub])
    runs: list[list[int]] = []
    for text, start, members in _spanners(table.columns):
        indices = [i for i in range(start, start + len(members)) if i >= table.stub]
        if not indices:
            continue
        run_width = max(sum(widths[i] for i in indices), _width_pt([text]) + 2 * TABCOLSEP_PT)
        runs.extend([indices] if run_width <= budget else [[i] for i in indices])
    parts: list[list[int]] = [[]]
    used = 0.0
    for run in runs:
        width = sum(widths[i] for i in run)
        if parts[-1] and (table.columns[run[0]].new_part or used + width > budget):
            parts.append([])
            used = 0.0
        parts[-1].extend(run)
        used += width
    return parts


def _column_spec(table: Display, indices: Sequence[int], widths: dict[int, str]) -> str:
    """The tabular preamble: natural ``l``/``c``/``r`` columns, or paragraph columns of the
    given ``widths`` (LaTeX dimensions, by column index), flush left or, for numbers,
    flush right; no space outside the first and last column."""
    specs = []
    for i in indices:
        column = table.columns[i]
        if i in widths:
            ragged = {"text": r"\raggedright", "flag": r"\centering", "number": r"\raggedleft"}
            specs.append(rf">{{{ragged[column.kind]}\arraybackslash}}p{{{widths[i]}}}")
        else:
            specs.append({"text": "l", "flag": "c", "number": "r"}[column.kind])
    return "@{}" + "".join(specs) + "@{}"


def _stacked(lines: Sequence[str], align: str) -> str:
    """Header lines stacked in one cell (a nested tabular, bottom-aligned)."""
    escaped = [latex_escape(line) for line in lines]
    if len(escaped) == 1:
        return escaped[0]
    return rf"\begin{{tabular}}[b]{{@{{}}{align}@{{}}}}" + r"\\".join(escaped) + r"\end{tabular}"


def _latex_header(table: Display, indices: Sequence[int]) -> list[str]:
    """The header rows of one tabular: spanners with \\cmidrule, then the column headers."""
    columns = [table.columns[i] for i in indices]
    spanners, headers = _layered_headers(columns)
    rows = []
    if any(text for text, _ in spanners):
        cells, rules, position = [], [], 1
        for text, span in spanners:
            if text:
                cells.append(rf"\multicolumn{{{span}}}{{c}}{{{latex_escape(text)}}}")
                rules.append(rf"\cmidrule(lr){{{position}-{position + span - 1}}}")
            else:
                cells.extend([""] * span)
            position += span
        rows.append(" & ".join(cells) + r" \\")
        rows.append(" ".join(rules))
    cells = []
    for i, column, header in zip(indices, columns, headers, strict=True):
        if column.width_cm is not None or column.fill:
            cells.append(latex_escape(header))
        else:
            align = {"text": "l", "flag": "c", "number": "r"}[column.kind]
            cells.append(_stacked(_header_lines(header, _cells(table, i), column), align))
    rows.append(" & ".join(cells) + r" \\")
    return rows


def _latex_body(table: Display, indices: Sequence[int]) -> list[str]:
    """The rows of one tabular: blocks with headings spanning it, bare blocks after a rule."""
    lines = []
    for number, block in enumerate(table.blocks):
        if block.heading:
            if number:
                lines.append(r"\addlinespace")
            # In a long table the heading spans the line and stays with the row below it.
            width, end = (r"p{\linewidth}", r"\\*") if table.long else ("l", r"\\")
            lines.append(
                rf"\multicolumn{{{len(indices)}}}{{@{{}}{width}@{{}}}}"
                rf"{{\textit{{{latex_escape(block.heading)}}}}} {end}"
            )
        elif number:
            lines.append(r"\midrule")
        lines.extend(
            " & ".join(latex_escape(row[i]) for i in indices) + r" \\" for row in block.rows
        )
    return lines


def _height_pt(table: Display, indices: Sequence[int]) -> float:
    """Estimated height of one tabular (pt): its rows, header lines and rules."""
    header = _latex_header(table, indices)
    lines = sum(row.count(r"\\") for row in header)
    rows = sum(len(block.rows) + bool(block.heading) for block in table.blocks)
    return (rows + lines + 2) * LINE_PT + 4 * LINE_PT


def to_latex(table: Display, caption: str, label: str) -> str:
    """A booktabs table in 8 pt (``\\footnotesize``), caption above, ``label`` for
    references: a ``longtable`` when ``table.long``, otherwise one or more tabulars (each at
    most :data:`TEXT_WIDTH_CM` wide by estimate, the stub repeated) in a ``table`` float, or
    in several floats when they would not fit on one page (:data:`TEXT_HEIGHT_CM`), the
    later ones headed "Table n (continued)"."""
    if table.long:
        return _longtable(table, caption, label)
    stub = list(range(table.stub))
    paragraphs = {
        i: f"{column.width_cm:g}cm"
        for i, column in enumerate(table.columns)
        if column.width_cm is not None
    }
    floats: list[list[list[int]]] = [[]]
    used = 0.0
    for part in _parts(table):
        height = _height_pt(table, stub + part)
        if floats[-1] and used + height > TEXT_HEIGHT_CM * PT_PER_CM:
            floats.append([])
            used = 0.0
        floats[-1].append(stub + part)
        used += height
    lines = []
    for number, parts in enumerate(floats):
        lines += [r"\begin{table}[htbp]", r"\centering"]
        if number:
            lines.append(rf"\textit{{Table~\ref{{{label}}} (continued)}}\par\medskip")
        else:
            lines += [rf"\caption{{{latex_escape(caption)}}}", rf"\label{{{label}}}"]
        lines.append(r"\footnotesize")
        for count, indices in enumerate(parts):
            if count:
                lines.append(r"\par\bigskip")
            lines += [
                rf"\begin{{tabular}}{{{_column_spec(table, indices, paragraphs)}}}",
                r"\toprule",
                *_latex_header(table, indices),
                r"\midrule",
                *_latex_body(table, indices),
                r"\bottomrule",
                r"\end{tabular}",
            ]
        lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def _longtable(table: Display, caption: str, label: str) -> str:
    """A ``longtable`` exactly as wide as the line, so that block headings span it: every
    column a paragraph column, of its ``width_cm`` or its estimated width, and the ``fill``
    column takes what the others leave; the header repeats on every page."""
    indices = list(range(len(table.columns)))
    _, headers = _layered_headers(table.columns)
    widths: dict[int, str] = {}
    others = 0.0
    for i, (column, header) in enumerate(zip(table.columns, headers, strict=True)):
        if column.fill:
            continue
        width = _column_width_pt(table, i, header)
        others += width
        widths[i] = (
            f"{column.width_cm:g}cm"
            if column.width_cm is not None
            else f"{width - 2 * TABCOLSEP_PT:.1f}pt"
        )
    # The fill column's own two \tabcolsep and the two left out at the edges cancel.
    widths.update(
        {i: rf"\dimexpr\linewidth-{others:.1f}pt\relax" for i in indices if i not in widths}
    )
    header = _latex_header(table, indices)
    count = len(indices)
    lines = [
        r"\begingroup",
        r"\footnotesize",
        r"\setlength{\LTcapwidth}{\linewidth}",
        rf"\begin{{longtable}}{{{_column_spec(table, indices, widths)}}}",
        rf"\caption{{{latex_escape(caption)}}}\label{{{label}}} \\",
        r"\toprule",
        *header,
        r"\midrule",
        r"\endfirsthead",
        r"\caption[]{(continued)} \\",
        r"\toprule",
        *header,
        r"\midrule",
        r"\endhead",
        r"\midrule",
        rf"\multicolumn{{{count}}}{{r@{{}}}}{{\textit{{continued on the next page}}}} \\",
        r"\endfoot",
        r"\bottomrule",
        r"\endlastfoot",
        *_latex_body(table, indices),
        r"\end{longtable}",
        r"\endgroup",
    ]
    return "\n".join(lines) + "\n"
