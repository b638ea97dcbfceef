"""Step types that work on athlete numbers: team completion, the additional athlete, athlete quotas."""

from __future__ import annotations

from qualify.engine.athletes import DERIVED_KIND, AthleteCounter
from qualify.engine.context import Context
from qualify.engine.steps import Candidate, Refusal, Walk, candidate_groups, place_from, probe, run_walk
from qualify.model.allocation import Place, PlaceStatus, SkipReason
from qualify.model.common import Gender
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import AdditionalAthleteStep, AthleteQuotaStep, PlaceTemplate, TeamCompletionStep, WalkFilters
from qualify.rules.steps import runner_for


def _counter(ctx: Context) -> AthleteCounter:
    assert ctx.athletes is not None  # the rule-file semantics check requires an athletes section for these steps
    return ctx.athletes


def _place(step_id: str, step_type: str, clause: str, noc: str, gender: Gender, event: str | None, kind: str,
           grant: int, ranking: RankingList | None, entry: RankingEntry | None, detail: str) -> Place:
    return Place(noc=noc, gender=gender, event=event, kind=kind, pathway=step_id, step_type=step_type,
                 clause=clause, grant=grant, list=ranking.id if ranking else None,
                 rank=entry.rank if entry else None, points=entry.points if entry else None,
                 entry=entry.label if entry else noc, detail=detail)


def _neutral_refusal(ctx: Context, noc: str, adding: dict[Gender, int]) -> Refusal | None:
    """Neutral athletes are limited per gender (athletes.neutral_max): no extra athlete takes them past it."""
    counter = _counter(ctx)
    limit = counter.rules.neutral_max
    if limit is None or not ctx.is_neutral(noc):
        return None
    for gender, count in adding.items():
        if count and counter.athletes(ctx.ledger, noc, gender) + count > limit:
            return Refusal(SkipReason.CAP_REACHED, f"neutral athletes: at most {limit} "
                                                   f"{gender.label.lower()} [{counter.rules.neutral_clause}]")
    return None


def complete_teams(ctx: Context, step: TeamCompletionStep, *, step_id: str | None = None,
                   step_type: str | None = None, clause: str | None = None, exclude_nocs: frozenset[str] = frozenset(),
                   limit: int | None = None, reallocated_from: str | None = None,
                   respect_ceiling: bool = False) -> int:
    """Team places in ``step.event`` for NOCs down ``step.list``: first those whose athletes make a team, then
    (if the event is still not full) those short of at most ``max_extra`` athletes, who get them with the team.

    ``limit`` stops after that many teams (a reallocation refills one); the number of teams granted is returned.
    """
    ledger, counter = ctx.ledger, _counter(ctx)
    ranking = ctx.lists[step.list]
    gender = ranking.gender
    own_id, own_type, own_clause = step_id or step.id, step_type or step.type, clause or step.clause
    team = PlaceTemplate(gender=gender, event=step.event, kind="team")
    probes = [probe(team, own_id)]
    granted = 0

    def stop(grants: int) -> bool:
        return (limit is not None and granted + grants >= limit) or ctx.caps.total_full(ledger, probes)

    def shortfall(noc: str) -> dict[Gender, int]:
        return {g: max(0, need - counter.athletes(ledger, noc, g)) for g, need in step.needs.items()}

    def holding(noc: str) -> str:
        return " + ".join(f"{counter.athletes(ledger, noc, g)} {g.label.lower()}" for g in step.needs)

    def needs_text() -> str:
        return " + ".join(f"{n} {g.label.lower()}" for g, n in step.needs.items())

    def has_team(noc: str) -> bool:
        return ledger.count(noc=noc, event=step.event) > 0

    def ready(candidate: Candidate) -> Refusal | None:
        if has_team(candidate.noc):
            return Refusal(None)
        if sum(shortfall(candidate.noc).values()):
            return Refusal(SkipReason.TEAM_INCOMPLETE, f"holds {holding(candidate.noc)} athletes, a team needs "
                                                       f"{needs_text()}")
        return None

    def team_bundle(candidate: Candidate, grant: int, passed_down: list[str]) -> list[Place]:
        detail = f"team from qualified athletes ({holding(candidate.noc)})"
        return [place_from(walk, candidate, team, grant, passed_down, detail)]

    walk = Walk(own_id, own_type, own_clause, ranking, (team,), WalkFilters(), stop, exclude_nocs=exclude_nocs,
                reallocated_from=reallocated_from, log_unreached=limit is None, respect_ceiling=respect_ceiling,
                check=ready, bundle=team_bundle)
    run_walk(ctx, walk)
    granted += len(walk.grants)
    if stop(0) or step.max_extra == 0:
        return granted

    def short_by_a_few(candidate: Candidate) -> Refusal | None:
        if has_team(candidate.noc):
            return Refusal(None)
        missing = shortfall(candidate.noc)
        needed = sum(missing.values())
        if needed > step.max_extra:
            return Refusal(SkipReason.TEAM_INCOMPLETE,
                           f"short of {needed} athletes for a team; at most {step.max_extra} may be added")
        if (step.extra_respects_ceiling or respect_ceiling) and not counter.under_ceiling(ledger, needed):
            return Refusal(SkipReason.CEILING_REACHED, "an added athlete would pass the athlete ceiling")
        return _neutral_refusal(ctx, candidate.noc, missing)

    def completed_bundle(candidate: Candidate, grant: int, passed_down: list[str]) -> list[Place]:
        missing = shortfall(candidate.noc)
        extras = [_place(own_id, own_type, own_clause, candidate.noc, extra_gender, None, DERIVED_KIND, grant,
                         ranking, candidate.entry, "extra athlete to complete the team")
                  for extra_gender, count in missing.items() for _ in range(count)]
        extras = [p.model_copy(update={"reallocated_from": reallocated_from}) for p in extras]
        return [*extras, place_from(second, candidate, team, grant, passed_down,
                                    f"team completed with {sum(missing.values())} extra athlete(s)")]

    second = Walk(own_id, own_type, own_clause, ranking, (team,), WalkFilters(), stop, exclude_nocs=exclude_nocs,
                  reallocated_from=reallocated_from, log_unreached=False, respect_ceiling=respect_ceiling,
                  check=short_by_a_few, bundle=completed_bundle)
    run_walk(ctx, second)
    granted += len(second.grants)
    if not stop(0) and limit is None:
        ledger.warn(own_id, f"fewer teams than places in {step.event}: no further NOC could complete a team")
    return granted


