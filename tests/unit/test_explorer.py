"""The flow explorer's parts on data generated in code (the page in a real browser:
tests/workflow/test_explorer.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import pytest

from bri_carbon.outputs import explorer, explorer_map, geography, gis, typeset
from bri_carbon.outputs.tables import ACCOUNT_COLUMNS
from bri_carbon.runtime.errors import WorkflowInputError

from ..support import explorer as made_up
from ..support.workflow import REPO

#: The largest page the explorer may write for Eora26's 189 regions and 27 years (bytes).
SIZE_LIMIT = 10_000_000


@pytest.fixture(scope="module")
def shapes() -> explorer_map.MapShapes:
    boundaries = geography.read_boundaries(
        REPO / "data/naturalearth_lowres/naturalearth_lowres.shp",
        gis.read_iso3_fixes(REPO / "data/naturalearth_iso3_fixes.csv"),
    )
    return explorer_map.map_shapes(boundaries)


def _data_of(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S
    )
    assert match, "the page holds no data element"
    return json.loads(match.group(1))


def test_the_page_for_189_regions_and_27_years_stays_under_10_mb(shapes):
    """Eora26's size: 189 regions, 1990-2016, 150 headline readings a year."""
    regions = made_up.grouping(189)
    years = made_up.many_years(regions, range(1990, 2017))
    data = explorer.explorer_data(years, shapes, "eora26", synthetic=False)
    page = explorer.render(data, shapes)
    size = len(page.encode("utf-8"))
    assert size < SIZE_LIMIT, f"the explorer of 189 regions x 27 years takes {size:,} bytes"
    embedded = _data_of(page)
    assert embedded["meta"]["years"] == [str(year) for year in range(1990, 2017)]
    assert len(embedded["regions"]["codes"]) == 189
    for year in embedded["meta"]["years"]:
        cells = embedded["years"][year]["regions"]["production_mt"]
        assert len(cells) == 189 and all(cells)


def test_account_cells_are_rounded_as_the_tables_show_them():
    accounts = made_up.year_tables(made_up.grouping(12), 2015).accounts
    shown = explorer.with_ratio(accounts)
    order = [*reversed(accounts.index), "XXX"]
    cells = explorer.shown_cells(shown, order)
    assert list(cells) == [key for key in ACCOUNT_COLUMNS if key in shown.columns]
    assert "primary_inputs_musd" in cells  # a column the workflow writes is shown
    for key, column in ACCOUNT_COLUMNS.items():
        for code, text in zip(order, cells[key], strict=True):
            if code == "XXX":
                assert text == ""
            else:
                assert text == typeset.format_cell(shown.loc[code, key], column)
    ratio = shown[explorer.RATIO]
    expected = (
        accounts["production_intensity_kg_per_usd"] / accounts["consumption_intensity_kg_per_usd"]
    )
    np.testing.assert_allclose(ratio, expected)


