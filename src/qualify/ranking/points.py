"""Points per final place in a race, and how tied results share them.

A rule file declares its tables under ``points_tables`` (id, file, ``beyond``, basis and source) and each built list
names one by id; :func:`load_points_tables` reads them. The bundled tables live in ``tables/``:

* ``isu_world_ranking_inferred.csv`` (short track): the ISU "World Ranking" table is not public, so this is an
  *inference* from the published SOQC totals (see ``facts.md`` and ``data/short-track-2026/published/README.md``):
  ``points(place) = 1000 × 0.85^(place − 1)``, rounded to 0.1 and never below 0.1, tied skaters sharing the mean
  of the places they cover.
* ``ismf_world_cup_assumed.csv`` (ski mountaineering): an *assumption*, the 100-80-60-... World Cup scale; the
  ISMF's table for the Olympic ranking lists was not found in public sources.

They are data, not code: a user replaces one with ``--points`` (or a file next to their own rule file).

Table file format (UTF-8, BOM allowed): a header ``place,points`` and one row per place, places 1..n
without gaps; points are non-negative decimals with at most one decimal and never rise with the place.
Lines starting with ``#`` before the header are comments.

Places beyond the last row follow the table's ``beyond`` rule:

* ``"last"`` (default): the last row's points. Every classified skater scores, and the inferred table
  already ends on its 0.1 floor, so this extends it the way the formula would.
* ``"zero"``: no points.
* ``"error"``: a place past the table is a mistake in the data and raises ``ValueError``.

All arithmetic is exact (``Decimal``); only a tie's mean is rounded, half up to 0.1, so that sums of
table values reproduce published totals given in tenths.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from qualify.errors import InputError, Problem

TENTH = Decimal("0.1")
_PLAIN_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
DEFAULT_TABLE = "isu_world_ranking_inferred.csv"
BEYOND_RULES = ("last", "zero", "error")
Beyond = Literal["last", "zero", "error"]


def round_tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


class PointsTable:
    """Points for places 1..n plus a rule for places past n."""

    def __init__(self, points: Iterable[Decimal | int | str], *, beyond: Beyond = "last",
                 name: str = "") -> None:
        values = tuple(Decimal(p) for p in points)
        if not values:
            raise ValueError("a points table needs at least one place")
        if beyond not in BEYOND_RULES:
            raise ValueError(f"beyond must be one of {', '.join(BEYOND_RULES)}, not {beyond!r}")
        self._points = values
        self.beyond: Beyond = beyond
        self.name = name
        self.id = ""
        self.basis = ""  # "published", "inferred", "assumption" (from the rule file), or "user"
        self.source = ""
        self._shared: dict[tuple[int, int], Decimal] = {}

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def geometric(
        cls,
        *,
        first: Decimal | int | str = 1000,
        ratio: Decimal | str = "0.85",
        places: int = 200,
        floor: Decimal | str = "0.1",
        beyond: Beyond = "last",
    ) -> PointsTable:
        """``first × ratio^(place − 1)`` rounded to 0.1, never below ``floor``."""
        first, ratio, floor = Decimal(first), Decimal(ratio), Decimal(floor)
        with localcontext() as ctx:
            # Powers of 0.85 are exact decimals; enough digits keeps the one rounding step honest.
            ctx.prec = 120
            values = [max(round_tenth(first * ratio ** (p - 1)), floor) for p in range(1, places + 1)]
        return cls(values, beyond=beyond, name=f"geometric {first} x {ratio}^(place-1), floor {floor}")

    @classmethod
    def from_csv(cls, path: str | Path, *, beyond: Beyond = "last") -> PointsTable:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputError.single(str(path), "found no such file, expected a points table CSV") from None
        except UnicodeDecodeError as exc:
            raise InputError.single(str(path), f"found bytes that are not UTF-8 ({exc.reason}), "
                                               "expected UTF-8 text") from None
        except OSError as exc:
            raise InputError.single(str(path), f"cannot read file ({exc.strerror})") from None
        return cls.from_text(text, source=str(path), beyond=beyond)

    @classmethod
    def from_text(cls, text: str, *, source: str, beyond: Beyond = "last") -> PointsTable:
        lines = text.lstrip("\ufeff").splitlines()
        if "\x00" in text:
            raise InputError.single(source, "found binary content (NUL byte), expected a CSV text file")
        skipped = 0
        while skipped < len(lines) and (lines[skipped].lstrip().startswith("#") or not lines[skipped].strip()):
            skipped += 1
        if skipped == len(lines):
            raise InputError.single(source, "found no header, expected 'place,points'", row=1)
        first = lines[skipped]
        delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
        reader = csv.reader(lines[skipped:], delimiter=delimiter)
        header = next(_rows(reader, source, skipped))
        header = [h.strip() for h in header]
        missing = [c for c in ("place", "points") if c not in header]
        if missing:
            raise InputError([Problem(source, f"found header {','.join(header)}, expected a '{c}' column",
                                      row=skipped + 1, field=c) for c in missing])
        i_place, i_points = header.index("place"), header.index("points")
        problems: list[Problem] = []
        values: list[Decimal] = []
        for cells in _rows(reader, source, skipped):
            row = skipped + reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(Problem(source, f"found {len(cells)} fields, expected {len(header)}",
                                        row=row))
                continue
            place_text, points_text = cells[i_place].strip(), cells[i_points].strip()
            expected_place = len(values) + 1
            if place_text != str(expected_place):
                problems.append(Problem(source, f"found place '{place_text}', expected {expected_place} "
                                        "(places run 1, 2, 3, ... without gaps)", row=row, field="place"))
            try:
                # Plain decimals only: Decimal() would also take "1_0", "1e999999" or non-ASCII digits.
                if not _PLAIN_DECIMAL.fullmatch(points_text):
                    raise InvalidOperation
                value = Decimal(points_text)
                tenths = round_tenth(value)  # raises for more digits than the context holds
            except InvalidOperation:
                problems.append(Problem(source, f"found '{points_text}', expected a number", row=row,
                                        field="points"))
                values.append(values[-1] if values else Decimal(0))
                continue
            if value < 0 or value != tenths:
                problems.append(Problem(source, f"found {points_text}, expected a non-negative number "
                                        "with at most one decimal", row=row, field="points"))
            elif values and value > values[-1]:
                problems.append(Problem(source, f"found {points_text}, expected at most {values[-1]} (the "
                                        "points of the place before)", row=row, field="points"))
            values.append(value)
        if not values and not problems:
            problems.append(Problem(source, "found no places, expected at least place 1", row=skipped + 2))
        if problems:
            raise InputError(problems)
        return cls(values, beyond=beyond, name=source)

    @classmethod
    def default(cls) -> PointsTable:
        """The bundled inferred table (see the module docstring for what it is and is not)."""
        return _default_table()

    # -- lookup ---------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._points)

    def rows(self) -> list[tuple[int, Decimal]]:
        return [(place, value) for place, value in enumerate(self._points, start=1)]

    def points(self, place: int) -> Decimal:
        if place < 1:
            raise ValueError(f"places start at 1, got {place}")
        if place <= len(self._points):
            return self._points[place - 1]
        if self.beyond == "last":
            return self._points[-1]
        if self.beyond == "zero":
            return Decimal(0)
        raise ValueError(f"place {place} is past the last place ({len(self._points)}) of the points table")

    def points_for(self, place: int, tied_count: int = 1) -> Decimal:
        """Points of one skater at ``place`` who shares it with ``tied_count − 1`` others.

        Tied skaters cover places ``place .. place + tied_count − 1`` and each gets their mean, rounded
        half up to 0.1 (the published totals fit this; see the module docstring).
        """
        if tied_count < 1:
            raise ValueError(f"tied_count must be at least 1, got {tied_count}")
        if tied_count == 1:
            return self.points(place)
        shared = self._shared.get((place, tied_count))
        if shared is None:
            covered = sum((self.points(p) for p in range(place, place + tied_count)), Decimal(0))
            shared = self._shared[(place, tied_count)] = round_tenth(covered / tied_count)
        return shared

    def to_csv_text(self) -> str:
        return "place,points\n" + "".join(f"{p},{v:.1f}\n" for p, v in self.rows())


def _rows(reader, source: str, skipped: int):
    """The reader's rows; a quote left open is a located problem, not a crash."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError.single(source, f"found malformed CSV ({exc}), expected comma-separated values",
                                    row=skipped + reader.line_num) from None


