"""Step types. Each is implemented once here (or in ``athlete_steps``) and configured per system by the rule file.

Every step that goes down a list does it through :func:`run_walk`: one order (tie groups from
:func:`ordered_entries`), one set of checks (caps, filters, eligibility, the ceiling), one way of recording who
was passed over and why, and one tie policy (a tie group split between a place and "no room" is reported as an
unresolved tie). Step types only add their own candidate check and what a grant holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from qualify.engine.context import Context, Decline
from qualify.errors import InputError
from qualify.model.allocation import Decision, Place, PlaceStatus, SkipReason
from qualify.model.common import Gender
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import (
    ContinentalBestStep,
    HostGuaranteeStep,
    PlaceTemplate,
    RankingWalkStep,
    ReallocateStep,
    ReallocationRule,
    TeamCompletionStep,
    WalkFilters,
)
from qualify.rules.steps import runner_for

# Reasons that mean "there was no room left" (as opposed to a rule that keeps the candidate out): in a tie group
# where one entry got a place and another was refused for one of these, the in-tie order decided the place.
ROOM_REASONS = (SkipReason.QUOTA_FULL, SkipReason.CEILING_REACHED)


@dataclass(frozen=True)
class Candidate:
    """One entry of one list, as a walk meets it."""

    entry: RankingEntry
    ranking: RankingList

    @property
    def noc(self) -> str:
        return self.entry.noc


@dataclass(frozen=True)
class Refusal:
    """A step's own reason to pass a candidate over; ``reason`` None: not a candidate at all (nothing logged)."""

    reason: SkipReason | None
    detail: str = ""


@dataclass
class Walk:
    """One pass down a list (or several, merged): who is asked, in which order, and when to stop."""

    step_id: str
    step_type: str
    clause: str
    ranking: RankingList
    templates: tuple[PlaceTemplate, ...]
    filters: WalkFilters
    stop: Callable[[int], bool]  # called with the number of grants made so far
    exclude_nocs: frozenset[str] = frozenset()
    detail: str | None = None
    reallocated_from: str | None = None
    log_unreached: bool = True
    respect_ceiling: bool = False  # a grant must leave the athlete total within the ceiling
    # The candidates in tie groups, in walking order (default: the ranking's own tie groups).
    groups: list[list[Candidate]] | None = None
    # A step's own check, run after the shared filters and before the caps.
    check: Callable[[Candidate], Refusal | None] | None = None
    # The places a grant holds (default: one place per template, from the candidate's entry).
    bundle: Callable[[Candidate, int, list[str]], list[Place]] | None = None
    grants: list[list[Place]] = field(default_factory=list)


def ordered_entries(ranking: RankingList, tie_rule: str) -> list[list[RankingEntry]]:
    """The list as tie groups in walking order; inside a group, by NOC code then athlete."""
    def key(entry: RankingEntry) -> object:
        if tie_rule == "equal_points" and entry.points is not None:
            return ("points", -entry.points)
        return ("rank", entry.rank)

    groups: list[list[RankingEntry]] = []
    for entry in ranking.entries:
        if groups and key(groups[-1][0]) == key(entry):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return [sorted(group, key=lambda e: (e.noc, e.athlete or "", e.qualifier or 0)) for group in groups]


def candidate_groups(ranking: RankingList, tie_rule: str) -> list[list[Candidate]]:
    return [[Candidate(entry, ranking) for entry in group] for group in ordered_entries(ranking, tie_rule)]


def place_from(walk: Walk, candidate: Candidate, template: PlaceTemplate, grant: int, passed_down: list[str],
               detail: str | None = None) -> Place:
    entry, ranking = candidate.entry, candidate.ranking
    athlete = entry.athlete if template.gender is ranking.gender else None
    return Place(
        noc=entry.noc, gender=template.gender, event=template.event, kind=template.kind,
        pathway=walk.step_id, step_type=walk.step_type, clause=walk.clause, grant=grant,
        list=ranking.id, rank=entry.rank, points=entry.points,
        athlete=athlete, entry=entry.label, detail=detail if detail is not None else walk.detail,
        passed_down_from="; ".join(passed_down) or None, reallocated_from=walk.reallocated_from,
    )


