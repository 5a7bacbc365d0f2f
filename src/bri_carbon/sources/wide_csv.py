"""Streamed reading of wide numeric CSV tables without labels, from inside a zip archive.

GLORIA's tables are plain comma-separated numbers, one table row per line, no header (pymrio
reads them with ``pd.read_csv(header=None)``). The largest, T, has 39,360 rows of 39,360
numbers (about 6 GB of text a year), so it is never held whole: :func:`row_blocks` inflates
the member (with ISA-L, :mod:`bri_carbon.sources.zip_members`) in a background thread and
hands over blocks of whole rows, each parsed at once into a (rows, columns) float64 array
and then dropped.

Parsing (:func:`parse_block`): blocks of plain numbers go to the compiled parser
(:mod:`bri_carbon.sources.plain_numbers`). Without it, or for other text: over three
quarters of T's cells are zero (the supply rows are zero but for one cell, and products are
bought by industries only), so numpy finds every field's place from the separators, skips
the fields written ``0`` and cuts the others out into one column of text, which pyarrow
converts to float64 (fast and correctly rounded); that is about four times faster than
handing pyarrow the 39,360 columns themselves. Zeros written otherwise (``0.0``) are parsed
like any number, only slower. Every row is checked to have exactly the expected number of
fields; a field that is not a finite number stops the read with an error naming the file,
the row and the column (1-based) and the text found there.
"""

from __future__ import annotations

import logging
import queue
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import plain_numbers, zip_members

log = logging.getLogger(__name__)

#: Bytes inflated per read of the member.
READ_BYTES = 8 << 20
#: Blocks of text waiting to be parsed (each about one GLORIA region of T, 40 MB).
QUEUE_DEPTH = 2
#: Bytes per block of pyarrow's parallel reader.
ARROW_BLOCK_BYTES = 4 << 20
#: A UTF-8 byte-order mark, dropped at the start of a member.
BOM = b"\xef\xbb\xbf"
#: Characters of a bad field shown in a message.
SHOWN_CHARACTERS = 40
COMMA, NEWLINE, ZERO = ord(","), ord("\n"), ord("0")


@dataclass(frozen=True)
class Member:
    """A table inside a zip archive: ``archive`` (path) and ``name`` (member name)."""

    archive: Path
    name: str

    def __str__(self) -> str:
        return f"{self.archive} (member {self.name})"


def _line_blocks(stream, rows_per_block: int) -> Iterator[bytes]:
    """Consecutive blocks of ``rows_per_block`` whole lines (the last may be shorter) from
    a binary ``stream``; a byte-order mark at the start is dropped and a last line without
    a line break gets one. Each block is copied once out of the read buffer."""
    buffer = bytearray()
    newlines = 0
    first = True
    while True:
        chunk = stream.read(READ_BYTES)
        if first and chunk.startswith(BOM):
            chunk = chunk[len(BOM) :]
        first = False
        if not chunk:
            break
        buffer += chunk
        newlines += chunk.count(b"\n")
        while newlines >= rows_per_block:
            cut = -1
            for _ in range(rows_per_block):
                cut = buffer.index(b"\n", cut + 1)
            with memoryview(buffer) as view:
                block = bytes(view[: cut + 1])
            del buffer[: cut + 1]
            newlines -= rows_per_block
            yield block
    if bytes(buffer).strip():
        yield bytes(buffer) if buffer.endswith(b"\n") else bytes(buffer) + b"\n"


