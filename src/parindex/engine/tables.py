"""The one reader of spreadsheets coming in (CSV, XLSX) and the one "problem in a file" type.

Invariants:
- every import reads its file here, from a path, bytes or a binary file object, whole
  (`read_rows`) or one row at a time (`iter_rows`);
- limits (ReadLimits) are checked before anything large is held in memory: an XLSX's declared
  uncompressed size before it is opened (and Python's zipfile never inflates a member past its
  declared size), a CSV's bytes as they are read, then every cell and the number of rows;
- a file that breaks a limit or cannot be decoded raises InputError naming the file and the
  limit, never quoting its content;
- messages are English message ids with %(name)s parameters (see InputIssue.text), so the
  Django side can translate them; this module never imports Django.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

import openpyxl

MAX_ISSUES = 50

Source = str | os.PathLike | bytes | IO[bytes]


CHUNK_ROWS = 10_000  # rows read and checked at a time


def gettext_noop(message: str) -> str:
    """Marks a message id for the translation catalogue (makemessages knows this name)."""
    return message


TOO_MANY_ROWS = gettext_noop(
    "the file has more than %(limit)s rows (the limit); split it into smaller files")
CELL_TOO_LONG = gettext_noop(
    "a cell holds more than %(limit)s characters (the limit)")
TOO_LARGE = gettext_noop(
    "the file holds more than %(limit)s MB of data once unpacked (the limit)")
NOT_UTF8 = gettext_noop(
    "the file is not UTF-8 text: in Excel, save it as “CSV UTF-8 (Comma delimited)”")
NOT_XLSX = gettext_noop("the file is not a readable XLSX workbook")
NOT_TABLE = gettext_noop("expected a .csv or .xlsx file")
EMPTY = gettext_noop("the file is empty")
BROKEN_CSV = gettext_noop("the CSV file is malformed here")


@dataclass(frozen=True)
class InputIssue:
    """A problem at a place of a file; `message` is a message id when `params` is given."""

    file: str
    row: int | None
    column: str | int | None
    message: str
    params: dict = field(default_factory=dict, compare=False)

    def text(self, translate: Callable[[str], str] = gettext_noop) -> str:
        """The message alone, translated by `translate` when it is a message id."""
        if not self.params:
            return self.message
        return translate(self.message) % self.params

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        if self.column not in (None, ""):
            where.append(f"column {self.column}")
        return f"{self.file}:{', '.join(where)}: {self.text()}" if where else (
            f"{self.file}: {self.text()}")


class InputError(Exception):
    """Input files that cannot be used; `.errors` lists the issues kept, `.total` counts all."""

    def __init__(self, errors: list[InputIssue], total: int | None = None):
        self.errors = list(errors)
        self.total = max(total or 0, len(self.errors))
        super().__init__("\n".join(str(issue) for issue in self.errors))


class Issues:
    """Collects issues; stops the read once there are too many to be worth reading."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[InputIssue] = []

    def add(self, row: int | None, column: str | int | None, message: str) -> None:
        self.items.append(InputIssue(self.file, row, column, message))
        if len(self.items) >= MAX_ISSUES:
            self.items.append(InputIssue(self.file, None, None,
                                         f"stopped after {MAX_ISSUES} problems"))
            raise InputError(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)


@dataclass(frozen=True)
class ReadLimits:
    max_rows: int = 700_000  # rows under the header; the national case is 600,000 scores
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_uncompressed_mb: int = 512


def refuse(file: str, message: str, row: int | None = None, **params) -> InputError:
    return InputError([InputIssue(file, row, None, message, params or {"file": file})])


def source_name(source: Source, name: str | None = None) -> str:
    if name:
        return Path(name).name
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    stream_name = getattr(source, "name", None)
    return Path(stream_name).name if isinstance(stream_name, str) else "<file>"


def cell_text(value: Any) -> str:
    """A cell as the text a person reads in it: 45 not 45.0, a date without its midnight."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


# --------------------------------------------------------------------------- XLSX


def _binary(source: Source) -> Any:
    """What zipfile and openpyxl accept: a path or a seekable binary file."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    return source


def open_workbook(source: Source, file: str, limits: ReadLimits):
    """An openpyxl read-only workbook, refused unread when its parts declare too much data."""
    handle = _binary(source)
    try:
        with zipfile.ZipFile(handle) as archive:
            declared = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError):  # a missing file is the caller's OSError
        raise refuse(file, NOT_XLSX) from None
    if declared > limits.max_uncompressed_mb * 2**20:
        raise refuse(file, TOO_LARGE, limit=limits.max_uncompressed_mb)
    if hasattr(handle, "seek"):
        handle.seek(0)
    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise refuse(file, NOT_XLSX) from None


def sheet_values(ws, file: str, limits: ReadLimits) -> Iterator[tuple]:
    """The rows of a sheet as cell values, header first, within the row and cell limits.
    A corrupt part (a member inflating past its declared size fails its CRC) is refused."""
    rows = ws.iter_rows(values_only=True)
    try:
        for number, values in enumerate(rows, start=1):
            if number > limits.max_rows + 1:
                raise refuse(file, TOO_MANY_ROWS, limit=limits.max_rows)
            for value in values:
                if isinstance(value, str) and len(value) > limits.max_cell_chars:
                    raise refuse(file, CELL_TOO_LONG, row=number, limit=limits.max_cell_chars)
            yield values
    except InputError:
        raise
    except Exception:  # zipfile/XML errors mid-sheet: a damaged or forged file
        raise refuse(file, NOT_XLSX) from None


