"""Run a system's ordered steps over its inputs and return the allocation with its full log."""

from __future__ import annotations

# The step-type modules register their runners on import (rules.steps.runner_for).
from qualify.engine import athlete_steps as _athlete_steps  # noqa: F401
from qualify.engine import steps as _steps  # noqa: F401
from qualify.engine.athletes import AthleteCounter
from qualify.engine.audit import Auditor
from qualify.engine.caps import CapChecker, system_caps
from qualify.engine.context import Context, Decline
from qualify.engine.eligibility import EligibilityChecker, RaceResult
from qualify.errors import AuditError
from qualify.model.allocation import Allocation, Place
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.model.ranking import RankingList
from qualify.rules import (
    AdditionalAthleteStep,
    ContinentalBestStep,
    HostGuaranteeStep,
    RankingWalkStep,
    ReallocateStep,
    System,
)
from qualify.rules.steps import STEP_TYPES


def allocate(system: System, lists: dict[str, RankingList], *, declines: list[Decline] | None = None,
             race_results: list[RaceResult] | None = None, nocs: NocRegistry | None = None,
             given_places: list[Place] | None = None, notes: list[str] | None = None) -> Allocation:
    """Run the system's steps in order, auditing the places after each one (see ``engine.audit``).

    ``given_places`` (e.g. a published table's starting places) stand in for what the ranking walks would have
    granted: those steps are then skipped and every later step works on the given places.
    Raises :class:`AuditError` when the places break a rule after some step: never a plausible wrong table.
    """
    nocs = nocs or load_nocs()
    caps = CapChecker(system_caps(system), frozenset(system.neutral_codes))
    auditor = Auditor(system)
    ctx = Context(system=system, lists=lists, nocs=nocs, caps=caps,
                  eligibility=EligibilityChecker(system.eligibility, race_results), declines=list(declines or []),
                  athletes=AthleteCounter(system, nocs) if system.athletes is not None else None)
    has_reallocation = any(isinstance(step, ReallocateStep) for step in system.steps)
    if ctx.declines and not has_reallocation:
        ctx.ledger.warn("declines", "this system has no reallocation step: declines were ignored")
    for note in notes or []:
        ctx.ledger.warn("inputs", note)
    for place in given_places or []:
        ctx.ledger.add(place)
    if given_places:
        _raise_breaches(auditor.check(ctx.ledger.places, None))
    for step in system.steps:
        if given_places and isinstance(step, RankingWalkStep):
            continue
        runner = STEP_TYPES[step.type].runner
        assert runner is not None, f"step type '{step.type}' has no runner"
        runner(ctx, step)
        _raise_breaches(auditor.check(ctx.ledger.places, step))
    return Allocation(
        system=system.id,
        places=ctx.ledger.places,
        decisions=ctx.ledger.decisions,
        warnings=ctx.ledger.warnings,
        eligibility=eligibility_report(system, lists, ctx.eligibility),
        readings=readings(system),
    )


def _raise_breaches(breaches: list) -> None:
    if breaches:
        raise AuditError(breaches)


def eligibility_report(system: System, lists: dict[str, RankingList], checker: EligibilityChecker) -> list[dict]:
    """One row per athlete on the system's lists, with the standard met (or why none is)."""
    if system.eligibility is None:
        return []
    seen: dict[tuple, dict] = {}
    for ranking in lists.values():
        for entry in ranking.entries:
            if entry.athlete is None:
                continue
            key = (entry.athlete, entry.noc, ranking.gender)
            if key not in seen:
                status = checker.status(*key)
                seen[key] = {"athlete": entry.athlete, "noc": entry.noc, "gender": ranking.gender.value,
                             "status": status.status, "evidence": status.evidence}
    return [seen[key] for key in sorted(seen, key=lambda k: (k[2].value, k[1], k[0]))]


def readings(system: System) -> dict[str, str]:
    """The interpretive switches in force, so every output says which reading produced it."""
    chosen: dict[str, str] = {"tie_break": system.tie_break.rule}
    for step in system.steps:
        if isinstance(step, ContinentalBestStep):
            chosen[f"{step.id}.reading"] = step.reading
    if system.eligibility is not None:
        chosen["eligibility.rounding"] = system.eligibility.rounding
    if system.athletes is not None:
        chosen["athletes.ceiling_reading"] = system.athletes.ceiling_reading
    for step in system.steps:
        if isinstance(step, HostGuaranteeStep):
            chosen[f"{step.id}.when_full"] = step.when_full
        if isinstance(step, AdditionalAthleteStep):
            chosen[f"{step.id}.order"] = step.order
    return chosen
