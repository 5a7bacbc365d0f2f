"""Tab-separated numeric tables streamed out of zip members, parsed in row blocks on threads.

Upstream MRIO tables are large text matrices inside zip archives (Eora26's T: 4,915 x 4,915
numbers, 200-300 MB of text; EXIOBASE's Z: 7,987 x 7,987). They are read once, in one pass:
a producer thread inflates the member (with ISA-L, :mod:`bri_carbon.sources.zip_members`,
which releases the GIL) and cuts it into blocks of whole lines, and each block is parsed
(by C code that releases the GIL too) on a pool of threads, so that inflating and
parsing use every core the job has. Blocks come out in file order as float64 arrays;
nothing holds the whole table, neither as text nor as numbers.

Numbers are the ones pymrio gets: ``pandas.read_csv``'s default float converter and
missing-value strings, on the tab-separated columns (``sep="\t"``, pymrio's call). Blocks go
first to the compiled parser (:mod:`bri_carbon.sources.plain_numbers`, correctly rounded
like pandas 3's converter; label columns read as pandas reads them), and blocks of numbers
only then to pandas on the same fields as one column (:func:`_parse_as_one_column`), so
the arrays are bit for bit pymrio's either way.
The zip's CRC is checked when a member has been read to its end.
"""

from __future__ import annotations

import io
import queue
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import plain_numbers, zip_members

#: Bytes inflated per read.
CHUNK_BYTES = 4 * 2**20
#: Bytes of text per parsed block of a table with label columns (whole lines; a line longer
#: than this is one block). pandas pays a fixed cost per column and block (some 20 us; 7,987
#: columns in EXIOBASE's Z), so these blocks are large: 32 MB parse in half the CPU time of
#: 4 MB blocks.
BLOCK_BYTES = 32 * 2**20
#: The largest and the smallest block :func:`block_bytes` gives for a table of numbers only,
#: parsed as one column (:func:`_parse_as_one_column`): its cost per byte does not depend on
#: the block's size, and smaller blocks keep every thread busy from the first block to the
#: last (Eora's T of 300 MB: 0.5-0.8 s less than in 32 MB blocks).
NUMBERS_BLOCK_BYTES = 8 * 2**20
MIN_BLOCK_BYTES = 4 * 2**20
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
        with zip_members.open_member(archive, member) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError) as err:
        raise WorkflowInputError(
            f"{archive}: member {member} cannot be read ({err}); the file is damaged or "
            "truncated. Delete it and fetch it again."
        ) from err