def read_xlsx_rows(source: Source, file: str, limits: ReadLimits) -> Iterator[list[str]]:
    """The first sheet's rows as texts, header first, whatever the file is called."""
    book = open_workbook(source, file, limits)
    try:
        for values in sheet_values(book.worksheets[0], file, limits):
            yield [cell_text(v) for v in values]
    finally:
        book.close()


# --------------------------------------------------------------------------- CSV and text


class _Counted(io.RawIOBase):
    """A binary stream that refuses to give more than `limit` bytes."""

    def __init__(self, stream: IO[bytes], limit: int, fail: Callable[[], Exception]):
        self.stream, self.limit, self.fail, self.count = stream, limit, fail, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise self.fail()
        buffer[:len(data)] = data
        return len(data)


def sniff_encoding(head: bytes) -> str | None:
    """UTF-8 (with or without BOM) or UTF-16 with its BOM, as Excel writes them; None otherwise."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in head:
        return None  # UTF-16 without a BOM, or not text at all
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not just a character cut at the end of the sample
            return None
    return "utf-8"


def decode_text(data: bytes, file: str, message: str = NOT_UTF8) -> str:
    """Bytes of a text file (YAML) in UTF-8 or UTF-16 with a BOM, else InputError."""
    encoding = sniff_encoding(data[:65536])
    try:
        if encoding is None:
            raise UnicodeDecodeError("utf-8", b"", 0, 1, "")
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise refuse(file, message) from None


def _delimiter(first_line: str) -> str:
    # Spreadsheets set to Vietnamese save CSV with semicolons; Excel's "Unicode Text" with tabs.
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(source: Source, file: str, limits: ReadLimits) -> Iterator[list[str]]:
    opened = isinstance(source, str | os.PathLike)
    stream = open(source, "rb") if opened else _binary(source)  # noqa: SIM115 (closed below)
    try:
        counted = _Counted(stream, limits.max_uncompressed_mb * 2**20,
                           lambda: refuse(file, TOO_LARGE, limit=limits.max_uncompressed_mb))
        buffered = io.BufferedReader(counted, 65536)
        head = buffered.peek(65536)[:65536]
        encoding = sniff_encoding(head)
        if encoding is None:
            raise refuse(file, NOT_UTF8)
        first_line = head.decode(encoding, errors="ignore").split("\n", 1)[0]
        text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
        reader = csv.reader(text, delimiter=_delimiter(first_line))
        yield from _limited(reader, file, limits)
    finally:
        if opened:
            stream.close()


def _limited(reader, file: str, limits: ReadLimits) -> Iterator[list[str]]:
    """The rows of `reader`, at most max_rows + 1 of them (header included), no cell longer than
    max_cell_chars. Rows are taken and measured a chunk at a time by C loops (islice, map over
    chain), as fast as csv.reader itself, so memory holds one chunk. A cell too long is reported
    at its row (row n of the file is the n-th row given)."""
    taken = 0
    while True:
        try:
            rows = list(islice(reader, CHUNK_ROWS))
        except UnicodeDecodeError:
            raise refuse(file, NOT_UTF8) from None
        except csv.Error as error:  # a field past csv's own limit, a NUL byte, a broken quote
            if "field larger" in str(error):
                raise refuse(file, CELL_TOO_LONG, row=reader.line_num,
                             limit=limits.max_cell_chars) from None
            raise refuse(file, BROKEN_CSV, row=reader.line_num) from None
        if not rows:
            return
        taken += len(rows)
        if taken > limits.max_rows + 1:
            raise refuse(file, TOO_MANY_ROWS, limit=limits.max_rows)
        if max(map(len, chain.from_iterable(rows)), default=0) > limits.max_cell_chars:
            number = taken - len(rows) + next(
                n for n, row in enumerate(rows, start=1)
                if max(map(len, row), default=0) > limits.max_cell_chars)
            raise refuse(file, CELL_TOO_LONG, row=number, limit=limits.max_cell_chars)
        yield from rows


# --------------------------------------------------------------------------- the one reader


def iter_rows(source: Source, name: str | None = None,
              limits: ReadLimits | None = None) -> Iterator[list[str]]:
    """Every row of a CSV or the first sheet of an XLSX as texts, header first, one at a time
    (the limits are checked as the rows come; a file that breaks one raises mid-way).
    `name` gives the file name (and so the type) of bytes or a stream."""
    limits = limits or ReadLimits()
    file = source_name(source, name)
    suffix = Path(file).suffix.lower()
    if suffix == ".csv":
        return _csv_rows(source, file, limits)
    if suffix == ".xlsx":
        return read_xlsx_rows(source, file, limits)
    raise refuse(file, NOT_TABLE)


def read_rows(source: Source, name: str | None = None,
              limits: ReadLimits | None = None) -> list[list[str]]:
    """Every row of a CSV or the first sheet of an XLSX as texts, header first (row n of the
    file is index n - 1). `name` gives the file name (and so the type) of bytes or a stream."""
    return list(iter_rows(source, name, limits))