def run_walk(ctx: Context, walk: Walk) -> None:
    ledger = ctx.ledger
    tie_rule = ctx.system.tie_break.rule
    from_steps = ledger.nocs_from_steps(walk.filters.exclude_steps) if walk.filters.exclude_steps else set()
    passed_down: list[str] = []
    outcome: dict[int, str] = {}  # id(candidate) -> "granted" | "unreached" | "skipped"
    stopped_at: Candidate | None = None
    groups = walk.groups if walk.groups is not None else candidate_groups(walk.ranking, tie_rule)
    flat = [candidate for group in groups for candidate in group]
    # A qualifier entry ("CAN #2") stands for the NOC's k-th place earned on this list: it is taken while the NOC
    # holds (or has declined) k places from the list, or given as published, so a later walk (a reallocation)
    # never hands "CAN #2" a second place. A guaranteed host place covers no entry. NOC entries are limited by
    # the caps, athletes below.
    events = {t.event for t in walk.templates}
    held_in_event = Counter(p.noc for p in ledger.places if p.event in events
                            and (p.list == walk.ranking.id or p.step_type == "given")
                            and p.status in (PlaceStatus.ACTIVE, PlaceStatus.DECLINED))
    counter = ctx.athletes
    ceiling = counter.rules.ceiling if counter is not None else None
    respect_ceiling = counter is not None and ceiling is not None and (
        walk.respect_ceiling or counter.rules.ceiling_reading == "all")

    waiting_for_taker: list[Decision] = []  # capped candidates whose place passes down to the next grant

    def skip(candidate: Candidate, reason: SkipReason, detail: str, taken_by: str | None = None) -> None:
        outcome[id(candidate)] = "unreached" if reason in ROOM_REASONS else "skipped"
        entry = candidate.entry
        decision = Decision(step=walk.step_id, clause=walk.clause, noc=entry.noc,
                            gender=walk.templates[0].gender if len(walk.templates) == 1 else candidate.ranking.gender,
                            event=walk.templates[0].event if walk.templates else None, list=candidate.ranking.id,
                            rank=entry.rank, athlete=entry.athlete, reason=reason, detail=detail, taken_by=taken_by)
        ledger.skip(decision)
        if reason is SkipReason.CAP_REACHED:
            waiting_for_taker.append(decision)

    for candidate in flat:
        if walk.stop(len(walk.grants)):
            stopped_at = candidate
            break
        entry, noc = candidate.entry, candidate.noc
        if walk.filters.continent is not None and ctx.continent(noc) is not walk.filters.continent:
            continue  # other continents are not candidates at all
        if noc in walk.exclude_nocs:
            skip(candidate, SkipReason.DECLINED, f"{noc} declined this place")
            continue
        if walk.filters.exclude_host and noc == ctx.system.host:
            skip(candidate, SkipReason.EXCLUDED, f"{noc} is the host, excluded from this step")
            continue
        if noc in from_steps:
            skip(candidate, SkipReason.EXCLUDED,
                 f"{noc} qualified through {', '.join(walk.filters.exclude_steps)}, excluded here")
            continue
        if entry.qualifier is not None and held_in_event[noc] >= entry.qualifier:
            skip(candidate, SkipReason.ALREADY_QUALIFIED,
                 f"{entry.label} is covered: {noc} holds {held_in_event[noc]} place(s) from this list")
            continue
        if walk.filters.only_new_nocs and ledger.holds_place(noc):
            skip(candidate, SkipReason.ALREADY_QUALIFIED, f"{noc} already holds a place")
            continue
        if entry.athlete is not None and any(
                ledger.athlete_holds_place(entry.athlete, noc, t.gender, t.event) for t in walk.templates):
            skip(candidate, SkipReason.ALREADY_QUALIFIED, f"{entry.athlete} already holds a place")
            continue
        if walk.filters.check_eligibility and entry.athlete is not None and ctx.eligibility.checking:
            status = ctx.eligibility.status(entry.athlete, noc, candidate.ranking.gender)
            if status.status != "eligible":
                skip(candidate, SkipReason.NOT_ELIGIBLE, f"{entry.athlete}: {status.evidence}")
                continue
        refusal = walk.check(candidate) if walk.check is not None else None
        if refusal is not None:
            if refusal.reason is None:
                outcome[id(candidate)] = "skipped"
            else:
                skip(candidate, refusal.reason, refusal.detail)
            continue
        grant = ledger.new_grant_id()
        bundle = (walk.bundle(candidate, grant, passed_down) if walk.bundle is not None
                  else [place_from(walk, candidate, t, grant, passed_down) for t in walk.templates])
        breach = ctx.caps.breach(ledger, bundle)
        if breach is not None and breach.is_total:
            stopped_at = candidate
            break
        if breach is not None:
            skip(candidate, SkipReason.CAP_REACHED, breach.message)
            passed_down.append(f"{entry.label} ({noc}, rank {entry.rank})")
            continue
        for place in bundle:
            ledger.add(place)
        if respect_ceiling and counter is not None and ceiling is not None and counter.total(ledger) > ceiling:
            ledger.remove_last(len(bundle))
            skip(candidate, SkipReason.CEILING_REACHED,
                 f"the place would take the athletes past the ceiling of {ceiling}")
            continue
        for place in bundle:
            held_in_event[place.noc] += place.event in events
        walk.grants.append(bundle)
        outcome[id(candidate)] = "granted"
        taker = _taker(bundle[-1])
        for decision in waiting_for_taker:
            ledger.replace_decision(decision, decision.model_copy(update={"taken_by": taker}))
        waiting_for_taker.clear()
        passed_down = []

    if stopped_at is not None:
        start = flat.index(stopped_at)
        last_taker = _taker(walk.grants[-1][-1]) if walk.grants else None
        tied_with_a_grant = {id(c) for group in groups if any(outcome.get(id(m)) == "granted" for m in group)
                             for c in group}
        for candidate in flat[start:]:
            if walk.filters.continent is not None and ctx.continent(candidate.noc) is not walk.filters.continent:
                continue
            # A walk that does not list who it never reached still records those tied with a winner.
            if not walk.log_unreached and id(candidate) not in tied_with_a_grant:
                continue
            skip(candidate, SkipReason.QUOTA_FULL,
                 f"not reached: the step's {len(walk.grants)} grant(s) went to higher-ranked entries",
                 taken_by=last_taker and f"{last_taker} (the last one)")
    elif not walk.stop(len(walk.grants)) and walk.log_unreached:
        ledger.skip(Decision(step=walk.step_id, clause=walk.clause, noc=None,
                             gender=walk.templates[0].gender if walk.templates else walk.ranking.gender,
                             event=walk.templates[0].event if walk.templates else None, list=walk.ranking.id,
                             reason=SkipReason.LIST_EXHAUSTED,
                             detail=f"{walk.ranking.title} ran out after {len(walk.grants)} grant(s)"))
        ledger.warn(walk.step_id, f"{walk.ranking.title} was exhausted after {len(walk.grants)} grant(s); "
                    "the step's remaining places were not given")
    _flag_deciding_ties(ctx, walk, groups, outcome)


