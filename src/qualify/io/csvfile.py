"""Reading CSV exported from spreadsheets: BOM, delimiters, comment lines, and located errors."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
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


def _content_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every line that is not blank and not a '#' comment."""
    return [(number, line) for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a file, told from its header: the most frequent of comma, semicolon and tab."""
    return max(DELIMITERS, key=header_line.count) if any(d in header_line for d in DELIMITERS) else ","


def read_header(path: Path) -> list[str]:
    """The lower-cased column names of a CSV file, read as :func:`read_csv` reads them ([] for an empty file)."""
    numbered = _content_lines(read_text(path))
    if not numbered:
        return []
    parsed, _ = parse_rows(numbered[:1], sniff_delimiter(numbered[0][1]))
    return [name.strip().lower() for name in parsed[0][1]] if parsed else []


def read_csv(path: Path, *, required: list[str], optional: Sequence[str] = (), ignore_unknown: bool = False,
             text: str | None = None) -> CsvTable:
    """Rows keyed by lower-cased header names; the header must hold every required column.

    Lines starting with '#' (before or between rows) are comments, kept in ``comments``. Unknown columns are rejected
    so that a misspelt column is not silently ignored, unless ``ignore_unknown`` (exports that carry times and other
    columns nobody reads). ``text`` is the file's content when the caller has already read it.
    """
    text = read_text(path) if text is None else text
    numbered = _content_lines(text)
    if not numbered:
        raise InputError.single(str(path), f"empty file: expected a header with {', '.join(required)}")
    delimiter = sniff_delimiter(numbered[0][1])
    parsed, error = parse_rows(numbered, delimiter)
    if error is not None:
        raise InputError.single(str(path), f"malformed CSV ({error[1]}), expected {delimiter!r}-separated values "
                                           "with balanced double quotes", row=error[0])
    header = [name.strip().lower() for name in parsed[0][1]]
    problems = []
    missing = [name for name in required if name not in header]
    allowed = set(required) | set(optional)
    unknown = [] if ignore_unknown else [name for name in header if name not in allowed]
    if missing and unknown:
        # One line for one wrong header: what it has, what is missing, what is not allowed, and what would do.
        shown_optional = f" (optional: {', '.join(optional)})" if optional else ""
        problems.append(Problem(str(path), f"found columns {', '.join(_shown(n) for n in header)}: missing "
                                           f"{', '.join(missing)} and unknown {', '.join(_shown(n) for n in unknown)}; "
                                           f"expected {', '.join(required)}{shown_optional}", row=numbered[0][0]))
    elif missing:
        problems.append(Problem(str(path), f"missing column(s) {', '.join(missing)}; found "
                                           f"{', '.join(_shown(n) for n in header)}", row=numbered[0][0]))
    elif unknown:
        problems.append(Problem(str(path), f"unknown column(s) {', '.join(_shown(n) for n in unknown)}; expected "
                                           f"{', '.join([*required, *optional])}", row=numbered[0][0]))
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
    return f"'{name}'" if name and not name.isprintable() else name if name else "'' (an empty header cell)"


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
