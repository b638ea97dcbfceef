"""Reading CSV exported from spreadsheets: BOM, delimiters, comment lines, and located errors."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from qualify.errors import InputError, Problem

DELIMITERS = ",;\t"
# int() and float() alone would also take "1_000", "+ 3" or non-ASCII digits, which no spreadsheet writes.
_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


@dataclass(frozen=True)
class CsvRow:
    line: int  # physical line in the file (the header is usually line 1), as a spreadsheet shows it
    values: dict[str, str]


@dataclass
class CsvTable:
    path: str
    header: list[str]
    rows: list[CsvRow]
    comments: list[str] = field(default_factory=list)  # the text of '#' lines, without the '#'


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError.single(str(path), "file not found") from None
    except OSError as exc:
        raise InputError.single(str(path), f"cannot read file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(str(path), f"not UTF-8 text (bad byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                                           "save the file as UTF-8", row=raw[:exc.start].count(b"\n") + 1) from None
    if "\x00" in text:
        raise InputError.single(str(path), "binary content (NUL byte): expected a CSV text file",
                                row=text[:text.index("\x00")].count("\n") + 1)
    return text


def read_csv(path: Path, *, required: list[str], optional: list[str] | tuple[str, ...] = (),
             ignore_unknown: bool = False, text: str | None = None) -> CsvTable:
    """Rows keyed by lower-cased header names; the header must hold every required column.

    Lines starting with '#' (before or between rows) are comments, kept in ``comments``. Unknown columns are rejected
    so that a misspelt column is not silently ignored, unless ``ignore_unknown`` (exports that carry times and other
    columns nobody reads). ``text`` is the file's content when the caller has already read it.
    """
    text = read_text(path) if text is None else text
    numbered = [(number, line) for number, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise InputError.single(str(path), f"empty file: expected a header with {', '.join(required)}")
    header_line = numbered[0][1]
    delimiter = max(DELIMITERS, key=header_line.count) if any(d in header_line for d in DELIMITERS) else ","
    parsed, error = parse_rows(numbered, delimiter)
    if error is not None:
        raise InputError.single(str(path), f"malformed CSV ({error[1]}), expected {delimiter!r}-separated values "
                                           "with balanced double quotes", row=error[0])
    header = [name.strip().lower() for name in parsed[0][1]]
    problems = []
    missing = [name for name in required if name not in header]
    if missing:
        problems.append(Problem(str(path), f"missing column(s) {', '.join(missing)}; found {', '.join(header)}",
                                row=numbered[0][0]))
    allowed = set(required) | set(optional)
    unknown = [name for name in header if name not in allowed]
    if unknown and not ignore_unknown:
        problems.append(Problem(str(path), f"unknown column(s) {', '.join(_shown(n) for n in unknown)}; expected "
                                           f"{', '.join(required + list(optional))}", row=numbered[0][0]))
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        problems.append(Problem(str(path), f"column(s) {', '.join(_shown(n) for n in duplicated)} appear more than "
                                           "once, expected each column once", row=numbered[0][0]))
    if problems:
        raise InputError(problems)
    rows = []
    for number, cells in parsed[1:]:
        if len(cells) != len(header):
            problems.append(Problem(str(path), f"found {len(cells)} cells, expected {len(header)} "
                                               f"(one per column, {delimiter!r}-separated)", row=number))
            continue
        rows.append(CsvRow(number, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}))
    if problems:
        raise InputError(problems)
    comments = [line.lstrip()[1:].strip() for line in text.splitlines() if line.lstrip().startswith("#")]
    return CsvTable(str(path), header, rows, comments)


def parse_rows(numbered: list[tuple[int, str]], delimiter: str
               ) -> tuple[list[tuple[int, list[str]]], tuple[int | None, str] | None]:
    """Rows with the line each starts on (a quoted cell may run over several lines), or the first syntax error."""
    reader = csv.reader([line for _, line in numbered], delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 0  # index in ``numbered`` of the line the next row starts on
    try:
        for cells in reader:
            rows.append((numbered[start][0], cells))
            start = reader.line_num
    except csv.Error as exc:
        return rows, (numbered[min(reader.line_num, len(numbered)) - 1][0] if reader.line_num else None, str(exc))
    return rows, None


def _shown(name: str) -> str:
    return name if name else "'' (an empty header cell)"


class RowErrors:
    """Collects problems across rows so one run reports all of them, not just the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, row: int | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.path, message, row=row, field=field))

    def integer(self, row: CsvRow, field: str, *, minimum: int | None = None) -> int | None:
        text = row.values.get(field, "")
        if not _WHOLE.fullmatch(text):
            self.add(row.line, field, f"found '{text}', expected a whole number")
            return None
        value = int(text)
        if minimum is not None and value < minimum:
            self.add(row.line, field, f"found {value}, expected a whole number >= {minimum}")
            return None
        return value

    def number(self, row: CsvRow, field: str, *, minimum: float | None = None) -> float | None:
        text = row.values.get(field, "")
        if text.lower() in _NOT_FINITE:
            self.add(row.line, field, f"found '{text}', expected a finite number")
            return None
        if not _DECIMAL.fullmatch(text):
            self.add(row.line, field, f"found '{text}', expected a number")
            return None
        value = float(text)
        if value in (float("inf"), float("-inf")):  # e.g. 1e999
            self.add(row.line, field, f"found '{text}', expected a finite number")
            return None
        if minimum is not None and value < minimum:
            self.add(row.line, field, f"found {text}, expected a number >= {minimum:g}")
            return None
        return value

    def raise_if_any(self) -> None:
        if self.problems:
            # In file order: a row's own problems first in the order found, checks across rows at their row.
            raise InputError(sorted(self.problems, key=lambda p: -1 if p.row is None else p.row))