def block_bytes(text_bytes: int, threads: int) -> int:
    """Block size for a table of numbers only of ``text_bytes``: :data:`NUMBERS_BLOCK_BYTES`,
    or less for smaller tables, so that each of the ``threads`` gets two blocks (at least
    :data:`MIN_BLOCK_BYTES`)."""
    return max(MIN_BLOCK_BYTES, min(NUMBERS_BLOCK_BYTES, text_bytes // (2 * max(threads, 1)) + 1))


def line_blocks(chunks: Iterator[bytes], size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """Blocks of whole lines of about ``size`` bytes from a stream of ``chunks``; each byte
    is copied once (the block ends at the last line break of the chunk that fills it)."""
    pending: list[bytes | memoryview] = []
    held = 0
    for chunk in chunks:
        cut = chunk.rfind(b"\n") + 1
        if held + len(chunk) < size or cut == 0:  # not full, or no line ends here
            pending.append(chunk)
            held += len(chunk)
            continue
        with memoryview(chunk) as view:
            yield b"".join([*pending, view[:cut]])
            pending = [view[cut:].tobytes()] if cut < len(chunk) else []
        held = len(chunk) - cut
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
    Short lines are padded with NaN, as pandas (and so pymrio) reads them. A block is
    parsed by the compiled parser (:mod:`bri_carbon.sources.plain_numbers`, labels
    included) or else, without label columns, as one column (:func:`_parse_as_one_column`),
    both faster with the same labels and numbers, unless it holds anything but plain lines
    of labels and ``width`` finite numbers.
    """
    if labels:
        labelled = plain_numbers.parse_labelled(block, width, labels, "\t")
        if labelled is not None:
            return labelled
    else:
        numbers = plain_numbers.parse_plain(block, width, "\t")
        if numbers is None:
            numbers = _parse_as_one_column(block, width)
        if numbers is not None:
            return [], numbers
    import pandas as pd  # here: the compiled parser takes Eora's blocks without it

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


def _lines_of_width(block: bytes, width: int) -> int | None:
    """The number of lines of ``block`` when every one holds ``width`` tab-separated fields
    and the block ends with a line break; None otherwise (blank lines included)."""
    count, start, tabs = 0, 0, width - 1
    end = len(block)
    while start < end:
        stop = block.find(b"\n", start)
        if stop < 0 or block.count(b"\t", start, stop) != tabs:
            return None
        count, start = count + 1, stop + 1
    return count or None


def _parse_as_one_column(block: bytes, width: int) -> np.ndarray | None:
    """The numbers of a block of lines of ``width`` finite numbers, row-major (rows,
    ``width``); None when the block is anything else (the caller then parses it as usual,
    with its padding and messages).

    pandas pays some 20 us per column and block, holding the GIL (a lone line of Eora's
    4,915 columns costs 0.1 s, and two threads parsing T wait for each other). Here every
    tab becomes a line break, so the fields are one column converted in one loop without
    the GIL, by the same parser: the numbers are the same bit for bit. Lines are checked
    first to hold ``width`` fields each, as the usual parse does. pandas reads the column in
    its chunks (``low_memory``, the default): a chunk's tokens stay in the CPU's cache, and
    two threads parse Eora's T about 1.7 times as fast as in one pass over each block; its
    final demand (mostly zeros) parses about 1.5 times as fast as with columns. Fields are
    not looked up among pandas' missing-value strings (``na_filter=False``): none of those
    is a number, so the parse fails on them and the usual parse takes the block.
    """
    import pandas as pd

    rows = _lines_of_width(block, width)
    if rows is None:
        return None
    try:
        frame = pd.read_csv(
            io.BytesIO(block.replace(b"\t", b"\n")),
            header=None,
            dtype=np.float64,
            engine="c",
            skip_blank_lines=False,
            na_filter=False,
        )
    except (ValueError, TypeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    values = frame.to_numpy()
    if values.shape != (rows * width, 1) or not np.isfinite(values).all():
        return None
    return values.reshape(rows, width)


def _bad_cells(block: bytes, width: int, labels: int) -> list[tuple[int, int, str]]:
    """(row, column, text) of the first cells of ``block`` that are not numbers."""
    import pandas as pd

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
    ``threads`` threads while a producer thread inflates and cuts the next blocks (at most
    ``threads + 1`` blocks waiting), so that the caller's thread is free for what it does
    with each block (e.g. writing it)."""
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
        waiting: queue.Queue = queue.Queue(maxsize=threads + 1)
        stop = threading.Event()
        producer = threading.Thread(
            target=_submit_blocks, args=(blocks, parse, pool, waiting, stop), daemon=True
        )
        producer.start()
        try:
            while (item := waiting.get()) is not _END:
                if isinstance(item, BaseException):
                    raise item
                labels, values = result(item)
                yield first, labels, values
                first += values.shape[0]
        finally:
            stop.set()
            while producer.is_alive() or not waiting.empty():
                try:
                    item = waiting.get(timeout=0.1)
                except queue.Empty:
                    continue
                if isinstance(item, Future):
                    item.cancel()
            producer.join()


#: What the producer of :func:`parse_rows` puts last.
_END = object()


def _submit_blocks(
    blocks: Iterator[bytes],
    parse: Callable[[bytes], tuple[list[tuple], np.ndarray]],
    pool: ThreadPoolExecutor,
    waiting: queue.Queue,
    stop: threading.Event,
) -> None:
    """Producer thread of :func:`parse_rows`: submit each block to ``pool`` and queue its
    future, then :data:`_END` (or the exception that ended the blocks); stops early once
    ``stop`` is set."""
    try:
        for block in blocks:
            if stop.is_set():
                return
            waiting.put(pool.submit(parse, block))
        waiting.put(_END)
    except BaseException as err:  # handed over to the consumer, which raises it
        waiting.put(err)
    finally:
        close = getattr(blocks, "close", None)
        if close is not None:
            close()


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
