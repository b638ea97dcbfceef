"""Synthetic short-track World Tour seasons, for tests, demos and benchmarks. NOT real results.

A season has the four stages of the bundled calendar (``data/short-track-2026/calendar.csv``); each stage has
the men's and women's 500 m, 1000 m and 1500 m, the men's and women's relays and the mixed relay. Nations have
a fixed strength, skaters a personal ability around it, and every race adds noise, so strong nations usually
but not always win. Each individual race classifies 60 to 80 skaters, each relay 12 to 20 teams; a few races
have tied places and a few skaters or teams are not classified (DNS, DNF, DSQ). Neutral athletes (AIN) enter
at most one skater per distance and no relay.

The output is a season folder (``calendar.csv`` and ``results.csv``, see :mod:`qualify.io.season`), each file
opening with a ``# SYNTHETIC ...`` comment line that the readers carry into every output, plus a ``README.txt``
saying the same. The same seed gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qualify.io.season import bundled_calendar, read_calendar
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.ranking.synth.common import synthetic_mark, write_season
from qualify.rules import load_system

SYSTEM_ID = "short-track-2026"
INDIVIDUAL_EVENTS: tuple[str, ...] = ("500m", "1000m", "1500m")

# (IOC code, strength, most skaters entered per individual race). Strengths are on an arbitrary scale
# loosely shaped like recent World Tour standings; they are invented and describe no real team.
NATIONS: tuple[tuple[str, float, int], ...] = (
    ("KOR", 3.0, 4), ("CHN", 2.8, 4), ("CAN", 2.7, 4), ("NED", 2.7, 4), ("ITA", 2.3, 4), ("USA", 2.0, 4),
    ("HUN", 1.9, 4), ("JPN", 1.9, 4), ("POL", 1.6, 3), ("KAZ", 1.5, 3), ("FRA", 1.4, 3), ("GBR", 1.4, 3),
    ("BEL", 1.6, 3), ("GER", 1.0, 3), ("LAT", 1.0, 3), ("AUS", 0.9, 2), ("UKR", 0.8, 2), ("TPE", 0.5, 2),
    ("CZE", 0.6, 2), ("AUT", 0.5, 2), ("ISR", 0.5, 2), ("SUI", 0.4, 2), ("BUL", 0.4, 2), ("NZL", 0.3, 2),
    ("HKG", 0.2, 2), ("ESP", 0.1, 2), ("ROU", 0.0, 2), ("SVK", 0.0, 1), ("LTU", -0.1, 1), ("MGL", -0.1, 1),
    ("EST", -0.2, 1), ("PHI", -0.3, 1), ("CRO", -0.3, 1), ("TUR", -0.4, 1), ("SRB", -0.5, 1),
    ("AIN", 2.2, 1),
)
NEUTRAL = "AIN"
CLASSIFIED_PER_RACE = (60, 80)
TEAMS_PER_RELAY = (12, 20)
UNCLASSIFIED_STATUSES = ("DSQ", "DNS", "DNF")

_RELAYS: tuple[tuple[Gender, str], ...] = ((Gender.MEN, "relay"), (Gender.WOMEN, "relay"),
                                           (Gender.MIXED, "mixed-relay"))


@dataclass(frozen=True)
class _Skater:
    name: str
    noc: str
    ability: float
    affinity: tuple[float, ...]  # per individual event, same order as INDIVIDUAL_EVENTS


def synthesize(seed: int, out_dir: Path, *, nocs: NocRegistry | None = None) -> Path:
    """Write a synthetic season to ``out_dir`` and return the path of its ``results.csv``."""
    registry = nocs if nocs is not None else load_nocs()
    unknown = [code for code, _, _ in NATIONS if code not in registry]
    if unknown:
        raise ValueError(f"the NOC registry lacks {', '.join(unknown)}, which synthetic seasons use")
    calendar_path = bundled_calendar(load_system(SYSTEM_ID))
    assert calendar_path is not None, "the short-track calendar ships with the package"
    races = read_calendar(calendar_path).races
    rng = np.random.default_rng(seed)
    rosters = _rosters(rng)
    rows: list[tuple] = []
    for race in races:
        for gender in (Gender.MEN, Gender.WOMEN):
            for e, event in enumerate(INDIVIDUAL_EVENTS):
                rows += _individual_race(rng, race.id, gender, e, event, rosters[gender])
        for gender, event in _RELAYS:
            rows += _relay_race(rng, race.id, gender, event)
    return write_season(Path(out_dir), synthetic_mark(SYSTEM_ID, seed), races, rows, _readme(seed))


def _rosters(rng: np.random.Generator) -> dict[Gender, dict[str, list[_Skater]]]:
    rosters: dict[Gender, dict[str, list[_Skater]]] = {}
    for gender in (Gender.MEN, Gender.WOMEN):
        by_noc: dict[str, list[_Skater]] = {}
        for code, strength, most in NATIONS:
            # One more skater than a race takes, so line-ups change from stage to stage.
            size = most + 1
            abilities = sorted(strength + rng.normal(0.0, 0.6, size), reverse=True)
            by_noc[code] = [
                _Skater(name=f"Synthetic {code} {gender.value}{i:02d}", noc=code, ability=float(a),
                        affinity=tuple(float(x) for x in rng.normal(0.0, 0.3, len(INDIVIDUAL_EVENTS))))
                for i, a in enumerate(abilities, start=1)
            ]
        rosters[gender] = by_noc
    return rosters


def _ranks_with_tie(rng: np.random.Generator, count: int) -> list[int]:
    ranks = list(range(1, count + 1))
    if count >= 8 and rng.random() < 0.35:
        size = 3 if rng.random() < 0.15 else 2
        start = int(rng.integers(4, count - size + 1))
        for i in range(start, start + size):
            ranks[i] = ranks[start]
    return ranks


def _unclassified_count(rng: np.random.Generator) -> int:
    return int(rng.choice(4, p=[0.5, 0.3, 0.15, 0.05]))


def _individual_race(rng: np.random.Generator, stage: str, gender: Gender, e: int, event: str,
                     roster: dict[str, list[_Skater]]) -> list[tuple]:
    classified = int(rng.integers(CLASSIFIED_PER_RACE[0], CLASSIFIED_PER_RACE[1] + 1))
    entrants_wanted = classified + _unclassified_count(rng)
    # Every nation's first skater tends to come before anyone's second, and so on, with some jitter.
    slots = [(j + float(rng.uniform(0.0, 1.5)), code) for code, _, most in NATIONS for j in range(most)]
    slots.sort()
    per_noc: dict[str, int] = {}
    for _, code in slots[:entrants_wanted]:
        per_noc[code] = per_noc.get(code, 0) + 1
    entrants: list[_Skater] = []
    for code, _, _ in NATIONS:
        if code not in per_noc:
            continue
        form = [(s.ability + s.affinity[e] + float(rng.normal(0.0, 0.3)), s.name, s) for s in roster[code]]
        form.sort(key=lambda t: (-t[0], t[1]))
        entrants += [s for _, _, s in form[: per_noc[code]]]
    performance = [(s.ability + s.affinity[e] + float(rng.normal(0.0, 0.8)), s.name, s) for s in entrants]
    performance.sort(key=lambda t: (-t[0], t[1]))
    order = [s for _, _, s in performance]
    out_idx = set(rng.choice(len(order), size=len(order) - classified, replace=False).tolist())
    finishers = [s for i, s in enumerate(order) if i not in out_idx]
    rows: list[tuple] = [(stage, gender.value, event, rank, s.name, s.noc, "")
            for rank, s in zip(_ranks_with_tie(rng, len(finishers)), finishers, strict=True)]
    dropped = sorted((s for i, s in enumerate(order) if i in out_idx), key=lambda s: s.name)
    rows += [(stage, gender.value, event, "", s.name, s.noc, str(rng.choice(UNCLASSIFIED_STATUSES)))
             for s in dropped]
    return rows


def _relay_race(rng: np.random.Generator, stage: str, gender: Gender, event: str) -> list[tuple]:
    teams = [(code, strength) for code, strength, _ in NATIONS if code != NEUTRAL]
    count = int(rng.integers(TEAMS_PER_RELAY[0], TEAMS_PER_RELAY[1] + 1))
    weights = np.exp(np.array([s for _, s in teams]))
    picked = rng.choice(len(teams), size=count, replace=False, p=weights / weights.sum())
    performance = sorted(((teams[i][1] + float(rng.normal(0.0, 0.7)), teams[i][0]) for i in picked.tolist()),
                         key=lambda t: (-t[0], t[1]))
    order = [code for _, code in performance]
    disqualified: str | None = None
    if count > TEAMS_PER_RELAY[0] and rng.random() < 0.3:
        disqualified = order.pop(int(rng.integers(0, count)))
    rows: list[tuple] = [(stage, gender.value, event, rank, "", code, "") for rank, code in enumerate(order, start=1)]
    if disqualified is not None:
        rows.append((stage, gender.value, event, "", "", disqualified, "DSQ"))
    return rows


def _readme(seed: int) -> str:
    return (
        "SYNTHETIC DATA - NOT REAL RESULTS\n"
        "\n"
        f"calendar.csv and results.csv in this folder were generated by `qualify synth {SYSTEM_ID} --seed {seed}`\n"
        "(qualify.ranking.synth.short_track). It imitates a four-stage ISU Short Track World Tour season:\n"
        "nation strengths, skater names, places, ties and DNS/DNF/DSQ rows are all invented. No row\n"
        "describes a real race or a real athlete. Use it to try the SOQC computation and the quota\n"
        "allocation, never as evidence about a real qualification.\n"
        "\n"
        "The calendar is the real one (four stages); every result is invented.\n"
        "results.csv columns: race,gender,event,rank,athlete,noc,status (see qualify.io.stage_results).\n"
        "The first line of each CSV is a comment marking it synthetic; every table made from it says so.\n"
        "The same seed always produces the same bytes.\n"
    )