def _inflate(member: Member, rows_per_block: int, out: queue.Queue, stop: threading.Event) -> None:
    """Producer thread: put blocks of lines of ``member`` on ``out``, then ``None`` (or the
    exception that ended the read)."""
    try:
        with zip_members.open_member(member.archive, member.name) as stream:
            for block in _line_blocks(stream, rows_per_block):
                while not stop.is_set():
                    try:
                        out.put(block, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        out.put(None)
    except BaseException as err:  # handed over to the consumer, which raises it
        out.put(err)


def _blocks_in_background(member: Member, rows_per_block: int) -> Iterator[bytes]:
    """:func:`_line_blocks` of ``member``, inflated in a background thread (ISA-L releases
    the GIL, so inflating and parsing overlap on two cores)."""
    out: queue.Queue = queue.Queue(maxsize=QUEUE_DEPTH)
    stop = threading.Event()
    thread = threading.Thread(
        target=_inflate, args=(member, rows_per_block, out, stop), daemon=True
    )
    thread.start()
    try:
        while True:
            item = out.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise _read_error(member, item) from item
            yield item
    finally:
        stop.set()
        thread.join()


def _read_error(member: Member, err: BaseException) -> BaseException:
    """A clear error for a member that cannot be inflated (damaged or truncated archive)."""
    if isinstance(err, (zipfile.BadZipFile, zlib.error, EOFError, OSError)):
        return WorkflowInputError(
            f"{member} cannot be read to its end ({type(err).__name__}: {err}): the archive "
            "is damaged or truncated. Replace it with a complete copy of the release file."
        )
    return err


def _first_bad_line(text: bytes, columns: int) -> tuple[int, int]:
    """(line within ``text`` from 0, its number of fields) of the first line that does not
    have ``columns`` fields."""
    for number, line in enumerate(text.split(b"\n")[:-1]):
        fields = line.count(b",") + 1
        if fields != columns:
            return number, fields
    return text.count(b"\n"), 0


def _first_bad_field(text: bytes, columns: int) -> tuple[int, int, str]:
    """(line, column, text) within ``text`` (from 0) of the first field that is not a finite
    number."""
    for number, line in enumerate(text.split(b"\n")[:-1]):
        for column, field in enumerate(line.split(b",")):
            try:
                value = float(field)
            except ValueError:
                return number, column, field.decode("utf-8", "replace")
            if not np.isfinite(value):
                return number, column, field.decode("utf-8", "replace")
    raise AssertionError("no bad field found")  # pragma: no cover - caller saw one


def _separators(buffer: np.ndarray, columns: int, rows: int) -> np.ndarray | None:
    """Positions of the field separators (commas and line breaks) of ``buffer``, or None
    when its lines do not all have ``columns`` fields."""
    separators = np.flatnonzero((buffer == COMMA) | (buffer == NEWLINE))
    if separators.size != rows * columns:
        return None
    if not (buffer[separators[columns - 1 :: columns]] == NEWLINE).all():
        return None
    return separators


def _parse_numbers(text: np.ndarray, count: int) -> np.ndarray | None:
    """The ``count`` numbers of ``text`` (uint8, one number per line) as float64, or None
    when a field is not a number."""
    try:
        table = pacsv.read_csv(
            pa.py_buffer(text),
            read_options=pacsv.ReadOptions(
                column_names=["value"], block_size=ARROW_BLOCK_BYTES, use_threads=True
            ),
            parse_options=pacsv.ParseOptions(
                quote_char=False, double_quote=False, escape_char=False, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={"value": pa.float64()},
                null_values=[],
                strings_can_be_null=False,
                check_utf8=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_rows != count:
        return None
    return table.column(0).to_numpy()


def parse_block(text: bytes, columns: int, where: Callable[[int, int], str]) -> np.ndarray:
    """The numbers of ``text`` (whole lines of ``columns`` comma-separated numbers each) as a
    (lines, columns) float64 array.

    The compiled parser (:mod:`bri_carbon.sources.plain_numbers`) takes plain blocks whole.
    Otherwise fields written as ``0`` (most of GLORIA's cells) are recognised from the
    separators' positions and never parsed, and the others are cut out into one column of
    text that pyarrow converts (fast and correctly rounded, as the compiled parser).
    ``where(line, column)`` (0-based within ``text``) names a cell in messages, e.g. the file
    and the table row. A line with another number of fields, or a field that is not a finite
    number, raises :class:`WorkflowInputError`.
    """
    plain = plain_numbers.parse_plain(text, columns, ",")
    if plain is not None:
        return plain
    if b"\r" in text:
        text = text.replace(b"\r", b"")
    rows = text.count(b"\n")
    buffer = np.frombuffer(text, dtype=np.uint8)
    separators = _separators(buffer, columns, rows)
    if separators is None:
        line, fields = _first_bad_line(text, columns)
        raise WorkflowInputError(
            f"{where(line, 0)} has {fields} fields where the table has {columns} columns. "
            "The file is damaged or not of this release; replace it with the release file."
        )
    # A field written "0": one character, a zero, between two separators (or at the start).
    # (In place where the arrays are large: each is one block of up to 75 MB.)
    starts = np.empty_like(separators)
    starts[0] = 0
    np.add(separators[:-1], 1, out=starts[1:])
    zero = buffer[starts] == ZERO
    lengths = np.subtract(separators, starts, out=starts)
    zero &= lengths == 1
    del starts, lengths
    values = np.zeros(rows * columns)
    count = separators.size - int(np.count_nonzero(zero))
    parsed: np.ndarray | None = values[:0]
    if count:
        kept = np.ones(buffer.size, dtype=bool)
        at_zero = separators[zero]
        kept[at_zero] = False  # the separator after each zero
        kept[np.subtract(at_zero, 1, out=at_zero)] = False  # the zero itself
        compact = buffer[kept]
        compact[compact == COMMA] = NEWLINE
        parsed = _parse_numbers(compact, count)
    if parsed is None or not np.isfinite(parsed).all():
        line, column, field = _first_bad_field(text, columns)
        raise WorkflowInputError(
            f"{where(line, column)} holds {field[:SHOWN_CHARACTERS]!r}, which is not a finite "
            "number. The file is damaged or not of this release; replace it with the release "
            "file."
        )
    values[np.logical_not(zero, out=zero)] = parsed
    return values.reshape(rows, columns)


def row_blocks(
    member: Member, columns: int, rows: int, rows_per_block: int
) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, values) of consecutive blocks of ``rows_per_block`` rows of the table in
    ``member``, which must have exactly ``rows`` rows of ``columns`` numbers; values is a
    (block rows, columns) float64 array, valid until the next block is asked for.

    The member is inflated to its end, so its CRC is checked. Raises
    :class:`WorkflowInputError` naming the member and the row for a damaged archive, a row
    of another length, a field that is not a number, or another number of rows.
    """
    first = 0
    for text in _blocks_in_background(member, rows_per_block):

        def where(line: int, column: int, start: int = first) -> str:
            return f"{member}, row {start + line + 1}, column {column + 1},"

        if first >= rows:
            raise _row_count_error(member, rows, f"more than {rows}")
        values = parse_block(text, columns, where)
        yield first, values
        first += values.shape[0]
    if first != rows:
        raise _row_count_error(member, rows, str(first))


def _row_count_error(member: Member, rows: int, found: str) -> WorkflowInputError:
    return WorkflowInputError(
        f"{member} has {found} rows where the ReadMe's labels give {rows}. The table and "
        "the ReadMe are of different releases (config key gloria.version), or the file is "
        "damaged; use the files of one release."
    )


def single_row(member: Member, columns: int, rows: int, row: int) -> np.ndarray:
    """Row ``row`` (0-based) of the table in ``member`` as a (columns,) float64 array; the
    other rows are counted (there must be ``rows``) but not parsed."""
    found: np.ndarray | None = None
    first = 0
    block_rows = 64
    for text in _blocks_in_background(member, block_rows):
        lines = text.count(b"\n")
        if first <= row < first + lines:
            start = 0
            for _ in range(row - first):
                start = text.index(b"\n", start) + 1
            line = text[start : text.index(b"\n", start) + 1]

            def where(_line: int, column: int) -> str:
                return f"{member}, row {row + 1}, column {column + 1},"

            found = parse_block(line, columns, where)[0].copy()
        first += lines
    if first != rows:
        raise _row_count_error(member, rows, str(first))
    assert found is not None
    return found
