"""Reading CSV exported from spreadsheets: BOM, delimiters, comment lines, and located errors."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from qualify.errors import InputError, Problem

DELIMITERS = ",;\t"


@dataclass(frozen=True)
class CsvRow:
    line: int  # physical line in the file (the header is usually line 1), as a spreadsheet shows it
    values: dict[str, str]


@dataclass
class CsvTable:
    path: str
    header: list[str]
    rows: list[CsvRow]


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError.single(str(path), "file not found") from None
    except OSError as exc:
        raise InputError.single(str(path), f"cannot read file ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(str(path), f"not UTF-8 text (bad byte at offset {exc.start}); "
                                           "save the file as UTF-8") from None


def read_csv(path: Path, *, required: list[str], optional: list[str] = ()) -> CsvTable:
    """Rows keyed by lower-cased header names; the header must hold every required column.

    Lines starting with '#' (before or between rows) are comments. Unknown columns are rejected so that
    a misspelt column is not silently ignored.
    """
    text = read_text(path)
    if "\x00" in text:
        raise InputError.single(str(path), "binary content (NUL byte): expected a CSV text file")
    numbered = [(number, line) for number, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise InputError.single(str(path), f"empty file: expected a header with {', '.join(required)}")
    header_line = numbered[0][1]
    delimiter = max(DELIMITERS, key=header_line.count) if any(d in header_line for d in DELIMITERS) else ","
    try:
        parsed = list(csv.reader([line for _, line in numbered], delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise InputError.single(str(path), f"malformed CSV ({exc})") from None
    header = [name.strip().lower() for name in parsed[0]]
    problems = []
    missing = [name for name in required if name not in header]
    if missing:
        problems.append(Problem(str(path), f"missing column(s) {', '.join(missing)}; found {', '.join(header)}",
                                row=numbered[0][0]))
    allowed = set(required) | set(optional)
    unknown = [name for name in header if name not in allowed]
    if unknown:
        problems.append(Problem(str(path), f"unknown column(s) {', '.join(unknown)}; expected "
                                           f"{', '.join(required + list(optional))}", row=numbered[0][0]))
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        problems.append(Problem(str(path), f"column(s) {', '.join(duplicated)} appear more than once",
                                row=numbered[0][0]))
    if problems:
        raise InputError(problems)
    rows = []
    for (number, _), cells in zip(numbered[1:], parsed[1:], strict=True):
        if len(cells) != len(header):
            problems.append(Problem(str(path), f"{len(cells)} cells, expected {len(header)} "
                                               f"({delimiter!r}-separated)", row=number))
            continue
        rows.append(CsvRow(number, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}))
    if problems:
        raise InputError(problems)
    return CsvTable(str(path), header, rows)


class RowErrors:
    """Collects problems across rows so one run reports all of them, not just the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, row: int | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.path, message, row=row, field=field))

    def integer(self, row: CsvRow, field: str, *, minimum: int | None = None) -> int | None:
        text = row.values.get(field, "")
        try:
            value = int(text)
        except ValueError:
            self.add(row.line, field, f"found '{text}', expected a whole number")
            return None
        if minimum is not None and value < minimum:
            self.add(row.line, field, f"found {value}, expected a whole number >= {minimum}")
            return None
        return value

    def number(self, row: CsvRow, field: str, *, minimum: float | None = None) -> float | None:
        text = row.values.get(field, "")
        try:
            value = float(text)
        except ValueError:
            self.add(row.line, field, f"found '{text}', expected a number")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.add(row.line, field, f"found '{text}', expected a finite number")
            return None
        if minimum is not None and value < minimum:
            self.add(row.line, field, f"found {text}, expected a number >= {minimum:g}")
            return None
        return value

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