@runner_for(TeamCompletionStep)
def run_team_completion(ctx: Context, step: TeamCompletionStep) -> None:
    complete_teams(ctx, step)


def _additional_groups(ctx: Context, step: AdditionalAthleteStep) -> list[list[Candidate]]:
    """The team lists' tie groups in the order the rule file reads: by rank (men before women at one rank),
    or one whole list after the other. A tie stays within one list: the order of genders is a rule, not a tie."""
    tie_rule = ctx.system.tie_break.rule
    per_gender = {g: candidate_groups(ctx.lists[list_id], tie_rule) for g, list_id in step.lists.items()}
    genders = sorted(per_gender, key=lambda g: g.value)  # M before W
    if step.order == "women_first":
        genders.reverse()
    if step.order in ("men_first", "women_first"):
        return [group for g in genders for group in per_gender[g]]
    return sorted((group for g in genders for group in per_gender[g]),
                  key=lambda group: (group[0].entry.rank, group[0].ranking.gender.value))


@runner_for(AdditionalAthleteStep)
def run_additional_athlete(ctx: Context, step: AdditionalAthleteStep) -> None:
    ledger, counter = ctx.ledger, _counter(ctx)

    def qualifies(candidate: Candidate) -> Refusal | None:
        noc, gender = candidate.noc, candidate.ranking.gender
        if ledger.count(noc=noc, event=step.team_events[gender]) == 0:
            return Refusal(None)  # not in the team event: the rule does not apply
        starts = sum(counter.starts(ledger, noc, gender).values())
        if starts != step.starting_places:
            return Refusal(None)
        if not counter.under_ceiling(ledger):
            return Refusal(SkipReason.CEILING_REACHED,
                           f"{starts} starting places and the team event, but {counter.total(ledger)} athletes "
                           f"already allocated (ceiling {counter.rules.ceiling})")
        return _neutral_refusal(ctx, noc, {gender: 1})

    def one_athlete(candidate: Candidate, grant: int, passed_down: list[str]) -> list[Place]:
        noc, gender = candidate.noc, candidate.ranking.gender
        starts = sum(counter.starts(ledger, noc, gender).values())
        return [_place(step.id, step.type, step.clause, noc, gender, None, DERIVED_KIND, grant, candidate.ranking,
                       candidate.entry, f"additional athlete: {starts} starting places and the team event")]

    first = next(iter(step.lists.values()))
    run_walk(ctx, Walk(step.id, step.type, step.clause, ctx.lists[first], (), WalkFilters(),
                       stop=lambda grants: False, log_unreached=False, groups=_additional_groups(ctx, step),
                       check=qualifies, bundle=one_athlete))


@runner_for(AthleteQuotaStep)
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
