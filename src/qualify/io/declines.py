"""Declines: from the command line (NOC:GENDER[:STEP]) or from a CSV file (noc, gender[, step])."""

from __future__ import annotations

from pathlib import Path

from qualify.engine.context import Decline
from qualify.errors import InputError
from qualify.io.csvfile import RowErrors, read_csv
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry
from qualify.rules import System


def _gender(text: str) -> Gender | None:
    try:
        return Gender(text.strip().upper())
    except ValueError:
        return None


def parse_decline(text: str, system: System, nocs: NocRegistry) -> Decline:
    parts = text.split(":")
    source = "--decline"
    if len(parts) not in (2, 3):
        raise InputError.single(source, f"'{text}': expected NOC:GENDER or NOC:GENDER:STEP, e.g. BEL:M")
    noc, gender_text = parts[0].strip().upper(), parts[1]
    step = parts[2].strip() if len(parts) == 3 else None
    gender = _gender(gender_text)
    problem = _problem(noc, gender, gender_text, step, system, nocs)
    if problem:
        raise InputError.single(source, f"'{text}': {problem}")
    return Decline(noc=noc, gender=gender, step=step, source=source)


def _problem(noc: str, gender: Gender | None, gender_text: str, step: str | None, system: System,
             nocs: NocRegistry) -> str | None:
    if noc not in nocs:
        return f"unknown NOC code '{noc}'"
    if gender is None or gender is Gender.MIXED:
        return f"gender '{gender_text}' must be M or W"
    if step is not None and step not in {s.id for s in system.steps}:
        return f"unknown step '{step}', expected one of {', '.join(s.id for s in system.steps)}"
    return None


def read_declines_file(path: Path, system: System, nocs: NocRegistry) -> list[Decline]:
    table = read_csv(path, required=["noc", "gender"], optional=["step"])
    errors = RowErrors(table.path)
    declines = []
    for row in table.rows:
        noc = row.values["noc"].upper()
        gender = _gender(row.values["gender"])
        step = row.values.get("step") or None
        problem = _problem(noc, gender, row.values["gender"], step, system, nocs)
        if problem:
            field = "noc" if "NOC" in problem else "step" if "step" in problem else "gender"
            errors.add(row.line, field, problem)
            continue
        declines.append(Decline(noc=noc, gender=gender, step=step, source=table.path, row=row.line))
    errors.raise_if_any()
    return declines
