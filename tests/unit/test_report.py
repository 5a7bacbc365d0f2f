"""The HTML report's parts on small hand-made inputs (the report of the tiny run:
tests/workflow/test_report.py)."""

from __future__ import annotations

import ast
import re

import pandas as pd
import pytest

from bri_carbon.core import compare
from bri_carbon.outputs import captions, report, tables, typeset
from bri_carbon.results import store
from bri_carbon.runtime.errors import WorkflowInputError

from ..support.workflow import REPO

#: The smallest PNG: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def _names(constant: str) -> tuple[str, ...]:
    """The tuple assigned to ``constant`` in rules/common/targets.smk."""
    tree = ast.parse((REPO / "rules" / "common" / "targets.smk").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == constant:
            return tuple(ast.literal_eval(node.value))
    raise AssertionError(f"{constant} is not assigned in rules/common/targets.smk")


def test_every_figure_and_table_has_a_title_and_caption():
    fields = {
        "source": "eora26",
        "year": 2015,
        "driver_groups": "A + B",
        "developed_groups": "A, B, C",
        "data": captions.data_note("eora26", False),
        **{field: "words" for field in captions.PAPER_FIELDS},
    }
    for name in _names("FIGURES"):
        title, caption = captions.FIGURES[name]
        assert title and "Data: the configured MRIO table (eora26)." in captions.fill(
            caption, fields
        )
    for name in _names("TABLES"):
        assert name in tables.TABLE_TITLES and name in tables.DISPLAYS
        assert captions.fill(captions.TABLES[name], fields).endswith("(eora26).")
    assert "not real emissions" in captions.data_note("synthetic", True)


def _headline() -> pd.DataFrame:
    higher = "Acta Geogr. Sin.: \u201chigher\u201d"
    share = "J. Geogr. Sci.: \u201cmore than 95%\u201d"
    rows = [
        ("a", "intensity_ratio", "group", "East Asia", 0.98, "ratio", None, "", higher),
        ("b", "positive_net_export_share", "group_pair", "BRI", 85.03, "%", 95.0, "> 95%", share),
        ("b", "positive_net_export_share", "region", "BRI", 85.29, "%", 95.0, "> 95%", share),
        ("a", "intensity_ratio", "block", "BRI", 1.0512, "ratio", None, "", higher),
    ]
    columns = ["finding", "statistic", "level", "subject", "value", "unit", "paper_value"]
    return pd.DataFrame(rows, columns=[*columns, "paper_wording", "paper_statement"])


def test_key_readings_keep_their_order_and_skip_what_is_missing():
    keys = report.key_readings(_headline())
    assert list(zip(keys["statistic"], keys["level"], strict=True)) == [
        ("intensity_ratio", "block"),
        ("positive_net_export_share", "region"),
        ("positive_net_export_share", "group_pair"),
    ]
    shown = report.headline_summary(_headline())
    # The abstracts' words are quoted with their journal; nothing else is in quotes.
    assert [block.heading for block in shown.blocks] == [
        "(a) Acta Geogr. Sin.: \u201chigher\u201d",
        "(b) J. Geogr. Sci.: \u201cmore than 95%\u201d",
    ]
    assert shown.blocks[1].rows[0][2:] == ("85.3", "%", "> 95%")


def test_captions_take_the_papers_words_from_the_headline():
    fields = captions.paper_fields(_headline())
    assert fields["paper_b"] == "> 95%"
    assert fields["paper_a"] == "Acta Geogr. Sin.: \u201chigher\u201d"
    assert fields["paper_c"] == captions.NO_PAPER_WORDS
    # No caption states a value or a wording of the abstracts itself.
    texts = [caption for _title, caption in captions.FIGURES.values()]
    texts += [*captions.TABLES.values(), captions.HEADLINE, captions.TRENDS[1]]
    for text in texts:
        assert "95" not in text and "30%" not in text and "about 30" not in text


def test_trends_show_one_column_per_year():
    series = pd.concat(
        [_headline().assign(year=2014), _headline().assign(year=2015, value=lambda f: -f.value)]
    )
    shown = report.trends_display(series)
    headers = [column.header for column in shown.columns]
    assert headers == ["Reading", "Subject", "2014", "2015", "Unit", "Paper (abstract)"]
    first = shown.blocks[0].rows[0]
    assert first[:4] == (
        "production / consumption intensity, combined",
        "BRI",
        "1.05",
        "\u22121.05",
    )


def _page(tmp_path, name: str = "East <Asia> & co") -> str:
    figure = tmp_path / "figure.png"
    figure.write_bytes(PIXEL)
    columns = [typeset.Column("group", "Group"), typeset.Column("v", "CO2", "number", "Mt CO2")]
    table = typeset.to_html(
        typeset.display(columns, [("", pd.DataFrame({"group": [name], "v": [-1.0]}))])
    )
    item_figure = report.Item(
        "f-2015", "A figure of CO2", f"Caption of {name}", report.png_data_uri(figure)
    )
    item_table = report.Item("t-2015", "A table", "Caption of the table", table=table)
    page = report.Report(
        source="synthetic",
        synthetic=True,
        years=(2015,),
        introduction="Intro with CO2",
        headline_intro="Headline intro",
        headline=((2015, table),),
        sections=(report.Section("year-2015", "Results 2015", (item_figure, item_table)),),
        provenance_intro="Provenance intro",
        provenance=(
            report.Provenance(2015, "v1", "CC BY", "abc123", True, "snakemake", (("a", "b", "c"),)),
        ),
        config="regions: config/regions.csv\n",
    )
    return report.render(page)


def test_the_page_is_self_contained_and_escapes_names(tmp_path):
    html = _page(tmp_path)
    assert "East &lt;Asia&gt; &amp; co" in html and "<Asia>" not in html
    assert html.count("data:image/png;base64,") == 1
    assert "Caption of East &lt;Asia&gt; &amp; co" in html
    assert "CO<sub>2</sub>" in html and "Synthetic data" in html
    assert "\u22121.0" in html and "(with uncommitted changes)" in html
    # Nothing is fetched and nothing runs: no scripts, no external links or sources.
    assert not re.search(r"<script|<link|<iframe|src=\"(?!data:)|url\(", html)


def test_warnings_of_the_diagnostics_stand_in_a_banner_and_the_robustness_figure_leads(
    tmp_path,
):
    figure = tmp_path / "robustness.png"
    figure.write_bytes(PIXEL)
    table = tmp_path / "headline.csv"
    pd.DataFrame(
        [("b", "positive_net_export_share", "region", "BRI", 62.3, "%", 95.0, "words", "s", "d")],
        columns=[
            "finding",
            "statistic",
            "level",
            "subject",
            "value",
            "unit",
            "paper_value",
            "paper_wording",
            "paper_statement",
            "definition",
        ],
    ).to_csv(table, index=False)
    diagnostics = tmp_path / "diagnostics.json"
    diagnostics.write_text(
        '{"plausibility_warnings": [{"message": "world fossil CO2 of 2015 is 33,000,000 Mt"}],'
        ' "world_intensity": {"ratio": 1.14, "warning": "ratio 1.14, not 1"}}'
    )
    provenance = tmp_path / "provenance.json"
    provenance.write_text('{"year": 2015}')
    inputs = report.Inputs(
        years=(2015,),
        figures={2015: {"robustness": figure}},
        tables={2015: {}},
        headline={2015: table},
        provenance={2015: provenance},
        diagnostics={2015: diagnostics},
    )
    page = report.build(inputs, "eora26", False, ["USA"], ["USA"])
    html = report.render(page)
    banner = re.search(r'<div class="synthetic" role="alert">(.*?)</div>', html, re.S).group(1)
    assert "2015: world fossil CO<sub>2</sub> of 2015 is 33,000,000 Mt" in banner
    assert "2015: intensity basis: ratio 1.14, not 1" in banner
    section = re.search(r'<section id="headline">(.*?)</section>', html, re.S).group(1)
    assert 'id="robustness-2015"' in section and "Robustness of the readings" in section
    assert page.sections[0].items == ()


def test_a_file_that_is_not_a_png_is_refused(tmp_path):
    fake = tmp_path / "figure.png"
    fake.write_text("not an image")
    with pytest.raises(WorkflowInputError, match="not a PNG"):
        report.png_data_uri(fake)


def test_provenance_summary_lists_the_files():
    record = {
        "year": 2015,
        "dataset": {"version": "v1", "license": "CC BY"},
        "git": {"commit": "abc", "dirty": False},
        "command_line": "snakemake --cores 2",
        "raw_inputs": [{"path": "r.zip", "bytes": 12345, "sha256": "ff"}],
        "configured_files": {"regions": {"path": "config/regions.csv", "sha256": "ee"}},
        "config": {"years": [2015], "source": "synthetic"},
    }
    summary = report.provenance_summary(record)
    assert summary.files == (
        ("r.zip", "12,345 bytes", "ff"),
        ("config/regions.csv", "config key regions", "ee"),
    )
    assert summary.commit == "abc" and summary.dataset == "v1"
    assert report.config_text(record).startswith("years:\n- 2015\nsource: synthetic\n")


def test_the_findings_across_databases_are_shown_side_by_side(tmp_path):
    accounts = pd.DataFrame(
        {
            "bri": [True, False],
            "production_mt": [10.0, 20.0],
            "consumption_mt": [8.0, 22.0],
            "net_export_mt": [2.0, -2.0],
            "primary_inputs_musd": [1000.0, 3000.0],
            "final_demand_musd": [900.0, 3100.0],
            "production_intensity_kg_per_usd": [0.01, 0.0067],
            "consumption_intensity_kg_per_usd": [0.0089, 0.0071],
        },
        index=pd.Index(["East | Asia", "USA"], name="group"),
    )
    names = ("eora26", "exiobase3", "exiobase3@3.8.2")
    frames = dict(zip(names, (accounts, accounts * 1.1, accounts * 0.5), strict=True))
    for frame in frames.values():
        frame["bri"] = accounts["bri"]
    path = tmp_path / "group_accounts.csv"
    store.write_csv(compare.side_by_side(frames), path)
    readings = tmp_path / "headline.csv"
    headlines = {
        name: _headline().assign(value=_headline()["value"] * k)
        for name, k in zip(names, (1.0, 2.0, 3.0), strict=True)
    }
    store.write_csv(compare.headline_differences(headlines), readings, index=False)
    inputs = report.Inputs(
        years=(),
        figures={},
        tables={},
        headline={},
        provenance={},
        compared=names,
        comparison={2015: path},
        comparison_headline={2015: readings},
        compared_labels=("eora26", "exiobase3 3.9.6", "exiobase3 3.8.2"),
    )
    page = report.build(inputs, "eora26", False, ["USA"], ["USA"])
    assert [section.anchor for section in page.sections] == ["comparison"]
    items = page.sections[0].items
    assert [item.anchor for item in items] == ["comparison-readings-2015", "comparison-2015"]
    html = report.render(page)
    assert "The findings by database, 2015" in html and "Group accounts by database, 2015" in html
    assert 'class="spanner">Production-based<' in html
    assert ">exiobase3 3.8.2 (Mt CO<sub>2</sub>)<" in html
    # The key readings, one column per database: 85.29 % in eora26, twice and three times it.
    assert ">85.3<" in html and ">170.6<" in html and ">255.9<" in html
    assert ">exiobase3 3.9.6 vs eora26 (%)<" in html and ">10.0<" in html
    assert "East | Asia" in html and ">11.0<" in html and ">5.0<" in html


@pytest.mark.parametrize("width_mm", [85.0, 175.0])
def test_figures_are_shown_at_their_printed_width_and_open_at_full_size(tmp_path, width_mm):
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(width_mm / 25.4, 1.0))
    path = tmp_path / "figure.png"
    figure.savefig(path, dpi=300)
    plt.close(figure)
    uri = report.png_data_uri(path)
    assert report.printed_width_mm(uri) == pytest.approx(width_mm, abs=0.2)
    # Without a pHYs chunk the figures' own 300 dpi is assumed: one pixel is 1/300 inch.
    pixel = report.png_data_uri(_pixel(tmp_path))
    assert report.printed_width_mm(pixel) == pytest.approx(25.4 / 300)
    html = _page(tmp_path)
    assert re.search(r'<img src="data:[^"]+" alt="A figure of CO2" style="width: 0\.1mm">', html)
    assert '<figure id="f-2015-full">' in html and 'href="#f-2015-full"' in html
    assert '<a class="close" href="#f-2015">' in html
    assert '<a href="explorer.html">Open the flow explorer</a>' in html


def _pixel(tmp_path):
    path = tmp_path / "pixel.png"
    path.write_bytes(PIXEL)
    return path
