"""Input files that are wrong in ways real users meet: each stops with one paragraph naming the
file and the fix, never a traceback from inside pandas or pymrio."""

from __future__ import annotations

from pathlib import Path

import pytest

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import config_tables, eora26_reader
from bri_carbon.sources import eora26_layout as layout

from ..support.fixtures import eora26_world, rewrite_member, write_eora26

YEAR = 2015
REGIONS_TEXT = "iso3,name,bri,group\nCHN,China,true,East Asia\nCIV,Côte d'Ivoire,false,Rest\n"


@pytest.mark.parametrize(
    ("encoding", "message"),
    [("latin-1", "is not UTF-8 text"), ("utf-16", "is not UTF-8 text")],
)
def test_a_grouping_file_in_another_encoding_is_named(tmp_path, encoding, message):
    path = tmp_path / "regions.csv"
    path.write_bytes(REGIONS_TEXT.encode(encoding))
    with pytest.raises(WorkflowInputError, match=rf"{message}.*CSV UTF-8"):
        config_tables.read_regions(path)


def test_an_empty_grouping_file_is_named(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("")
    with pytest.raises(WorkflowInputError, match=r"regions.csv is empty.*iso3,name,bri,group"):
        config_tables.read_regions(path)


def test_a_utf8_grouping_file_reads(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(REGIONS_TEXT, encoding="utf-8")
    assert config_tables.read_regions(path).loc["CIV", "name"] == "Côte d'Ivoire"


@pytest.fixture
def archive(tmp_path) -> Path:
    return write_eora26(tmp_path / "raw", YEAR, world=eora26_world(YEAR))


def _drop_last_line(text: str) -> str:
    return "".join(text.splitlines(True)[:-1])


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("Q", r"Eora26_2015_bp_Q.txt has \d+ rows but labels_Q.txt lists"),
        ("QY", r"Eora26_2015_bp_QY.txt has \d+ rows but labels_Q.txt lists"),
        ("VA", r"Eora26_2015_bp_VA.txt has 5 rows but labels_VA.txt lists 6"),
    ],
)
def test_satellite_and_value_added_tables_that_disagree_with_their_labels(
    archive, member, expected
):
    rewrite_member(archive, layout.table_names(YEAR)[member], _drop_last_line)
    with pytest.raises(WorkflowInputError, match=expected):
        eora26_reader.read_eora26(archive, YEAR)


def test_a_country_code_written_twice_is_named(archive):
    """Two countries with one code in labels_T.txt: ambiguous, never summed silently."""

    def duplicate(text: str) -> str:
        return text.replace("\tDEU\t", "\tCHN\t")

    rewrite_member(archive, "labels_T.txt", duplicate)
    rewrite_member(archive, "labels_FD.txt", duplicate)
    with pytest.raises(
        WorkflowInputError, match=r"labels_T.txt lists these labels more than once.*CHN"
    ):
        eora26_reader.read_eora26(archive, YEAR)