def test_flow_lists_give_domestic_partners_rest_and_shares():
    codes = ["A", "B", "C", "D"]
    matrix = pd.DataFrame(
        [
            [10.0, 5.0, 3.0, 0.01],
            [1.0, 20.0, 0.0, 2.0],
            [4.0, 0.0, 30.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
        ],
        index=codes,
        columns=codes,
    )
    lists = explorer.flow_lists(matrix, codes, top=1)
    out, into = lists["out"], lists["in"]
    # Out of A: 18.01 in all, 10 at home, B the largest partner; C and D (0.01) the rest.
    assert out["total"][0] == "18.0" and out["domestic"][0] == "10.0"
    assert out["domestic_share"][0] == typeset.format_number(10 / 18.01 * 100, "%")
    assert out["partners"][0] == [1] and out["mt"][0] == ["5.0"]
    assert out["share"][0] == [typeset.format_number(5 / 18.01 * 100, "%")]
    assert out["other"][0] == "3.0" and out["others"][0] == 2
    # Into A (column A): B and C drive nothing there, they emit for A: C (4) first.
    assert into["total"][0] == "15.0" and into["partners"][0] == [2]
    # A flow shown as 0.0 is not listed; a region without flows has empty shares.
    everything = explorer.flow_lists(matrix, codes, top=3)["out"]
    assert everything["partners"][0] == [1, 2]
    assert everything["other"][0] == "0.0" and everything["others"][0] == 1
    assert everything["partners"][3] == [] and everything["domestic_share"][3] == ""
    assert everything["total_share"][0] == "100.0" and everything["total_share"][3] == ""
    # Codes missing from the matrix count as zero.
    assert explorer.flow_lists(matrix, ["A", "Z"], top=3)["out"]["total"][1] == "0.0"


def test_colour_scales_follow_the_report_maps():
    values = np.array([0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, np.nan])
    low, high = explorer.scale_limits("intensity", values)
    finite = values[np.isfinite(values)]
    assert (low, high) == pytest.approx(tuple(np.percentile(finite, [2, 98])))
    ratio_low, ratio_high = explorer.scale_limits("ratio", values)
    assert ratio_low * ratio_high == pytest.approx(1.0)
    net_low, net_high = explorer.scale_limits("net", np.array([-300.0, 10.0, 100.0]))
    assert net_low == -net_high and net_high > 100
    scale = explorer.colour_scale("intensity", values)
    assert scale["kind"] == "log" and len(scale["stops"]) == explorer.SCALE_STOPS
    positions = [position for position, _ in scale["ticks"]]
    assert positions == sorted(positions) and positions[0] >= 0 and positions[-1] <= 1
    assert [label for _, label in scale["ticks"]][:2] == ["0.1", "0.2"]
    net = explorer.colour_scale("net", np.array([-3000.0, 2500.0]))
    assert net["ticks"][0][1].startswith(typeset.MINUS) and [0.5, "0"] in net["ticks"]
    assert net["ticks"][-1][1] == "1,500" and explorer._label(-0.25) == "\u22120.25"


def test_json_in_the_page_cannot_end_its_script():
    text = explorer.json_for_html({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(str(text)) == {"name": "</script><script>alert(1)</script> & <!--"}


def test_ring_paths_are_relative_integer_moves_in_map_units():
    ring = np.array([[0.0, 0.0], [100_000.0, 0.0], [100_000.0, 50_000.0], [0.0, 0.0]])
    assert explorer_map.ring_path(ring) == "M0 0l10 0 0 -5z"
    # Points that round onto the previous one are dropped; a ring of two points is none.
    assert explorer_map.ring_path(np.array([[0, 0], [1_000, 0], [2_000, 0], [0, 0]])) == ""


def _absolute_points(path: str) -> list[tuple[int, int]]:
    """The absolute points of path data written by explorer_map.ring_path."""
    points = []
    for ring in re.findall(r"M(-?\d+) (-?\d+)l([-\d ]*)z", path):
        x, y = int(ring[0]), int(ring[1])
        points.append((x, y))
        steps = [int(v) for v in ring[2].split()]
        for dx, dy in zip(steps[::2], steps[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
    return points


def test_the_map_is_equal_earth_without_antarctica(shapes):
    assert "ATA" not in shapes.paths and {"CHN", "USA", "BRA", "AUS"} <= set(shapes.paths)
    left, top, width, height = shapes.view_box
    to_map = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:8857", always_xy=True)
    # Beijing lies inside China's outline, projected and in map units (y down).
    x, y = to_map.transform(116.4, 39.9)
    beijing = (x / explorer_map.UNIT_M, -y / explorer_map.UNIT_M)
    points = _absolute_points(shapes.paths["CHN"])
    xs, ys = zip(*points, strict=True)
    assert min(xs) < beijing[0] < max(xs) and min(ys) < beijing[1] < max(ys)
    for code, (ax, ay) in shapes.anchors.items():
        assert left <= ax <= left + width and top <= ay <= top + height, code
    # China's anchor is in China, the United States' in the contiguous states.
    cx, cy = shapes.anchors["CHN"]
    assert min(xs) < cx < max(xs) and min(ys) < cy < max(ys)
    usa_lon, usa_lat = pyproj.Transformer.from_crs(
        "EPSG:8857", "EPSG:4326", always_xy=True
    ).transform(
        *(v * explorer_map.UNIT_M for v in (shapes.anchors["USA"][0], -shapes.anchors["USA"][1]))
    )
    assert -125 < usa_lon < -67 and 25 < usa_lat < 49
    total = explorer_map.path_bytes(shapes)
    assert total < 100_000, f"the map takes {total:,} bytes"


def test_group_anchors_take_the_largest_member(shapes):
    members = {"Big": ["LUX", "CHN"], "Nowhere": ["SGP"]}
    assert explorer_map.group_anchors(shapes, members) == {"Big": shapes.anchors["CHN"]}


def test_the_page_is_self_contained_and_shows_every_reading(shapes):
    regions = made_up.grouping(20)
    years = made_up.many_years(regions, [2014, 2015])
    data = explorer.explorer_data(years, shapes, "synthetic", synthetic=True, run_name="trial")
    page = explorer.render(data, shapes)
    assert "default-src 'none'" in page
    assert not re.search(r"<link|<iframe|<img|\bsrc=|url\(|@import|https?://(?!www\.w3\.org)", page)
    assert "Synthetic data" in page and "synthetic world, seed" not in page
    assert "made-up results for the explorer" in page and "trial" in page
    assert (Path(explorer.__file__).parent / "explorer.js").read_text() in page
    embedded = _data_of(page)
    headline = years[2015].headline
    shown = embedded["years"]["2015"]["headline"]
    for subject, value, unit in zip(
        headline["subject"], headline["value"], headline["unit"], strict=True
    ):
        assert f">{subject}<" in shown
        assert f">{typeset.format_number(value, unit)}<" in shown
    assert ">more than 95% (J. Geogr. Sci.)<" in shown  # the paper's words for the value
    blocks = embedded["years"]["2014"]["blocks"]
    for block, co2 in zip(
        years[2014].bri_blocks["block"], years[2014].bri_blocks["co2_mt"], strict=True
    ):
        assert f">{block}<" in blocks and f">{typeset.format_number(co2, 'Mt CO2')}<" in blocks
    # Regions of the data without a polygon are named under the map.
    assert "Hong Kong (HKG)" in page.split('id="not-on-map"')[1].split("</details>")[0]


def test_an_unreadable_result_names_its_file(tmp_path):
    tables = made_up.year_tables(made_up.grouping(5), 2015)
    files = explorer.YearFiles(
        **{name: tmp_path / f"{name}.csv" for name in explorer.YearFiles.__annotations__}
    )
    tables.accounts.rename_axis("region").to_csv(files.accounts)
    with pytest.raises(WorkflowInputError, match=r"bri_blocks\.csv.*findings rule"):
        explorer.read_year(files)
    tables.bri_blocks.to_csv(files.bri_blocks, index=False)
    files.provenance.write_text("{not json")
    with pytest.raises(WorkflowInputError, match=r"provenance\.csv.*provenance rule"):
        explorer.read_year(files)
