"""Rounding, minus signs and escaping of the displayed tables (bri_carbon.outputs.typeset)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from bri_carbon.outputs import typeset
from bri_carbon.outputs.typeset import Column

#: Names as users may write them in config/regions.csv.
HOSTILE = [r"A^B ~C", r"{braces}", "back\\slash", "pipe|bar", "R&D 100%", "snake_case #1"]
HOSTILE += ["$money$", "<tag>", "[bracket] *star*", "`code`", "&amp; entity"]


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (7052.714, "Mt CO2", "7,052.7"),
        (-86.78, "Mt CO2", "\u221286.8"),
        (-0.04, "Mt CO2", "0.0"),
        (14674.86746, "billion USD", "14,674.9"),
        (85.2912, "%", "85.3"),
        (0.98789, "ratio", "0.99"),
        (0.480614, "kg CO2 per USD", "0.481"),
        (1.23456, "kg CO2 per USD", "1.23"),
        (-0.00588926, "kg CO2 per USD", "\u22120.0059"),
        (1.44e-12, "kg CO2 per USD", "0.0000"),
        (0.0, "kg CO2 per USD", "0"),
        (3.0, "groups", "3"),
        (95.0, "as given", "95"),
        (12345.678, "unknown unit", "12,346"),
        (float("nan"), "Mt CO2", ""),
        (None, "Mt CO2", ""),
        (-math.inf, "ratio", "\u2212\u221e"),
    ],
)
def test_numbers_are_rounded_by_unit_with_a_true_minus(value, unit, shown):
    assert typeset.format_number(value, unit) == shown


def test_cells_scale_flag_and_take_the_unit_of_their_row():
    money = Column("v", "Value added", "number", "billion USD", scale=1e-3)
    assert typeset.format_cell(14674867.46, money) == "14,674.9"
    flag = Column("bri", "BRI", "flag")
    assert [typeset.format_cell(v, flag) for v in (True, False, "true", "FALSE")] == [
        "yes",
        "no",
        "yes",
        "no",
    ]
    by_row = Column("value", "Value", "number", unit_key="unit")
    assert typeset.format_cell(0.0123456, by_row, "kg CO2 per USD") == "0.0123"
    assert typeset.format_cell(0.0123456, by_row, "%") == "0.0"


@pytest.mark.parametrize("name", HOSTILE)
def test_latex_escape_leaves_no_special_character_bare(name):
    escaped = typeset.latex_escape(name)
    # Remove the escapes; what is left must hold none of LaTeX's special characters.
    bare = re.sub(
        r"\\text(backslash|asciitilde|asciicircum|less|greater|bar)\{\}|\\[&%$#_{}]|\{[\[\]*]\}",
        "",
        escaped,
    )
    assert not set(bare) & set("\\&%$#_{}~^<>|[]*"), (name, escaped)


def test_latex_escape_examples():
    assert typeset.latex_escape("a^b~c") == r"a\textasciicircum{}b\textasciitilde{}c"
    assert typeset.latex_escape("x\\y") == r"x\textbackslash{}y"
    assert typeset.latex_escape("{g}|h") == r"\{g\}\textbar{}h"
    assert typeset.latex_escape("> 95% & <") == r"\textgreater{} 95\% \& \textless{}"
    assert typeset.latex_escape("\u221212.5 Mt CO2") == "$-$12.5 Mt CO$_2$"
    assert typeset.latex_escape("CO2e and CO20") == "CO2e and CO20"


def _cells_of(line: str) -> list[str]:
    """The cells of a Markdown pipe-table row, split on pipes not escaped by a backslash."""
    return re.split(r"(?<!\\)\|", line.strip())[1:-1]


def test_markdown_escape_keeps_one_cell_per_name():
    columns = [Column("name", "Name | label"), Column("v", "Value", "number", "Mt CO2")]
    frame = pd.DataFrame({"name": HOSTILE, "v": [-1.25] * len(HOSTILE)})
    markdown = typeset.to_markdown(typeset.display(columns, [("", frame)]), "Caption_with | pipe")
    lines = markdown.splitlines()
    assert lines[0] == r"Caption\_with \| pipe"
    assert lines[2] == r"| Name \| label | Value (Mt CO2) |"
    rows = lines[4:]
    assert len(rows) == len(HOSTILE)
    for row in rows:
        assert len(_cells_of(row)) == 2, row
        assert row.endswith("| \u22121.2 |") or row.endswith("| \u22121.3 |")
    assert r"back\\slash" in markdown and r"\&amp; entity" in markdown
    assert r"\[bracket\] \*star\*" in markdown and r"\$money\$" in markdown


def test_markdown_turns_line_breaks_into_spaces():
    assert typeset.markdown_escape("two\nlines") == "two lines"


def test_html_is_escaped_with_co2_subscript():
    columns = [Column("name", "Group"), Column("v", "Production-based", "number", "Mt CO2")]
    frame = pd.DataFrame({"name": ["<script>alert(1)</script> & co"], "v": [-3.0]})
    shown = typeset.display(columns, [('Heading "quoted"', frame)])
    page = typeset.to_html(shown)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Production-based (Mt CO<sub>2</sub>)" in page
    assert "\u22123.0" in page and "&quot;quoted&quot;" in page
    assert '<th colspan="2" class="block">' in page


def test_spanners_carry_a_shared_unit():
    columns = [
        Column("g", "Group"),
        Column("p", "Production-based", "number", "Mt CO2", spanner="Emissions"),
        Column("c", "Consumption-based", "number", "Mt CO2", spanner="Emissions"),
        Column("r", "Ratio of both", "number", rounding="ratio"),
    ]
    spanners, headers = typeset._layered_headers(columns)
    assert spanners == [("", 1), ("Emissions (Mt CO2)", 2), ("", 1)]
    assert headers == ["Group", "Production-based", "Consumption-based", "Ratio of both"]
    assert [typeset.full_header(c) for c in columns][1] == "Production-based (Mt CO2)"
