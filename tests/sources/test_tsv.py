"""Blocks of tab-separated numbers (bri_carbon.sources.tsv) parse to what pandas.read_csv,
and so pymrio, gives, bit for bit, however few or many lines a block has."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from bri_carbon.sources import tsv


def _pandas(block: bytes) -> np.ndarray:
    """pymrio's way: read_csv with tabs, no header, float64."""
    return pd.read_csv(io.BytesIO(block), sep="\t", header=None, dtype=np.float64).to_numpy()


def _text(values: np.ndarray, line_end: bytes = b"\n") -> bytes:
    rows = []
    for row in values:
        rows.append("\t".join(np.format_float_positional(v, precision=9, trim="-") for v in row))
    return line_end.join(row.encode() for row in rows) + line_end


@pytest.mark.parametrize("rows", [1, 6, 64, 65, 300])
@pytest.mark.parametrize("line_end", [b"\n", b"\r\n"])
def test_blocks_parse_as_pandas_parses_them(rows, line_end):
    rng = np.random.default_rng(rows)
    values = rng.lognormal(0.0, 6.0, (rows, 700)) * rng.choice([-1.0, 0.0, 1.0], (rows, 700))
    block = _text(values, line_end)
    for text in (block, block.replace(b"\t0\t", b"\t1.5e-07\t"), block + b"\n\n"):
        _, parsed = tsv.parse_block(text, 700)
        expected = _pandas(text)
        assert parsed.shape == expected.shape
        assert (parsed.view(np.int64) == expected.view(np.int64)).all()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b"1\t2\t\n", "padded"),
        (b"1\tNaN\t3\n", "padded"),
        (b"1\t2\n", "padded"),
        (b"1\t2,5\t3\n", tsv.NotNumbersError),
        (b"1\t2\t3\t4\n", tsv.ShapeError),
    ],
)
def test_a_few_lines_that_are_not_numbers_are_handled_as_in_long_blocks(line, problem):
    """Empty cells become NaN (as pandas pads them), text stops the parse with the cells
    named, a line that is too long with a shape error: the same for a lone line as for a
    table."""
    if problem == "padded":
        _, values = tsv.parse_block(b"4\t5\t6\n" + line, 3)
        assert values.shape == (2, 3) and np.isnan(values[1]).any()
        return
    with pytest.raises(problem):
        tsv.parse_block(b"4\t5\t6\n" + line, 3)
