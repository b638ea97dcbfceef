"""Reader for qualifying-race results used by eligibility standards."""

from __future__ import annotations

from pathlib import Path

from qualify.engine.eligibility import RaceResult
from qualify.io.csvfile import RowErrors, read_csv
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry

COLUMNS = ["race", "gender", "athlete", "noc", "rank", "starters"]
CATEGORIES = ("senior", "u18")


def read_race_results(path: Path, nocs: NocRegistry) -> list[RaceResult]:
    """One row per athlete per qualifying race: race, category (senior/u18), gender, athlete, noc, rank, starters."""
    table = read_csv(path, required=COLUMNS, optional=["category"])
    errors = RowErrors(table.path)
    results: list[RaceResult] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        rank = errors.integer(row, "rank", minimum=1)
        starters = errors.integer(row, "starters", minimum=1)
        gender_text = row.values["gender"].upper()
        bad = rank is None or starters is None
        if gender_text not in ("M", "W"):
            errors.add(row.line, "gender", f"found '{row.values['gender']}', expected M or W")
            bad = True
        if row.values["noc"] not in nocs:
            errors.add(row.line, "noc", f"unknown NOC code '{row.values['noc']}', expected an IOC code (e.g. ITA) or "
                                        "a placeholder UNNAMED-...")
            bad = True
        category = (row.values.get("category") or "senior").lower()
        if category not in CATEGORIES:
            errors.add(row.line, "category", f"found '{row.values['category']}', expected one of "
                                             f"{', '.join(CATEGORIES)}")
            bad = True
        if not row.values["athlete"]:
            errors.add(row.line, "athlete", "found an empty athlete, expected the athlete's name")
            bad = True
        if rank is not None and starters is not None and rank > starters:
            errors.add(row.line, "rank", f"found rank {rank}, expected at most {starters} (the number of starters)")
            bad = True
        if bad:
            continue
        key = (row.values["race"], row.values["athlete"])
        if key in seen:
            errors.add(row.line, "athlete", f"found '{key[1]}' again in race '{key[0]}' (first on row {seen[key]}), "
                                            "expected each athlete once per race")
            continue
        seen[key] = row.line
        results.append(RaceResult(race=row.values["race"], category=category, gender=Gender(gender_text),
                                  athlete=row.values["athlete"], noc=row.values["noc"], rank=rank,
                                  starters=starters, source_row=row.line))
    errors.raise_if_any()
    return results
