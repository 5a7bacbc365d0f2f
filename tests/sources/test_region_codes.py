"""The harmonize jobs' reading of the region code table (config_tables.region_code_mapping,
the csv module) gives what the pandas reader gives, with its errors; and the Eora26 route
from the raw zip to the native cache imports no pandas (0.3 s of every harmonize job)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import config_tables

from ..support.fixtures import write_eora26
from ..support.workflow import REPO

CODES = REPO / "data" / "region_codes.csv"


@pytest.mark.parametrize("source", ["eora26", "exiobase3", "gloria", "synthetic"])
def test_each_source_maps_as_the_pandas_reader_reads_the_table(source):
    table = config_tables.read_region_codes(CODES)
    rows = table[table["source"] == ("eora26" if source == "synthetic" else source)]
    expected = dict(zip(rows["source_code"], rows["region"], strict=True))
    assert expected
    assert config_tables.region_code_mapping(CODES, source) == expected


def test_a_byte_order_mark_and_other_sources_rows_are_fine(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(
        "\ufeffsource,source_code,region,name,note\neora26,SUD,SDN,Sudan,\nother,SUD,XXX,x,\n",
        encoding="utf-8",
    )
    assert config_tables.region_code_mapping(path, "eora26") == {"SUD": "SDN"}
    path.write_text("source,source_code,region,name\n", encoding="utf-8")
    assert config_tables.region_code_mapping(path, "eora26") == {}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (b"source,source_code,region,name\neora26,AFG,AFG,A\neora26,AFG,AFX,A\n", "['AFG']"),
        (b"source,code,region,name\neora26,AFG,AFG,A\n", "lacks columns ['source_code']"),
        (b"", "lacks columns ['source', 'source_code', 'region', 'name']"),
        (b"source,source_code,region,name\neora26,CIV,CIV,C\xf4te\n", "line 2, column 17"),
    ],
)
def test_a_broken_table_is_named_with_the_fix(tmp_path, text, named):
    path = tmp_path / "codes.csv"
    path.write_bytes(text)
    with pytest.raises(WorkflowInputError) as raised:
        config_tables.region_code_mapping(path, "eora26")
    assert named in str(raised.value) and str(path) in str(raised.value)


def test_an_unreadable_table_names_the_config_key(tmp_path):
    with pytest.raises(WorkflowInputError, match="config key region_codes") as raised:
        config_tables.region_code_mapping(tmp_path, "eora26")
    assert str(tmp_path) in str(raised.value)


#: The harmonize job's work on an Eora26 zip, in a fresh interpreter.
PROGRAM = """
import sys
from pathlib import Path
from bri_carbon.harmonize import harmonized
from bri_carbon.sources import config_tables, eora26_layout, eora26_reader
archive, codes, target = (Path(arg) for arg in sys.argv[1:4])
tables = eora26_reader.read_eora26(archive, 2015, threads=2)
harmonized.write_source_year(
    tables, target, source="eora26", year=2015,
    regions=config_tables.region_code_mapping(codes, "eora26"),
    common_sectors=eora26_layout.SECTORS,
)
print(sorted(name for name in sys.modules if name.split(".")[0] in ("pandas", "xarray")))
"""


def test_the_eora26_route_to_the_cache_imports_no_pandas(tmp_path):
    archive = write_eora26(tmp_path / "raw", 2015)
    target = tmp_path / "2015.nc"
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(archive), str(CODES), str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert target.exists()
    assert done.stdout.strip() == "[]"
