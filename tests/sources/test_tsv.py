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


def test_dense_tables_are_cut_into_smaller_blocks_than_sparse_ones(monkeypatch):
    """Blocks of a dense table (long fields, parsed as one column) are at most
    DENSE_BLOCK_BYTES (plus the chunk that fills them), those of a table of mostly short
    fields are of block_bytes; both hold the whole text, cut at line ends."""
    monkeypatch.setattr(tsv, "MIN_BLOCK_BYTES", 100)
    monkeypatch.setattr(tsv, "BLOCK_BYTES", 4_000)
    monkeypatch.setattr(tsv, "DENSE_BLOCK_BYTES", 1_000)
    rng = np.random.default_rng(3)
    dense = _text(rng.lognormal(0.0, 6.0, (200, 10)))
    sparse = _text(np.where(rng.random((1_000, 10)) < 0.9, 0.0, 1.0))
    chunk = 200
    sizes = {}
    for name, text in (("dense", dense), ("sparse", sparse)):
        chunks = [text[start : start + chunk] for start in range(0, len(text), chunk)]
        blocks = list(tsv.table_blocks(iter(chunks), len(text), threads=2))
        assert b"".join(blocks) == text and all(block.endswith(b"\n") for block in blocks)
        sizes[name] = [len(block) for block in blocks[:-1]]
    assert len(dense) > 12_000 and len(sparse) > 12_000
    assert max(sizes["dense"]) < 1_000 + chunk
    assert min(sizes["sparse"]) >= 4_000 - chunk
