"""Checks across input files, and of options against the system they are given for.

Each file can be right on its own and the set still wrong: the men's and women's files swapped or one copied over
the other (athletes who raced in one gender then sit on the other gender's list), one athlete under two NOCs in
different files, an eligibility result naming an athlete in another gender than the lists do. And an option can
be well-formed but not apply to the system (``--results`` for a system that reads its lists from files, ``--places``
where the walks grant no event places): silently ignoring it would give a plausible table for a question the user
did not ask. Every problem is one located line; all are raised together as one :class:`InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualify.engine.eligibility import RaceResult
from qualify.errors import InputError, Problem
from qualify.model.common import Gender
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import RankingWalkStep, System

_GENDER_WORDS = {Gender.MEN: "men's", Gender.WOMEN: "women's", Gender.MIXED: "mixed"}


@dataclass(frozen=True)
class _Seen:
    athlete: str
    noc: str
    gender: Gender
    where: str  # "file, row N" or a list title
    ranking: RankingList


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _where(ranking: RankingList, entry: RankingEntry) -> str:
    source = ranking.source or ranking.title
    return f"{source}, row {entry.source_row}" if entry.source_row is not None else source


def check_lists(system: System, lists: dict[str, RankingList], race_results: list[RaceResult] | None = None) -> None:
    """Raise every problem found across the lists (and the eligibility results) of one run."""
    problems: list[Problem] = []
    first: dict[str, _Seen] = {}
    gender_clashes: dict[tuple[str, str], list[tuple[_Seen, _Seen]]] = {}
    noc_clashes: set[str] = set()
    for ranking in lists.values():
        for entry in ranking.entries:
            if not entry.athlete:
                continue
            seen = _Seen(entry.athlete, entry.noc, ranking.gender, _where(ranking, entry), ranking)
            earlier = first.setdefault(_key(entry.athlete), seen)
            if earlier is seen:
                continue
            if earlier.gender is not seen.gender and Gender.MIXED not in (earlier.gender, seen.gender):
                pair = (earlier.ranking.id, ranking.id)
                gender_clashes.setdefault(pair, []).append((earlier, seen))
            elif earlier.noc != seen.noc and _key(entry.athlete) not in noc_clashes:
                noc_clashes.add(_key(entry.athlete))
                problems.append(Problem(ranking.source or ranking.title,
                                        f"athlete '{entry.athlete}' is listed for {seen.noc} here and for "
                                        f"{earlier.noc} in {earlier.where}: expected one NOC per athlete",
                                        row=entry.source_row, field="noc"))
    for clashes in gender_clashes.values():
        earlier, seen = clashes[0]
        more = f" (and {len(clashes) - 1} more athlete(s) on both lists)" if len(clashes) > 1 else ""
        problems.append(Problem(seen.ranking.source or seen.ranking.title,
                                f"athlete '{seen.athlete}' is on this {_GENDER_WORDS[seen.gender]} list and on the "
                                f"{_GENDER_WORDS[earlier.gender]} list {earlier.ranking.title} ({earlier.where})"
                                f"{more}: expected each athlete in one gender; were the men's and women's files "
                                "swapped, or one copied over the other?",
                                row=_row(seen), field="athlete"))
    results_file = _results_file(system, lists)
    for result in race_results or []:
        listed = first.get(_key(result.athlete))
        if listed is None or listed.gender is Gender.MIXED:
            continue
        earlier = listed
        if earlier.gender is not result.gender:
            problems.append(Problem(results_file,
                                    f"athlete '{result.athlete}' raced as {result.gender.value} here but is on the "
                                    f"{_GENDER_WORDS[earlier.gender]} list ({earlier.where}): expected the same "
                                    "gender in every file", row=result.source_row, field="gender"))
        elif earlier.noc != result.noc:
            problems.append(Problem(results_file,
                                    f"athlete '{result.athlete}' raced for {result.noc} here but is listed for "
                                    f"{earlier.noc} ({earlier.where}): expected one NOC per athlete",
                                    row=result.source_row, field="noc"))
    if problems:
        raise InputError(problems)


def _results_file(system: System, lists: dict[str, RankingList]) -> str:
    """The eligibility results file, beside the list files it was read with."""
    name = system.eligibility.results_file if system.eligibility is not None else "eligibility results"
    folder = next((Path(r.source).parent for r in lists.values() if r.source), None)
    return str(folder / name) if folder is not None else name


def _row(seen: _Seen) -> int | None:
    entry = next((e for e in seen.ranking.entries if e.athlete == seen.athlete and e.noc == seen.noc), None)
    return entry.source_row if entry is not None else None


def check_options(system: System, *, places: Path | None = None) -> None:
    """Options that do not apply to the system are refused, never ignored.

    ``load_inputs`` refuses the options that contradict each other (``--points`` or ``--as-of`` without
    ``--season``, ``--data`` with ``--places``, ``--season`` for a system that builds no list); this checks what
    depends on the system's steps: a published Summary can stand in for the ranking walks only when they grant
    places in the Summary's event columns.
    """
    if places is None:
        return
    walked = [t for step in system.steps if isinstance(step, RankingWalkStep) for t in step.grant]
    if not walked or any(t.event is None for t in walked):
        raise InputError.single("--places", f"the ranking walks of {system.id} grant athlete quotas that belong to "
                                            "no event column, so a published Summary cannot stand in for them; "
                                            "expected --data DIR with the ranking lists, or --season DIR")