def load_points_tables(system: object, overrides: dict[str, Path] | None = None) -> dict[str, PointsTable]:
    """Every points table a system declares, by id; ``overrides`` replace tables by id with the user's files.

    A table's ``file`` is looked up next to the rule file first, then among the bundled tables.
    """
    overrides = overrides or {}
    tables: dict[str, PointsTable] = {}
    problems: list[Problem] = []
    origin = getattr(system, "origin", None)
    for index, spec in enumerate(getattr(system, "points_tables", ())):
        try:
            if spec.id in overrides:
                table = PointsTable.from_csv(overrides[spec.id], beyond=spec.beyond)
                table.basis, table.source = "user", f"replaced with {overrides[spec.id]}"
            else:
                table = _declared_table(spec.file, spec.beyond, origin, f"points_tables[{index}].file")
                table.basis, table.source = spec.basis, spec.source
            table.id = spec.id
            tables[spec.id] = table
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return tables


def _declared_table(file: str, beyond: Beyond, origin: Path | None, key_path: str) -> PointsTable:
    if origin is not None and (origin.parent / file).is_file():
        return PointsTable.from_csv(origin.parent / file, beyond=beyond)
    ref = resources.files("qualify.ranking").joinpath("tables", file)
    if not ref.is_file():
        raise InputError.single(str(origin) if origin is not None else "rule file",
                                f"found points table file '{file}', which is neither next to the rule file nor a "
                                "bundled table", key_path=key_path)
    bundled = _bundled_table(file)
    return PointsTable([v for _, v in bundled.rows()], beyond=beyond, name=bundled.name)


@lru_cache(maxsize=16)
def _bundled_table(file: str) -> PointsTable:
    ref = resources.files("qualify.ranking").joinpath("tables", file)
    return PointsTable.from_text(ref.read_text(encoding="utf-8-sig"), source=f"qualify/ranking/tables/{file}")


@lru_cache(maxsize=1)
def _default_table() -> PointsTable:
    ref = resources.files("qualify.ranking").joinpath("tables", DEFAULT_TABLE)
    return PointsTable.from_text(ref.read_text(encoding="utf-8-sig"),
                                 source=f"qualify/ranking/tables/{DEFAULT_TABLE}")
