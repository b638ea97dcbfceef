"""Step types that work on athlete numbers: team completion, the additional athlete, athlete quotas."""

from __future__ import annotations

from qualify.engine.athletes import DERIVED_KIND, AthleteCounter
from qualify.engine.context import Context
from qualify.engine.steps import ordered_entries
from qualify.model.allocation import Decision, Place, PlaceStatus, SkipReason
from qualify.model.common import Gender
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import AdditionalAthleteStep, AthleteQuotaStep, TeamCompletionStep


def _counter(ctx: Context) -> AthleteCounter:
    assert ctx.athletes is not None  # the rule-file validator requires an athletes section for these steps
    return ctx.athletes


def _place(step_id: str, step_type: str, clause: str, noc: str, gender: Gender, event: str | None, kind: str,
           grant: int, ranking: RankingList | None, entry: RankingEntry | None, detail: str) -> Place:
    return Place(noc=noc, gender=gender, event=event, kind=kind, pathway=step_id, step_type=step_type,
                 clause=clause, grant=grant, list=ranking.id if ranking else None,
                 rank=entry.rank if entry else None, points=entry.points if entry else None,
                 entry=entry.label if entry else noc, detail=detail)


def run_team_completion(ctx: Context, step: TeamCompletionStep) -> None:
    ledger, counter = ctx.ledger, _counter(ctx)
    ranking = ctx.lists[step.list]
    gender = ranking.gender
    entries = [e for group in ordered_entries(ranking, ctx.system.tie_break.rule) for e in group]
    probe = [Place(noc="", gender=gender, event=step.event, kind="team", pathway=step.id, step_type="", clause="",
                   grant=0, entry="")]

    def full() -> bool:
        return ctx.caps.total_full(ledger, probe)

    def shortfall(noc: str) -> dict[Gender, int]:
        return {g: max(0, need - counter.athletes(ledger, noc, g)) for g, need in step.needs.items()}

    def has_team(noc: str) -> bool:
        return ledger.count(noc=noc, event=step.event) > 0

    def log(entry: RankingEntry, reason: SkipReason, detail: str) -> None:
        ledger.skip(Decision(step=step.id, clause=step.clause, noc=entry.noc, gender=gender, event=step.event,
                             list=ranking.id, rank=entry.rank, reason=reason, detail=detail))

    def holding(noc: str) -> str:
        return " + ".join(f"{counter.athletes(ledger, noc, g)} {g.label.lower()}" for g in step.needs)

    # First pass: NOCs whose athletes already make a team, in ranking order.
    for entry in entries:
        if full():
            log(entry, SkipReason.QUOTA_FULL, f"not reached: all {step.event} teams were given")
            continue
        missing = shortfall(entry.noc)
        if has_team(entry.noc):
            continue
        if sum(missing.values()):
            log(entry, SkipReason.TEAM_INCOMPLETE, f"holds {holding(entry.noc)} athletes, a team needs "
                + " + ".join(f"{n} {g.label.lower()}" for g, n in step.needs.items()))
            continue
        detail = f"team from qualified athletes ({holding(entry.noc)})"
        ledger.add(_place(step.id, step.type, step.clause, entry.noc, gender, step.event, "team",
                          ledger.new_grant_id(), ranking, entry, detail))
    if full() or step.max_extra == 0:
        return
    # Second pass: NOCs short of at most max_extra athletes receive them, until the event is full.
    for entry in entries:
        if full():
            break
        if has_team(entry.noc):
            continue
        missing = shortfall(entry.noc)
        needed = sum(missing.values())
        if needed > step.max_extra:
            log(entry, SkipReason.TEAM_INCOMPLETE,
                f"short of {needed} athletes for a team; at most {step.max_extra} may be added")
            continue
        if step.extra_respects_ceiling and not counter.under_ceiling(ledger, needed):
            log(entry, SkipReason.CEILING_REACHED, "an added athlete would pass the athlete ceiling")
            continue
        grant = ledger.new_grant_id()
        for extra_gender, count in missing.items():
            for _ in range(count):
                ledger.add(_place(step.id, step.type, step.clause, entry.noc, extra_gender, None, DERIVED_KIND,
                                  grant, ranking, entry, "extra athlete to complete the team"))
        ledger.add(_place(step.id, step.type, step.clause, entry.noc, gender, step.event, "team", grant,
                          ranking, entry, f"team completed with {needed} extra athlete(s)"))
    if not full():
        ledger.warn(step.id, f"fewer teams than places in {step.event}: no further NOC could complete a team")


