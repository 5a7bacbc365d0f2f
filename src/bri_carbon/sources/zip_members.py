"""Read one member of a zip archive as a stream, inflated with ISA-L.

Upstream MRIO tables come as deflated text in zip archives (Eora26's T: about 300 MB of
text a year, GLORIA's T: about 6 GB). The standard library inflates them with zlib; the
ISA-L bindings (``isal``) inflate the same deflate stream about twice as fast and compute
its CRC-32 about three times as fast, both without holding the GIL. :func:`open_member`
returns a binary stream of the member's bytes, exactly as :meth:`zipfile.ZipFile.open`
would give them: the member is located through the archive's central directory
(:mod:`zipfile`, ZIP64 included), its local header is checked, and at the end of the
member the size and the CRC-32 are compared with the directory's. A damaged member raises
:class:`zipfile.BadZipFile`, as :mod:`zipfile` does, so that callers name the file.

Members that are not deflated (stored, bzip2, LZMA) or are encrypted are opened with
:mod:`zipfile` itself.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

from isal import isal_zlib

#: Compressed bytes read from the archive per call.
READ_BYTES = 4 * 2**20
#: The local file header: signature, then (at offset 26) the name and extra-field lengths.
_LOCAL_HEADER = struct.Struct("<4s22xHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
#: General-purpose flag: the member's name is UTF-8 (otherwise code page 437).
_UTF8_NAME = 0x800


class _InflatedMember(io.RawIOBase):
    """The inflated bytes of one deflated member, checked against its size and CRC-32."""

    def __init__(self, archive: Path, info: zipfile.ZipInfo) -> None:
        super().__init__()
        self._name = f"{archive} (member {info.filename})"
        self._info = info
        self._file = open(archive, "rb")  # noqa: SIM115 (closed by close())
        try:
            self._file.seek(info.header_offset)
            header = self._file.read(_LOCAL_HEADER.size)
            if len(header) != _LOCAL_HEADER.size:
                raise zipfile.BadZipFile(f"{self._name}: truncated local header")
            signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
            encoding = "utf-8" if info.flag_bits & _UTF8_NAME else "cp437"
            name = self._file.read(name_length).decode(encoding, "replace")
            if signature != _LOCAL_SIGNATURE or name != info.orig_filename:
                raise zipfile.BadZipFile(
                    f"{self._name}: the local header does not match the directory"
                )
            self._file.seek(extra_length, io.SEEK_CUR)
        except BaseException:
            self._file.close()
            raise
        self._left = info.compress_size
        self._inflater = isal_zlib.decompressobj(-15)
        self._pending = b""
        self._offset = 0
        self._crc = 0
        self._size = 0

    def readable(self) -> bool:
        return True

    def _more(self) -> bytes:
        """The next inflated bytes; b"" at the end of the member, once it is checked."""
        while not self._inflater.eof:
            if self._inflater.unconsumed_tail:
                data = self._inflater.unconsumed_tail
            else:
                if self._left <= 0:
                    raise zipfile.BadZipFile(f"{self._name}: the deflate stream ends early")
                data = self._file.read(min(READ_BYTES, self._left))
                if not data:
                    raise EOFError(f"{self._name}: the archive ends inside the member")
                self._left -= len(data)
            try:
                chunk = self._inflater.decompress(data, READ_BYTES)
            except isal_zlib.error as err:
                raise zipfile.BadZipFile(f"{self._name}: {err}") from err
            if chunk:
                self._crc = isal_zlib.crc32(chunk, self._crc)
                self._size += len(chunk)
                return chunk
        if self._size != self._info.file_size:
            raise zipfile.BadZipFile(
                f"{self._name}: {self._size} bytes inflated, the directory says "
                f"{self._info.file_size}"
            )
        if self._crc != self._info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {self._info.filename!r}")
        return b""

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative); b"" at the end. A whole
        inflated chunk is handed out without a copy when ``size`` covers it."""
        if self._offset >= len(self._pending):
            self._pending, self._offset = self._more(), 0
        if size is None or size < 0:
            parts = [self._pending[self._offset :]]
            while chunk := self._more():
                parts.append(chunk)
            self._pending, self._offset = b"", 0
            return b"".join(parts)
        if self._offset == 0 and len(self._pending) <= size:
            taken, self._pending = self._pending, b""
            return taken
        with memoryview(self._pending) as view:
            taken = bytes(view[self._offset : self._offset + size])
        self._offset += len(taken)
        return taken

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


def open_member(archive: Path, name: str) -> BinaryIO:
    """A binary stream of member ``name`` of ``archive`` (see the module docstring); use it
    as a context manager. ``read(size)`` may return fewer bytes than asked before the end.
    Raises :class:`zipfile.BadZipFile` for damaged members, :class:`KeyError` for a name the
    archive does not hold, :class:`OSError` when the file cannot be read."""
    with zipfile.ZipFile(archive) as handle:
        info = handle.getinfo(name)
        if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
            # zipfile's own stream keeps the archive's file open until it is closed.
            return handle.open(name)
    return _InflatedMember(Path(archive), info)  # type: ignore[return-value]
