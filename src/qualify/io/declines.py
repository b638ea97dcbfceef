"""Declines: from the command line (NOC:GENDER[:STEP or EVENT]) or a CSV file (noc, gender[, step][, event])."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualify.engine.context import Decline
from qualify.errors import InputError
from qualify.io.csvfile import RowErrors, read_csv
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry
from qualify.rules import System
from qualify.rules.semantics import granted_templates


def _gender(text: str) -> Gender | None:
    try:
        return Gender(text.strip().upper())
    except ValueError:
        return None


def parse_decline(text: str, system: System, nocs: NocRegistry) -> Decline:
    parts = text.split(":")
    source = "--decline"
    if len(parts) not in (2, 3):
        raise InputError.single(source, f"'{text}': expected NOC:GENDER, NOC:GENDER:STEP or NOC:GENDER:EVENT, "
                                        "e.g. BEL:M")
    noc, gender_text = parts[0].strip().upper(), parts[1]
    which = parts[2].strip() if len(parts) == 3 else None
    gender = _gender(gender_text)
    problem = _problem(noc, gender, gender_text, which, system, nocs)
    if problem or gender is None:
        raise InputError.single(source, f"'{text}': {problem[1] if problem else 'no gender'}")
    return Decline(noc=noc, gender=gender, source=source, **_narrowing(which, system))


def _grants_mixed_places(system: System) -> bool:
    """Mixed (X) places exist only where some step grants them (a mixed relay team)."""
    return any(template.gender is Gender.MIXED for step in system.steps for template in granted_templates(step))


def _narrowing(which: str | None, system: System) -> dict[str, Any]:
    """The third part of a decline names a step or, failing that, an event."""
    if which is None:
        return {}
    return {"step": which} if which in {s.id for s in system.steps} else {"event": which}


def _problem(noc: str, gender: Gender | None, gender_text: str, which: str | None, system: System,
             nocs: NocRegistry, *, which_field: str = "step") -> tuple[str, str] | None:
    """The field at fault and what is wrong with it, or None."""
    if noc not in nocs:
        return "noc", f"unknown NOC code '{noc}'"
    if gender is None or (gender is Gender.MIXED and not _grants_mixed_places(system)):
        allowed = "M, W or X" if _grants_mixed_places(system) else "M or W"
        return "gender", f"gender '{gender_text}' must be {allowed}"
    known = [s.id for s in system.steps] + [e.id for e in system.events]
    if which is not None and which not in known:
        return which_field, f"unknown step or event '{which}', expected one of {', '.join(known)}"
    return None


def read_declines_file(path: Path, system: System, nocs: NocRegistry) -> list[Decline]:
    table = read_csv(path, required=["noc", "gender"], optional=["step", "event"])
    errors = RowErrors(table.path)
    declines = []
    step_ids = {s.id for s in system.steps}
    event_ids = {e.id for e in system.events}
    for row in table.rows:
        noc = row.values["noc"].upper()
        gender = _gender(row.values["gender"])
        step, event = row.values.get("step") or None, row.values.get("event") or None
        problem = _problem(noc, gender, row.values["gender"], step or event, system, nocs,
                           which_field="step" if step else "event")
        if problem is None and step and event:
            # Both given: the step must be a step and the event an event.
            if step not in step_ids:
                problem = "step", f"found '{step}', expected a step id, one of {', '.join(s.id for s in system.steps)}"
            elif event not in event_ids:
                problem = "event", f"found '{event}', expected an event id, one of {', '.join(sorted(event_ids))}"
        if problem or gender is None:
            errors.add(row.line, *(problem or ("gender", "no gender")))
            continue
        narrowing = {"step": step, "event": event} if step and event else _narrowing(step or event, system)
        declines.append(Decline(noc=noc, gender=gender, source=table.path, row=row.line, **narrowing))
    errors.raise_if_any()
    return declines
