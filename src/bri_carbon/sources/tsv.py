"""Tab-separated numeric tables streamed out of zip members, parsed in row blocks on threads.

Upstream MRIO tables are large text matrices inside zip archives (Eora26's T: 4,915 x 4,915
numbers, 200-300 MB of text; EXIOBASE's Z: 7,987 x 7,987). They are read once, in one pass:
the member is inflated in chunks (zlib releases the GIL), cut into blocks of whole lines, and
each block is parsed by pandas' C parser (which releases the GIL too) on a pool of threads,
so that inflating and parsing use every core the job has. Blocks come out in file order as
float64 arrays; nothing holds the whole table, neither as text nor as numbers.

Numbers are parsed exactly as pymrio parses them (``pandas.read_csv`` with ``sep="\\t"`` and
its default float converter and missing-value strings), so the arrays are bit for bit
pymrio's. The zip's CRC is checked when a member has been read to its end.
"""

from __future__ import annotations

import io
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bri_carbon.runtime.errors import WorkflowInputError

#: Bytes inflated per read.
CHUNK_BYTES = 4 * 2**20
#: Bytes of text per parsed block (whole lines; a line longer than this is one block). pandas
#: pays a fixed cost per column and block (some 20 us; 4,915 columns in Eora's T), so blocks
#: are large: 32 MB parse in half the CPU time of 4 MB blocks.
BLOCK_BYTES = 32 * 2**20
#: Cells named in a message about bad numbers.
SHOWN = 5


class ShapeError(ValueError):
    """A table line has another number of fields than expected."""


class NotNumbersError(ValueError):
    """A block holds cells that are not numbers: ``cells`` lists (row in block, column,
    text) of the first of them."""

    def __init__(self, cells: list[tuple[int, int, str]]) -> None:
        super().__init__(f"cells that are not numbers: {cells}")
        self.cells = cells
        #: The table row of the block's first line (set by :func:`parse_rows`).
        self.first_row = 0


def member_chunks(archive: Path, member: str) -> Iterator[bytes]:
    """The inflated bytes of ``member`` of ``archive``, in chunks; the CRC is checked at the
    end (a damaged member stops with a message naming the archive and the member)."""
    try:
        with zipfile.ZipFile(archive) as handle, handle.open(member) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError) as err:
        raise WorkflowInputError(
            f"{archive}: member {member} cannot be read ({err}); the file is damaged or "
            "truncated. Delete it and fetch it again."
        ) from err