def _flag_deciding_ties(ctx: Context, walk: Walk, groups: list[list[Candidate]], outcome: dict[int, str]) -> None:
    """A tie group split between a grant and 'no room left' decided a place by the in-tie order alone."""
    ledger = ctx.ledger
    for group in groups:
        winners = [c for c in group if outcome.get(id(c)) == "granted"]
        losers = [c for c in group if outcome.get(id(c)) == "unreached"]
        if not winners or not losers:
            continue
        winner_labels = ", ".join(f"{c.entry.label} ({c.noc})" for c in winners)
        loser_labels = ", ".join(f"{c.entry.label} ({c.noc})" for c in losers)
        title = group[0].ranking.title
        ledger.warn(walk.step_id, f"unresolved tie on {title} at rank {min(c.entry.rank for c in group)}: "
                    f"{winner_labels} placed ahead of {loser_labels} by NOC code only")
        loser_ids = {(c.noc, c.entry.athlete, c.entry.rank, c.ranking.id) for c in losers}
        for decision in list(ledger.decisions):
            if (decision.step == walk.step_id and decision.reason in ROOM_REASONS
                    and (decision.noc, decision.athlete, decision.rank, decision.list) in loser_ids):
                ledger.replace_decision(decision, decision.model_copy(update={
                    "reason": SkipReason.TIE_LOST,
                    "detail": f"tied with {winner_labels}; the tie is unresolved ({decision.detail})"}))
        winner_ids = {(c.noc, c.entry.rank, c.ranking.id) for c in winners}
        for place in list(ledger.places):
            if place.pathway == walk.step_id and (place.noc, place.rank, place.list) in winner_ids:
                ledger.replace(place, place.model_copy(update={"tie_unresolved": True}))


def _taker(place: Place) -> str:
    who = f"{place.athlete} ({place.noc})" if place.athlete else place.noc
    return f"{who}, rank {place.rank}" if place.rank is not None else who


