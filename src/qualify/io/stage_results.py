"""Read short-track World Tour stage results (``results.csv``) into :class:`StageResult` rows.

File format: UTF-8 (a BOM is fine), comma-, semicolon- or tab-separated, a header naming at least the columns
``stage,gender,event,rank,athlete,noc,status`` in any order (other columns are ignored), then one row per
skater or relay team per race. Lines starting with ``#`` are comments (synthetic files open with one
saying that they are not real) and blank lines are skipped.

* ``stage``: 1 to 4; ``event``: ``500m``, ``1000m``, ``1500m``, ``relay`` or ``mixed-relay``;
  ``gender``: ``M`` or ``W`` (``X`` for, and only for, ``mixed-relay``).
* ``rank``: the final place, or empty for a skater or team not classified, whose ``status`` then says why
  (``DNS``, ``DNF``, ``DSQ``, ...). A ranked row has an empty status. In one race the ranks run 1..n, and
  ``t`` rows tied at rank ``r`` are followed by rank ``r + t``.
* ``athlete``: the skater (each at most once per race); empty for relays, where each NOC has one row.
* ``noc``: an IOC code from the NOC registry (``AIN`` for neutral athletes) or an ``UNNAMED-...`` placeholder.

Every problem found is collected (up to :data:`MAX_PROBLEMS`) and raised as one :class:`InputError`.
Rows are numbered as lines of the file, as an editor shows them: without comment lines the header is
row 1 and the first result row 2.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from qualify.errors import InputError, Problem
from qualify.io.csvfile import DELIMITERS, parse_rows
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.model.stage import RELAY_EVENTS, STAGE_EVENTS, STAGES, StageResult, genders_for_event

RESULTS_FILE = "results.csv"
COLUMNS: tuple[str, ...] = ("stage", "gender", "event", "rank", "athlete", "noc", "status")
MAX_PROBLEMS = 200

_GENDERS = {g.value: g for g in Gender}


class _TooManyProblems(Exception):
    pass


class _Collector:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, row: int | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.source, message, row=row, field=field))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooManyProblems


def _race_label(stage: int, gender: Gender, event: str) -> str:
    return f"stage {stage} {gender.value} {event}"


def _parse_whole(text: str) -> int | None:
    # int() alone would also take "+3", "3_0" or non-ASCII digits, which no place or stage is written as.
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else None


def read_stage_results(directory: str | Path, *, nocs: NocRegistry | None = None) -> list[StageResult]:
    """Read ``results.csv`` from ``directory`` (or the file itself, if given a file).

    ``nocs`` defaults to the bundled registry. Results come back in file order.
    """
    path = Path(directory)
    if path.is_dir():
        path = path / RESULTS_FILE
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError.single(source, f"found no such file, expected {RESULTS_FILE} with stage results"
                                ) from None
    except UnicodeDecodeError as exc:
        raise InputError.single(source, f"found bytes that are not UTF-8 at byte {exc.start}, "
                                        "expected UTF-8 text") from None
    except OSError as exc:
        raise InputError.single(source, f"cannot read file ({exc.strerror})") from None
    if "\x00" in text:
        raise InputError.single(source, "found binary content (NUL byte), expected a CSV text file")
    registry = nocs if nocs is not None else load_nocs()
    collector = _Collector(source)
    results: list[StageResult] = []
    try:
        _read(text, registry, collector, results)
    except _TooManyProblems:
        collector.problems.append(Problem(source, f"stopped reading after {MAX_PROBLEMS} problems"))
    if collector.problems:
        raise InputError(collector.problems)
    return results


def _read(text: str, registry: NocRegistry, out: _Collector, results: list[StageResult]) -> None:
    # Number lines before dropping comments and blanks so that rows match what an editor shows.
    numbered = [(number, line) for number, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        out.add(1, None, f"found no header, expected the columns {','.join(COLUMNS)}")
        return
    # Spreadsheets export with commas, semicolons or tabs: the header tells which.
    first = numbered[0][1]
    delimiter = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
    parsed, error = parse_rows(numbered, delimiter)
    if error is not None:
        out.add(error[0], None, f"found malformed CSV ({error[1]}), expected {delimiter!r}-separated values")
        return
    header_row = numbered[0][0]
    header = [h.strip().lower() for h in parsed[0][1]]
    expected_columns = ",".join(COLUMNS)
    for name in COLUMNS:
        if name not in header:
            out.add(header_row, name, f"found no '{name}' column, expected the columns {expected_columns}")
        elif header.count(name) > 1:
            out.add(header_row, name, f"found the column '{name}' {header.count(name)} times, expected once")
    if out.problems:
        return
    at = {name: header.index(name) for name in COLUMNS}

    seen: dict[tuple[int, Gender, str, str], int] = {}
    ranked: dict[tuple[int, Gender, str], list[tuple[int, int]]] = defaultdict(list)
    for row, cells in parsed[1:]:
        if len(cells) != len(header):
            out.add(row, None, f"found {len(cells)} fields, expected {len(header)} (one per header column)")
            continue
        value = {name: cells[i].strip() for name, i in at.items()}
        result = _read_row(value, row, registry, out, ranked)
        if result is None:
            continue
        key_field = "noc" if result.is_relay else "athlete"
        who = result.noc if result.is_relay else result.athlete
        key = (*result.race, who or "")
        if key in seen:
            what = "team" if result.is_relay else "athlete"
            out.add(row, key_field, f"found {what} '{who}' again in {_race_label(*result.race)} "
                                    f"(first on row {seen[key]}), expected each {what} once per race")
            continue
        seen[key] = row
        results.append(result)

    for race in sorted(ranked, key=lambda r: (r[0], r[1].value, STAGE_EVENTS.index(r[2]))):
        _check_ranks(race, ranked[race], out)
    if len(parsed) == 1:
        out.add(header_row, None, "found only the header, expected one row per skater or relay team per race")


def _read_row(value: dict[str, str], row: int, registry: NocRegistry, out: _Collector,
              ranked: dict[tuple[int, Gender, str], list[tuple[int, int]]]) -> StageResult | None:
    before = len(out.problems)

    stage = _parse_whole(value["stage"])
    if stage is None:
        out.add(row, "stage", f"found '{value['stage']}', expected a stage number 1 to {max(STAGES)}")
    elif stage not in STAGES:
        out.add(row, "stage", f"found stage {stage}, expected a stage number 1 to {max(STAGES)}")

    gender = _GENDERS.get(value["gender"])
    if gender is None:
        out.add(row, "gender", f"found '{value['gender']}', expected M, W or X")

    event = value["event"]
    if event not in STAGE_EVENTS:
        out.add(row, "event", f"found '{event}', expected one of {', '.join(STAGE_EVENTS)}")
    elif gender is not None and gender not in genders_for_event(event):
        allowed = " or ".join(g.value for g in genders_for_event(event))
        out.add(row, "gender", f"found gender {gender.value} for event {event}, expected {allowed}")

    rank: int | None = None
    status = value["status"]
    if value["rank"]:
        rank = _parse_whole(value["rank"])
        if rank is None:
            out.add(row, "rank", f"found '{value['rank']}', expected a whole number "
                                 "(or an empty rank and a status)")
        elif rank < 1:
            out.add(row, "rank", f"found rank {rank}, expected 1 or more")
        elif status:
            out.add(row, "status", f"found status '{status}' on a row ranked {rank}, expected an empty "
                                   "status (a status marks a result that has no rank)")
    elif not status:
        out.add(row, "rank", "found an empty rank and no status, expected a rank, or a status such as "
                             "DNS, DNF or DSQ")

    athlete = value["athlete"]
    if event in RELAY_EVENTS and athlete:
        out.add(row, "athlete", f"found '{athlete}', expected an empty athlete for a relay")
    elif event in STAGE_EVENTS and event not in RELAY_EVENTS and not athlete:
        out.add(row, "athlete", "found an empty athlete, expected the skater's name")

    noc = value["noc"]
    if not noc:
        out.add(row, "noc", "found an empty NOC, expected an IOC code")
    elif noc not in registry:
        out.add(row, "noc", f"found '{noc}', expected an IOC code from the NOC registry or an UNNAMED-... "
                            "placeholder")

    race_known = stage in STAGES and event in STAGE_EVENTS and gender in genders_for_event(event)
    if race_known and rank is not None and rank >= 1 and stage is not None and gender is not None:
        # Rows with other faults still hold their place, so they must not open a gap in the ranks.
        ranked[(stage, gender, event)].append((rank, row))
    if len(out.problems) > before:
        return None
    return StageResult(stage=stage, event=event, gender=gender, rank=rank, status=status,
                       athlete=athlete or None, noc=noc, source_row=row)


def _check_ranks(race: tuple[int, Gender, str], ranks: list[tuple[int, int]], out: _Collector) -> None:
    # Only the first break is reported: every rank after it is shifted and would repeat the same news.
    by_rank: dict[int, list[int]] = defaultdict(list)
    for rank, row in ranks:
        by_rank[rank].append(row)
    expected, why = 1, "the first rank"
    for rank in sorted(by_rank):
        rows = by_rank[rank]
        if rank != expected:
            out.add(min(rows), "rank",
                    f"found rank {rank}, expected {expected} ({why}) in {_race_label(*race)}")
            return
        expected = rank + len(rows)
        why = f"the rank after {len(rows)} result(s) at rank {rank}"
