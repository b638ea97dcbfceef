"""Reader for qualifying-race results used by eligibility standards."""

from __future__ import annotations

from pathlib import Path

from qualify.engine.eligibility import RaceResult
from qualify.io.csvfile import RowErrors, read_csv
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry

COLUMNS = ["race", "gender", "athlete", "noc", "rank", "starters"]


def read_race_results(path: Path, nocs: NocRegistry) -> list[RaceResult]:
    """One row per athlete per qualifying race: race, category (senior/u18), gender, athlete, noc, rank, starters."""
    table = read_csv(path, required=COLUMNS, optional=["category"])
    errors = RowErrors(table.path)
    results, seen = [], {}
    for row in table.rows:
        rank = errors.integer(row, "rank", minimum=1)
        starters = errors.integer(row, "starters", minimum=1)
        gender_text = row.values["gender"].upper()
        if gender_text not in ("M", "W"):
            errors.add(row.line, "gender", f"found '{row.values['gender']}', expected M or W")
            continue
        if row.values["noc"] not in nocs:
            errors.add(row.line, "noc", f"unknown NOC code '{row.values['noc']}'")
            continue
        if rank is None or starters is None:
            continue
        if rank > starters:
            errors.add(row.line, "rank", f"rank {rank} is behind the field of {starters} starters")
            continue
        key = (row.values["race"], row.values["athlete"])
        if key in seen:
            errors.add(row.line, "athlete", f"'{key[1]}' appears twice in race '{key[0]}' (also row {seen[key]})")
            continue
        seen[key] = row.line
        category = (row.values.get("category") or "senior").lower()
        results.append(RaceResult(race=row.values["race"], category=category, gender=Gender(gender_text),
                                  athlete=row.values["athlete"], noc=row.values["noc"], rank=rank,
                                  starters=starters, source_row=row.line))
    errors.raise_if_any()
    return results