def probe(template: PlaceTemplate, step_id: str, noc: str = "") -> Place:
    """A place that is not granted, to ask the caps whether one like it would still fit."""
    return Place(noc=noc, gender=template.gender, event=template.event, kind=template.kind, pathway=step_id,
                 step_type="", clause="", grant=0, entry=noc)


def _stop_rule(ctx: Context, step: RankingWalkStep) -> Callable[[int], bool]:
    if step.take is not None:
        take = step.take
        return lambda grants: grants >= take
    if step.until_nocs is not None:
        until = step.until_nocs
        return lambda grants: len(ctx.ledger.nocs_with_places()) >= until

    probes = [probe(t, step.id) for t in step.grant]
    return lambda grants: ctx.caps.total_full(ctx.ledger, probes)


@runner_for(RankingWalkStep)
def run_ranking_walk(ctx: Context, step: RankingWalkStep) -> None:
    run_walk(ctx, Walk(step.id, step.type, step.clause, ctx.lists[step.list], step.grant, step,
                       _stop_rule(ctx, step)))


@runner_for(HostGuaranteeStep)
def run_host_guarantee(ctx: Context, step: HostGuaranteeStep) -> None:
    host = ctx.system.host
    # An unconditional guarantee is one decision (e.g. the host's man and woman together); a conditional one
    # is decided event by event.
    shared_grant = None if step.only_if_missing else ctx.ledger.new_grant_id()
    for template in step.grant:
        if step.only_if_missing and ctx.ledger.count(noc=host, gender=template.gender, event=template.event,
                                                     kind=template.kind):
            ctx.ledger.skip(Decision(step=step.id, clause=step.clause, noc=host, gender=template.gender,
                                     event=template.event, reason=SkipReason.ALREADY_QUALIFIED,
                                     detail=f"{host} qualified this place itself"))
            continue
        candidate = probe(template, step.id, host)
        # A guarantee on top of places the host earned may not take it past a per-NOC cap: it already holds
        # what the cap allows, which is more than the guarantee promised.
        breach = ctx.caps.breach(ctx.ledger, [candidate])
        if breach is not None and not breach.is_total:
            ctx.ledger.skip(Decision(step=step.id, clause=step.clause, noc=host, gender=template.gender,
                                     event=template.event, reason=SkipReason.CAP_REACHED,
                                     detail=f"the host already holds the most places allowed: {breach.message}"))
            continue
        if step.when_full == "displace_last" and ctx.caps.total_full(ctx.ledger, [candidate]):
            _displace_last(ctx, step.id, step.clause, template)
        ctx.ledger.add(Place(noc=host, gender=template.gender, event=template.event, kind=template.kind,
                             pathway=step.id, step_type=step.type, clause=step.clause,
                             grant=shared_grant or ctx.ledger.new_grant_id(), entry=host, detail="host"))


def _displace_last(ctx: Context, step_id: str, clause: str, template: PlaceTemplate) -> None:
    """Withdraw the lowest-ranked place a ranking walk gave in the event, to make room for a guarantee."""
    walked = {s.id for s in ctx.system.steps if isinstance(s, RankingWalkStep | TeamCompletionStep)}
    candidates = [p for p in ctx.ledger.active() if p.event == template.event and p.gender is template.gender
                  and p.kind == template.kind and p.pathway in walked and p.rank is not None]
    if not candidates:
        ctx.ledger.warn(step_id, f"{template.event} is full and no ranked place can make room: the guarantee "
                                 "exceeds the event maximum")
        return
    last = max(candidates, key=lambda p: (p.rank or 0, p.grant))
    # The whole grant goes: a team completed with an extra athlete loses that athlete with the team.
    for place in [p for p in ctx.ledger.active() if p.grant == last.grant]:
        ctx.ledger.replace(place, place.model_copy(update={"status": PlaceStatus.DISPLACED}))
    ctx.ledger.skip(Decision(step=step_id, clause=clause, noc=last.noc, gender=last.gender, event=last.event,
                             list=last.list, rank=last.rank, reason=SkipReason.QUOTA_FULL,
                             detail="place withdrawn to make room for the host guarantee",
                             taken_by=ctx.system.host))