def line_blocks(chunks: Iterator[bytes], size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """Blocks of whole lines of about ``size`` bytes from a stream of ``chunks``."""
    pending: list[bytes] = []
    held = 0
    for chunk in chunks:
        pending.append(chunk)
        held += len(chunk)
        if held < size:
            continue
        joined = b"".join(pending)
        cut = joined.rfind(b"\n") + 1
        if cut == 0:  # one line longer than the block: keep reading
            pending, held = [joined], len(joined)
            continue
        yield joined[:cut]
        pending, held = ([joined[cut:]], len(joined) - cut) if cut < len(joined) else ([], 0)
    rest = b"".join(pending)
    if rest.strip():
        yield rest


def lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The non-blank lines of a stream of ``chunks`` (line ends removed), as pandas counts
    rows (``skip_blank_lines``)."""
    for block in line_blocks(chunks):
        for line in block.split(b"\n"):
            line = line.rstrip(b"\r")
            if line.strip():
                yield line


def parse_block(block: bytes, width: int, labels: int = 0) -> tuple[list[tuple], np.ndarray]:
    """(row labels, numbers) of a block of whole lines: ``labels`` leading label columns (as
    tuples of strings; empty when 0) and ``width`` float64 columns (rows, width).

    Raises :class:`ShapeError` when the block does not have ``labels + width`` columns (a
    line longer than the block's first line fails in pandas too), :class:`NotNumbersError`
    naming the first cells that are not numbers.
    Short lines are padded with NaN, as pandas (and so pymrio) reads them.
    """
    dtype: dict[int, type] | type = (
        np.float64
        if not labels
        else {i: (str if i < labels else np.float64) for i in range(labels + width)}
    )
    try:
        frame = pd.read_csv(
            io.BytesIO(block),
            sep="\t",
            header=None,
            dtype=dtype,
            engine="c",
            low_memory=False,
        )
    except pd.errors.ParserError as err:
        raise ShapeError(str(err)) from err
    except (ValueError, TypeError):
        raise NotNumbersError(_bad_cells(block, width, labels)) from None
    row_labels = list(frame.iloc[:, :labels].itertuples(index=False, name=None)) if labels else []
    values = frame.iloc[:, labels:].to_numpy(dtype=np.float64) if labels else frame.to_numpy()
    if values.shape[1] != width:
        raise ShapeError(f"{values.shape[1]} columns, expected {width}")
    return row_labels, values


def _bad_cells(block: bytes, width: int, labels: int) -> list[tuple[int, int, str]]:
    """(row, column, text) of the first cells of ``block`` that are not numbers."""
    frame = pd.read_csv(io.BytesIO(block), sep="\t", header=None, dtype=str)
    numbers = frame.iloc[:, labels:]
    bad = (numbers.apply(pd.to_numeric, errors="coerce").isna() & numbers.notna()).to_numpy()
    rows, columns = np.nonzero(bad)
    return [
        (int(row), int(column), str(numbers.iat[row, column]))
        for row, column in zip(rows[:SHOWN], columns[:SHOWN], strict=True)
    ]


def parse_rows(
    blocks: Iterator[bytes], parse: Callable[[bytes], tuple[list[tuple], np.ndarray]], threads: int
) -> Iterator[tuple[int, list[tuple], np.ndarray]]:
    """(first row, row labels, numbers) of each block, in file order, parsed by ``parse`` on
    ``threads`` threads while the caller's thread inflates the next blocks (at most
    ``threads + 1`` blocks in flight)."""
    first = 0

    def result(parsed) -> tuple[list[tuple], np.ndarray]:
        try:
            return parsed() if callable(parsed) else parsed.result()
        except NotNumbersError as err:
            err.first_row = first
            raise

    if threads <= 1:
        for block in blocks:
            labels, values = result(lambda block=block: parse(block))
            yield first, labels, values
            first += values.shape[0]
        return
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tsv") as pool:
        pending: deque = deque()
        try:
            for block in blocks:
                pending.append(pool.submit(parse, block))
                while len(pending) > threads:
                    labels, values = result(pending.popleft())
                    yield first, labels, values
                    first += values.shape[0]
            while pending:
                labels, values = result(pending.popleft())
                yield first, labels, values
                first += values.shape[0]
        finally:
            for future in pending:
                future.cancel()


@dataclass
class FiniteCheck:
    """Collects the cells of a table that are not finite (empty, NaN, inf) over its blocks;
    :meth:`raise_if_any` names the first of them and their count, as one message."""

    origin: Path
    table: str
    row_label: Callable[[int], str]
    column_label: Callable[[int], str]
    count: int = 0
    first: list[str] = field(default_factory=list)

    def block(self, first_row: int, values: np.ndarray) -> None:
        """Check one block whose first row is ``first_row`` of the table."""
        finite = np.isfinite(values)
        if finite.all():
            return
        rows, columns = np.nonzero(~finite)
        self.count += rows.size
        for row, column in zip(rows, columns, strict=True):
            if len(self.first) >= SHOWN:
                break
            self.first.append(
                f"row {self.row_label(first_row + row)}, column {self.column_label(column)}: "
                f"{values[row, column]!r}"
            )

    def raise_if_any(self) -> None:
        """Stop with one message when any checked cell was not finite."""
        if self.count:
            raise WorkflowInputError(
                f"{self.origin}: {self.table} has empty, NaN or infinite values: {self.count} "
                f"cells, first at {self.first}. The file is damaged or not in the expected "
                "layout; fetch it again or repair these cells."
            )


def not_numbers_error(origin: Path, table: str, cells: list[str]) -> WorkflowInputError:
    """The message for cells that are not numbers (e.g. a decimal comma), naming them."""
    return WorkflowInputError(
        f"{origin}: {table} has cells that are not numbers, first at {cells} (for example a "
        "decimal comma). The file is damaged or not in the expected layout; fetch it again "
        "or repair these cells."
    )
