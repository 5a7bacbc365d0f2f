"""Catalogue of bad inputs: each gets a clear error that names the file or key and the fix.

Cases follow the reliability issue: broken archives, tables that disagree with their
labels, non-finite numbers, negative or zero output, unmapped regions, unproductive
systems. Bad config and concurrent runs go through Snakemake
(tests/workflow/test_bad_inputs.py); download failures are covered in
tests/sources/test_download.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr

from bri_carbon.core import grouping
from bri_carbon.harmonize import harmonized
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import archives, config_tables, eora26_reader, synthetic
from bri_carbon.sources import eora26_layout as layout

from ..support.fixtures import rewrite_member

YEAR = 2015


def _world_archive(folder: Path) -> Path:
    """A valid three-country Eora26 archive for ``YEAR`` in ``folder``."""
    economies = pd.DataFrame(
        {
            "name": ["Alpha", "Beta", "Gamma"],
            "gdp_musd": [2_000_000.0, 500_000.0, 90_000.0],
            "population": [5e7, 2e7, 9e6],
        },
        index=["CHN", "USA", "DEU"],
    )
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / layout.archive_name(YEAR)
    synthetic.write_eora26_zip(synthetic.make_world(economies, YEAR, seed=1), archive)
    return archive


def _parse(archive: Path):
    """Read ``archive`` as the harmonize rule does, without writing the cache: labels, FD,
    VA and the CO2 rows (T streams later)."""
    return eora26_reader.read_eora26(archive, YEAR)


def _harmonize(archive: Path):
    """Read and harmonize ``archive`` as the harmonize rule does (numbers are checked);
    the native cache as an xarray dataset."""
    tables = _parse(archive)
    target = archive.parent / "harmonized.nc"
    harmonized.write_source_year(
        tables,
        target,
        source="eora26",
        year=YEAR,
        regions=pd.Series(tables.regions, index=tables.regions),
        common_sectors=layout.SECTORS,
    )
    with xr.open_dataset(target, engine="h5netcdf") as dataset:
        return dataset.load()


@pytest.fixture
def archive(tmp_path) -> Path:
    return _world_archive(tmp_path / "raw")


def test_valid_archive_parses(archive):
    assert _harmonize(archive)["Z"].shape == (3, 26, 3, 26)


# 1. Truncated zip, a file that is not a zip, a zip missing a required member.
def test_truncated_zip(archive):
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(WorkflowInputError, match=r"Eora26_2015_bp.zip.*(not a readable|corrupt)"):
        _parse(archive)


def test_file_that_is_not_a_zip(archive):
    archive.write_text("<html>Please log in</html>")
    with pytest.raises(WorkflowInputError, match=r"not a readable zip archive.*fetch"):
        _parse(archive)


def test_zip_missing_a_member(archive):
    rewrite_member(archive, "Eora26_2015_bp_Q.txt", lambda text: None)
    with pytest.raises(WorkflowInputError, match=r"lacks \['Eora26_2015_bp_Q.txt'\]"):
        _parse(archive)


# 3. Labels that disagree with the matrix; non-square T; FD columns not matching labels_FD.
def test_label_file_shorter_than_matrix(archive):
    rewrite_member(archive, "labels_T.txt", lambda text: "".join(text.splitlines(True)[1:]))
    with pytest.raises(WorkflowInputError, match=r"labels_T\.txt lists 78 entries"):
        _parse(archive)


def test_non_square_transactions(archive):
    rewrite_member(
        archive,
        "Eora26_2015_bp_T.txt",
        lambda text: "".join(line.rstrip("\n") + "\t0\n" for line in text.splitlines()),
    )
    with pytest.raises(WorkflowInputError, match="is not square: 79 rows x 80 columns"):
        _harmonize(archive)
    assert not (archive.parent / "harmonized.nc").exists()


def test_final_demand_columns_not_matching_labels(archive):
    rewrite_member(
        archive,
        "Eora26_2015_bp_FD.txt",
        lambda text: "".join(line.rsplit("\t", 1)[0] + "\n" for line in text.splitlines()),
    )
    with pytest.raises(WorkflowInputError, match=r"FD\.txt has \[23\] columns.*lists 24"):
        _parse(archive)


# 4. NaN or infinite values.
@pytest.mark.parametrize("member", ["T", "FD", "Q"])
def test_non_finite_values(archive, member):
    name = layout.table_names(YEAR)[member]
    # In Q, poison the CO2 row.
    co2_label = (layout.CO2_RAW_LABEL, layout.CO2_LABELS[0][1])
    target_row = synthetic.SATELLITE_LABELS.index(co2_label) if member == "Q" else 3

    def poison(text: str) -> str:
        lines = text.splitlines()
        fields = lines[target_row].split("\t")
        fields[1] = "inf" if member == "FD" else ""
        lines[target_row] = "\t".join(fields)
        return "\n".join(lines) + "\n"

    rewrite_member(archive, name, poison)
    with pytest.raises(WorkflowInputError, match=r"Eora26_2015_bp.zip.*(NaN|infinite).*first at"):
        _harmonize(archive)


def test_a_cell_that_is_not_a_number_is_named(archive):
    """pymrio reads "1,5" as text; the message names the table and the cell."""

    def comma(text: str) -> str:
        lines = text.splitlines()
        fields = lines[2].split("\t")
        fields[4] = "1,5"
        lines[2] = "\t".join(fields)
        return "\n".join(lines) + "\n"

    rewrite_member(archive, layout.table_names(YEAR)["T"], comma)
    with pytest.raises(
        WorkflowInputError,
        match=r"Z \(intermediate flows\) has cells that are not numbers, first at "
        r"\[\"row CHN / Mining and Quarrying, column CHN / Textiles and Wearing Apparel: '1,5'",
    ):
        _harmonize(archive)


# 7. A region the grouping does not map; a duplicate code in the grouping.
def test_region_missing_from_grouping(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("iso3,name,bri,group\nCHN,China,true,East Asia\n")
    regions = config_tables.read_regions(path)
    with pytest.raises(WorkflowInputError, match=r"does not map these regions.*\['USA'\]"):
        grouping.check_coverage(regions, ["CHN", "USA"], path)


def test_duplicate_code_in_grouping(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("iso3,name,bri,group\nCHN,China,true,A\nCHN,China,true,B\n")
    with pytest.raises(WorkflowInputError, match=r"more than once: \['CHN'\]"):
        config_tables.read_regions(path)


# 13. Zip slip and symbolic links.
@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt", "labels/../../evil.txt"])
def test_zip_member_escaping_the_folder_is_refused(tmp_path, name):
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr(name, "x")
    with pytest.raises(WorkflowInputError, match=r"absolute paths, '\.\.' components or symbolic"):
        archives.check_safe(archive)


def test_zip_symlink_member_is_refused(tmp_path):
    archive = tmp_path / "link.zip"
    info = zipfile.ZipInfo("labels_T.txt")
    info.external_attr = (0o120777) << 16
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr(info, "/etc/passwd")
    with pytest.raises(WorkflowInputError, match="symbolic"):
        archives.check_safe(archive)


def test_safe_archive_passes(archive):
    archives.check_safe(archive)


def _with_duplicate(archive: Path, member: str) -> None:
    """Append a second member named ``member`` (zipfile warns; real tools write such zips)."""
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(archive, "a") as zf:
        zf.writestr(member, "another\ttable\n")


def test_two_members_with_one_name_are_refused(archive):
    """A reader would silently take the last of the two; which one is meant is ambiguous."""
    _with_duplicate(archive, "labels_T.txt")
    with pytest.raises(WorkflowInputError, match=r"same name \(\['labels_T.txt'\]\)") as failed:
        _parse(archive)
    assert str(archive) in str(failed.value)


def test_zip_problem_says_what_is_wrong_in_one_sentence(tmp_path, archive):
    assert archives.zip_problem(archive) is None
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"")
    page = tmp_path / "page.zip"
    page.write_bytes(b"<!DOCTYPE html><html>log in</html>")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    corrupt = tmp_path / "corrupt.zip"
    payload = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as handle:
        first = handle.infolist()[0]
    middle = first.header_offset + 30 + len(first.filename) + first.compress_size // 2
    payload[middle] ^= 0xFF
    corrupt.write_bytes(bytes(payload))
    no_members = tmp_path / "no_members.zip"
    zipfile.ZipFile(no_members, "w").close()
    assert archives.zip_problem(empty) == "is empty (0 bytes)"
    assert archives.zip_problem(no_members) == "is a zip archive without any file in it"
    assert "web page (HTML)" in archives.zip_problem(page)
    assert "truncated" in archives.zip_problem(truncated)
    assert archives.zip_problem(corrupt).startswith("is damaged")
    assert archives.zip_problem(corrupt, test_members=False) is None
    _with_duplicate(archive, "labels_Q.txt")
    assert "same name (['labels_Q.txt'])" in archives.zip_problem(archive)


def test_other_zips_next_to_the_archive_are_not_read(archive):
    """pymrio reads every zip of a folder that names the year ('Multiple files for a given
    year found'); the reader opens exactly the archive, so the leftover of an interrupted
    write in the old naming, or a browser's second download, change nothing."""
    for name in (".Eora26_2015_bp.k3x9q2ab.part.zip", "Eora26_2015_bp (1).zip"):
        (archive.parent / name).write_bytes(archive.read_bytes()[:1000])
    assert _parse(archive).final_demand.shape == (3 * 26, 3 * 6)