@runner_for(ContinentalBestStep)
def run_continental_best(ctx: Context, step: ContinentalBestStep) -> None:
    ranking = ctx.lists[step.list]
    for continent in step.continents:
        represented = any(ctx.continent(noc) is continent for noc in ctx.ledger.nocs_with_places())
        if step.reading == "unrepresented" and represented:
            ctx.ledger.skip(Decision(step=step.id, clause=step.clause, noc=None, gender=None,
                                     list=ranking.id, reason=SkipReason.EXCLUDED,
                                     detail=f"{continent.value} already holds a place: no continental place"))
            continue
        if not any(ctx.continent(e.noc) is continent for e in ranking.entries):
            ctx.ledger.skip(Decision(step=step.id, clause=step.clause, noc=None, gender=None, list=ranking.id,
                                     reason=SkipReason.LIST_EXHAUSTED,
                                     detail=f"no {continent.value} NOC on {ranking.title}"))
            continue
        filters = step.model_copy(update={"continent": continent, "only_new_nocs": True})
        run_walk(ctx, Walk(step.id, step.type, step.clause, ranking, step.grant, filters,
                           stop=lambda grants: grants >= 1, detail=continent.value))


# --- declines and reallocation ----------------------------------------------------------------------------

def _describe_decline(decline: Decline) -> str:
    what = f"{decline.gender.label.lower()}'s place" if decline.gender is not Gender.MIXED else "mixed place"
    if decline.step:
        what += f" from step '{decline.step}'"
    if decline.event:
        what += f" in {decline.event}"
    return what


def _resolve_decline(ctx: Context, decline: Decline, taken: dict[int, Decline]) -> Place:
    """The place a decline gives up: of the NOC's active places that match, the one it earned last."""
    def matches(place: Place) -> bool:
        return (place.noc == decline.noc and place.gender is decline.gender
                and (decline.step is None or place.pathway == decline.step)
                and (decline.event is None or place.event == decline.event))

    candidates = [p for p in ctx.ledger.active() if matches(p)]
    if not candidates:
        what = _describe_decline(decline)
        earlier = [p for p in ctx.ledger.places if matches(p) and id(p) in taken]
        if earlier:
            by = ", ".join(f"'{taken[id(p)].text}'" + (f" (row {taken[id(p)].row})" if taken[id(p)].row else "")
                           for p in earlier)
            raise InputError.single(decline.source, f"'{decline.text}': {decline.noc} holds {len(earlier)} "
                                                    f"{what}{'s' if len(earlier) != 1 else ''}, already given up by "
                                                    f"{by}; expected at most {len(earlier)} such decline"
                                                    f"{'s' if len(earlier) != 1 else ''}", row=decline.row)
        raise InputError.single(decline.source, f"'{decline.text}': {decline.noc} holds no {what}", row=decline.row)
    # Without a named step the NOC gives up the place it earned last; earlier pathways (the host's
    # own guarantee, say) are kept unless named.
    return max(candidates, key=lambda p: p.grant)


def _rule_for(step: ReallocateStep, place: Place, whole_grant_declined: bool) -> ReallocationRule | None:
    for rule in step.rules:
        if rule.whole_grant and not whole_grant_declined:
            continue  # a place declined without the rest of its grant goes on to the next rule
        if rule.from_steps is not None and place.pathway not in rule.from_steps:
            continue
        if rule.gender is not None and rule.gender is not place.gender:
            continue
        if rule.event is not None and rule.event != place.event:
            continue
        return rule
    return None


def _companions(ctx: Context, place: Place) -> list[Place]:
    """Places that stand or fall with a declined team place: the extra athletes granted to complete it."""
    if place.kind != "team":
        return []
    return [p for p in ctx.ledger.active() if p.grant == place.grant and p is not place and p.kind == "quota"]


def _teams_left_without_athletes(ctx: Context, step: ReallocateStep) -> list[Place]:
    """A team formed from an NOC's athletes (team completion) falls when declines leave it short of them: it is
    given up with them, and reallocated like any declined team place."""
    if ctx.athletes is None:
        return []
    counter, ledger = ctx.athletes, ctx.ledger
    team_steps = {s.event: s for s in ctx.system.steps if isinstance(s, TeamCompletionStep)}
    lost = []
    for place in list(ledger.active()):
        team = team_steps.get(place.event or "") if place.kind == "team" else None
        if team is None or place.step_type == "given":
            continue
        short = {g: need - counter.athletes(ledger, place.noc, g) for g, need in team.needs.items()}
        if not any(missing > 0 for missing in short.values()):
            continue
        declined = place.model_copy(update={"status": PlaceStatus.DECLINED})
        ledger.replace(place, declined)
        lost.append(declined)
        holding = " + ".join(f"{team.needs[g] - short[g]} {g.label.lower()}" for g in team.needs)
        ledger.skip(Decision(step=step.id, clause=team.clause, noc=place.noc, gender=place.gender, event=place.event,
                             list=place.list, rank=place.rank, reason=SkipReason.DECLINED,
                             detail=f"team given up with its athletes: after the declines {place.noc} holds "
                                    f"{holding} athletes"))
    return lost


