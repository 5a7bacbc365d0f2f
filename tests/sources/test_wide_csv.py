"""Streamed reading of label-free numeric CSV tables from zip archives (GLORIA's format)."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import synthetic_gloria as synthetic
from bri_carbon.sources import wide_csv


def _where(line: int, column: int) -> str:
    return f"T.csv, row {line + 1}, column {column + 1},"


def _zip(tmp_path, text: bytes, name: str = "x_T-Results.csv") -> wide_csv.Member:
    archive = tmp_path / "table.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        handle.writestr(name, text)
    return wide_csv.Member(archive, name)


def test_numbers_in_every_notation_and_zeros_are_read_exactly():
    rng = np.random.default_rng(1)
    values = rng.lognormal(0, 8, (7, 13)) * rng.choice([-1, 1], (7, 13))
    values[rng.uniform(size=values.shape) < 0.5] = 0.0
    text = "\n".join(",".join(repr(float(v)) for v in row) for row in values).encode() + b"\n"
    assert b"e-" in text and b",0.0," in text
    np.testing.assert_array_equal(wide_csv.parse_block(text, 13, _where), values)
    written = synthetic.csv_text(values)  # zeros as 0, seven significant digits
    assert b",0," in written
    np.testing.assert_allclose(wide_csv.parse_block(written, 13, _where), values, rtol=1e-6)


def test_windows_line_ends_a_byte_order_mark_and_a_missing_last_line_end(tmp_path):
    member = _zip(tmp_path, wide_csv.BOM + b"1,2.5\r\n-3e2,0\r\n4,5")
    blocks = list(wide_csv.row_blocks(member, 2, 3, 2))
    assert [first for first, _ in blocks] == [0, 2]
    np.testing.assert_array_equal(np.vstack([b for _, b in blocks]), [[1, 2.5], [-300, 0], [4, 5]])


@pytest.mark.parametrize(
    ("text", "columns", "message"),
    [
        (b"1,2\n3\n", 2, r"T.csv, row 2, column 1, has 1 fields where the table has 2 columns"),
        (b"1,2\n3,4,5\n", 2, r"row 2, column 1, has 3 fields"),
        (b"1,2\n3,x\n", 2, r"row 2, column 2, holds 'x', which is not a finite number"),
        (b"1,,2\n", 3, r"row 1, column 2, holds '', which is not a finite number"),
        (b"1,2,nan\n", 3, r"row 1, column 3, holds 'nan'"),
        (b"1;2;3\n", 3, r"has 1 fields where the table has 3 columns"),
    ],
)
def test_damaged_rows_are_named(text, columns, message):
    with pytest.raises(WorkflowInputError, match=message):
        wide_csv.parse_block(text, columns, _where)


def test_a_table_with_other_rows_than_the_labels_say_is_refused(tmp_path):
    member = _zip(tmp_path, b"1,2\n3,4\n5,6\n")
    with pytest.raises(
        WorkflowInputError, match=r"has more than 2 rows where the ReadMe.s labels give 2"
    ):
        list(wide_csv.row_blocks(member, 2, 2, 2))
    with pytest.raises(WorkflowInputError, match=r"has 3 rows where the ReadMe's labels give 4"):
        wide_csv.single_row(member, 2, 4, 1)
    np.testing.assert_array_equal(wide_csv.single_row(member, 2, 3, 1), [3, 4])


def test_a_truncated_archive_is_named(tmp_path):
    rng = np.random.default_rng(2)
    member = _zip(tmp_path, synthetic.csv_text(rng.uniform(size=(2000, 50))))
    data = member.archive.read_bytes()
    # Cut the compressed data of the member (the table of contents stays readable).
    header = data.index(b"PK\x01\x02")
    broken = data[: header // 2] + bytes(header - header // 2) + data[header:]
    member.archive.write_bytes(broken)
    # The inflater stops at the zeros, or inflates them into text whose rows break (the
    # CRC-32 at the member's end would stop it too): either way the member is named.
    with pytest.raises(WorkflowInputError, match=r"table.zip \(member x_T-Results.csv\).* damaged"):
        list(wide_csv.row_blocks(member, 50, 2000, 100))