def _additional_order(ctx: Context, step: AdditionalAthleteStep) -> list[tuple[Gender, RankingEntry]]:
    per_gender = {g: [e for group in ordered_entries(ctx.lists[list_id], ctx.system.tie_break.rule) for e in group]
                  for g, list_id in step.lists.items()}
    genders = sorted(per_gender, key=lambda g: g.value)  # M before W
    if step.order == "women_first":
        genders.reverse()
    if step.order in ("men_first", "women_first"):
        return [(g, e) for g in genders for e in per_gender[g]]
    return sorted(((g, e) for g in genders for e in per_gender[g]), key=lambda ge: (ge[1].rank, ge[0].value))


def run_additional_athlete(ctx: Context, step: AdditionalAthleteStep) -> None:
    ledger, counter = ctx.ledger, _counter(ctx)
    for gender, entry in _additional_order(ctx, step):
        noc = entry.noc
        if ledger.count(noc=noc, event=step.team_events[gender]) == 0:
            continue  # not in the team event: the rule does not apply
        starts = sum(counter.starts(ledger, noc, gender).values())
        if starts != step.starting_places:
            continue
        decision = Decision(step=step.id, clause=step.clause, noc=noc, gender=gender, list=step.lists[gender],
                            rank=entry.rank, reason=SkipReason.CEILING_REACHED,
                            detail=f"{starts} starting places and the team event, but "
                                   f"{counter.total(ledger)} athletes already allocated "
                                   f"(ceiling {counter.rules.ceiling})")
        if not counter.under_ceiling(ledger):
            ledger.skip(decision)
            continue
        ledger.add(_place(step.id, step.type, step.clause, noc, gender, None, DERIVED_KIND, ledger.new_grant_id(),
                          ctx.lists[step.lists[gender]], entry,
                          f"additional athlete: {starts} starting places and the team event"))


def run_athlete_quota(ctx: Context, step: AthleteQuotaStep) -> None:
    """Write the derived athlete quotas; places lost through declines are kept as declined quotas."""
    ledger, counter = ctx.ledger, _counter(ctx)
    nocs = sorted({p.noc for p in ledger.places})
    for noc in nocs:
        for gender in (Gender.MEN, Gender.WOMEN):
            after, why = counter.base(ledger, noc, gender)
            before, _ = counter.base(ledger, noc, gender, include_declined=True)
            if not before and not after:
                continue
            grant = ledger.new_grant_id()
            for index in range(max(before, after)):
                status = PlaceStatus.ACTIVE if index < after else PlaceStatus.DECLINED
                place = _place(step.id, step.type, step.clause, noc, gender, None, DERIVED_KIND, grant, None, None,
                               why if status is PlaceStatus.ACTIVE else "lost when starting places were declined")
                ledger.add(place.model_copy(update={"status": status}))
    ceiling = counter.rules.ceiling
    total = counter.total(ledger)
    if ceiling is not None and total > ceiling:
        ledger.warn(step.id, f"{total} athletes, {total - ceiling} over the ceiling of {ceiling}: places earned on "
                             f"the ranking lists stand (athletes.ceiling_reading = {counter.rules.ceiling_reading}) "
                             f"[{counter.rules.ceiling_clause}]")