@runner_for(ReallocateStep)
def run_reallocate(ctx: Context, step: ReallocateStep) -> None:
    from qualify.engine.athlete_steps import complete_teams  # athlete steps build on this module

    ledger = ctx.ledger
    declines = sorted(ctx.declines, key=lambda d: (d.gender.value, d.noc, d.step or "", d.event or ""))
    declined_by_gender: dict[Gender, set[str]] = {}
    # Every decline is taken before any place moves, so no decliner receives another decliner's place.
    declined_places: list[Place] = []
    taken: dict[int, Decline] = {}
    for decline in declines:
        place = _resolve_decline(ctx, decline, taken)
        for gone in [place, *_companions(ctx, place)]:
            declined = gone.model_copy(update={"status": PlaceStatus.DECLINED})
            ledger.replace(gone, declined)
            taken[id(declined)] = decline
            if gone is place:
                declined_places.append(declined)
        declined_by_gender.setdefault(place.gender, set()).add(place.noc)
        ledger.skip(Decision(step=step.id, clause=step.clause, noc=place.noc, gender=place.gender,
                             event=place.event, list=place.list, rank=place.rank, athlete=place.athlete,
                             reason=SkipReason.DECLINED, detail=f"declined its {place.pathway} place"))
    for lost in _teams_left_without_athletes(ctx, step):
        declined_places.append(lost)
        declined_by_gender.setdefault(lost.gender, set()).add(lost.noc)
    done: set[int] = set()
    for place in declined_places:
        if id(place) in done:
            continue
        grant = [p for p in ledger.places if p.grant == place.grant and p.status is not PlaceStatus.DISPLACED]
        whole = all(p.status is PlaceStatus.DECLINED for p in grant)
        rule = _rule_for(step, place, whole)
        together = [p for p in declined_places if p.grant == place.grant] if rule and rule.whole_grant else [place]
        done.update(id(p) for p in together)
        what = " and ".join(p.event or f"{p.gender.label.lower()}'s" for p in together)
        if rule is None:
            ledger.warn(step.id, f"no reallocation rule covers {place.noc}'s {place.pathway} place: it lapses")
            continue
        if step.while_under_ceiling and ctx.athletes is not None and not ctx.athletes.under_ceiling(ledger):
            total = ctx.athletes.total(ledger)
            ledger.warn(step.id, f"{place.noc}'s declined {what} place is not refilled: {total} athletes are "
                        f"allocated, the ceiling is {ctx.athletes.rules.ceiling} [{ctx.athletes.rules.ceiling_clause}]")
            continue
        excluded: set[str] = set()
        if step.exclude_decliner:
            for p in together:
                excluded |= declined_by_gender.get(p.gender, set())
        if rule.team_step is not None:
            team_step = ctx.system.step(rule.team_step)
            assert isinstance(team_step, TeamCompletionStep)  # the rule-file semantics check guarantees it
            granted = complete_teams(ctx, team_step, step_id=step.id, step_type=step.type, clause=rule.clause,
                                     exclude_nocs=frozenset(excluded), limit=1, reallocated_from=place.noc,
                                     respect_ceiling=step.while_under_ceiling)
        else:
            templates = tuple(PlaceTemplate(gender=p.gender, event=p.event, kind=p.kind) for p in together)
            walk = Walk(step.id, step.type, rule.clause, ctx.lists[rule.list], templates, rule,
                        stop=lambda grants: grants >= 1, exclude_nocs=frozenset(excluded),
                        detail=f"reallocated by rule {rule.id}", reallocated_from=place.noc, log_unreached=False,
                        respect_ceiling=step.while_under_ceiling)
            run_walk(ctx, walk)
            granted = len(walk.grants)
        if not granted:
            noun, verdict = ("place", "it lapses") if len(together) == 1 else \
                ("places", f"they lapse ({len(together)} places)")
            ledger.warn(step.id, f"{place.noc}'s declined {what} {noun} could not be reallocated on "
                        f"{ctx.lists[rule.list].title}: {verdict}")
