"""Step types. Each is implemented once here and configured per system by the rule file."""

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
    WalkFilters,
)


@dataclass
class Walk:
    """One pass down a list: who is asked, in which order, and when to stop."""

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


def _place(ctx: Context, walk: Walk, entry: RankingEntry | None, noc: str, template: PlaceTemplate,
           grant: int, passed_down: list[str]) -> Place:
    athlete = entry.athlete if entry is not None and template.gender is walk.ranking.gender else None
    return Place(
        noc=noc, gender=template.gender, event=template.event, kind=template.kind,
        pathway=walk.step_id, step_type=walk.step_type, clause=walk.clause, grant=grant,
        list=walk.ranking.id, rank=entry.rank if entry else None, points=entry.points if entry else None,
        athlete=athlete, entry=entry.label if entry else noc, detail=walk.detail,
        passed_down_from="; ".join(passed_down) or None, reallocated_from=walk.reallocated_from,
    )


def run_walk(ctx: Context, walk: Walk) -> None:
    ledger = ctx.ledger
    tie_rule = ctx.system.tie_break.rule
    from_steps = ledger.nocs_from_steps(walk.filters.exclude_steps) if walk.filters.exclude_steps else set()
    passed_down: list[str] = []
    outcome: dict[int, str] = {}  # id(entry) -> "granted" | "unreached" | "skipped"
    stopped_at: RankingEntry | None = None
    groups = ordered_entries(walk.ranking, tie_rule)
    flat = [entry for group in groups for entry in group]
    # A qualifier entry ("CAN #2") stands for the NOC's k-th place earned on this list: it is taken while the NOC
    # holds (or has declined) k places from the list, or given as published, so a later walk (a reallocation)
    # never hands "CAN #2" a second place. A guaranteed host place covers no entry. NOC entries are limited by
    # the caps, athletes below.
    events = {t.event for t in walk.templates}
    held_in_event = Counter(p.noc for p in ledger.places if p.event in events
                            and (p.list == walk.ranking.id or p.step_type == "given")
                            and p.status in (PlaceStatus.ACTIVE, PlaceStatus.DECLINED))
    ceiling = ctx.athletes.rules.ceiling if ctx.athletes is not None else None
    respect_ceiling = ceiling is not None and (walk.respect_ceiling or ctx.athletes.rules.ceiling_reading == "all")

    waiting_for_taker: list[Decision] = []  # capped candidates whose place passes down to the next grant

    def skip(entry: RankingEntry, reason: SkipReason, detail: str, taken_by: str | None = None) -> None:
        outcome[id(entry)] = "skipped"
        decision = Decision(step=walk.step_id, clause=walk.clause, noc=entry.noc,
                            gender=walk.templates[0].gender if len(walk.templates) == 1 else walk.ranking.gender,
                            event=walk.templates[0].event, list=walk.ranking.id, rank=entry.rank,
                            athlete=entry.athlete, reason=reason, detail=detail, taken_by=taken_by)
        ledger.skip(decision)
        if reason is SkipReason.CAP_REACHED:
            waiting_for_taker.append(decision)

    for entry in flat:
        if walk.stop(len(walk.grants)):
            stopped_at = entry
            break
        noc = entry.noc
        if walk.filters.continent is not None and ctx.continent(noc) is not walk.filters.continent:
            continue  # other continents are not candidates at all
        if noc in walk.exclude_nocs:
            skip(entry, SkipReason.DECLINED, f"{noc} declined this place")
            continue
        if walk.filters.exclude_host and noc == ctx.system.host:
            skip(entry, SkipReason.EXCLUDED, f"{noc} is the host, excluded from this step")
            continue
        if noc in from_steps:
            skip(entry, SkipReason.EXCLUDED,
                 f"{noc} qualified through {', '.join(walk.filters.exclude_steps)}, excluded here")
            continue
        if entry.qualifier is not None and held_in_event[noc] >= entry.qualifier:
            skip(entry, SkipReason.ALREADY_QUALIFIED,
                 f"{entry.label} is covered: {noc} holds {held_in_event[noc]} place(s) from this list")
            continue
        if walk.filters.only_new_nocs and ledger.holds_place(noc):
            skip(entry, SkipReason.ALREADY_QUALIFIED, f"{noc} already holds a place")
            continue
        if entry.athlete is not None and any(
                ledger.athlete_holds_place(entry.athlete, noc, t.gender, t.event) for t in walk.templates):
            skip(entry, SkipReason.ALREADY_QUALIFIED, f"{entry.athlete} already holds a place")
            continue
        if walk.filters.check_eligibility and entry.athlete is not None and ctx.eligibility.checking:
            status = ctx.eligibility.status(entry.athlete, noc, walk.ranking.gender)
            if status.status != "eligible":
                skip(entry, SkipReason.NOT_ELIGIBLE, f"{entry.athlete}: {status.evidence}")
                continue
        grant = ledger.new_grant_id()
        bundle = [_place(ctx, walk, entry, noc, t, grant, passed_down) for t in walk.templates]
        breach = ctx.caps.breach(ledger, bundle)
        if breach is not None and breach.is_total:
            stopped_at = entry
            break
        if breach is not None:
            skip(entry, SkipReason.CAP_REACHED, breach.message)
            passed_down.append(f"{entry.label} ({noc}, rank {entry.rank})")
            continue
        for place in bundle:
            ledger.add(place)
        if respect_ceiling and ctx.athletes.total(ledger) > ceiling:
            ledger.remove_last(len(bundle))
            skip(entry, SkipReason.CEILING_REACHED, f"the place would take the athletes past the ceiling of {ceiling}")
            continue
        for place in bundle:
            held_in_event[place.noc] += place.event in events
        walk.grants.append(bundle)
        outcome[id(entry)] = "granted"
        taker = _taker(bundle[0])
        for decision in waiting_for_taker:
            ledger.replace_decision(decision, decision.model_copy(update={"taken_by": taker}))
        waiting_for_taker.clear()
        passed_down = []

    if stopped_at is not None:
        start = flat.index(stopped_at)
        last_taker = _taker(walk.grants[-1][0]) if walk.grants else None
        tied_with_a_grant = {id(e) for group in groups if any(outcome.get(id(m)) == "granted" for m in group)
                             for e in group}
        for entry in flat[start:]:
            if walk.filters.continent is not None and ctx.continent(entry.noc) is not walk.filters.continent:
                continue
            # A walk that does not list who it never reached still records those tied with a winner.
            if not walk.log_unreached and id(entry) not in tied_with_a_grant:
                continue
            skip(entry, SkipReason.QUOTA_FULL,
                 f"not reached: the step's {len(walk.grants)} grant(s) went to higher-ranked entries",
                 taken_by=last_taker and f"{last_taker} (the last one)")
            outcome[id(entry)] = "unreached"
    elif not walk.stop(len(walk.grants)):
        ledger.skip(Decision(step=walk.step_id, clause=walk.clause, noc=None, gender=walk.templates[0].gender,
                             event=walk.templates[0].event, list=walk.ranking.id, reason=SkipReason.LIST_EXHAUSTED,
                             detail=f"{walk.ranking.title} ran out after {len(walk.grants)} grant(s)"))
        ledger.warn(walk.step_id, f"{walk.ranking.title} was exhausted after {len(walk.grants)} grant(s); "
                    "the step's remaining places were not given")
    _flag_deciding_ties(ctx, walk, groups, outcome)


def _flag_deciding_ties(ctx: Context, walk: Walk, groups: list[list[RankingEntry]],
                        outcome: dict[int, str]) -> None:
    """A tie group split between a grant and 'not reached' decided a place by the in-tie order alone."""
    ledger = ctx.ledger
    for group in groups:
        winners = [e for e in group if outcome.get(id(e)) == "granted"]
        losers = [e for e in group if outcome.get(id(e)) == "unreached"]
        if not winners or not losers:
            continue
        winner_labels = ", ".join(f"{e.label} ({e.noc})" for e in winners)
        loser_labels = ", ".join(f"{e.label} ({e.noc})" for e in losers)
        ledger.warn(walk.step_id, f"unresolved tie on {walk.ranking.title} at rank {min(e.rank for e in group)}: "
                    f"{winner_labels} placed ahead of {loser_labels} by NOC code only")
        loser_ids = {(e.noc, e.athlete, e.rank) for e in losers}
        for decision in list(ledger.decisions):
            if (decision.step == walk.step_id and decision.reason is SkipReason.QUOTA_FULL
                    and (decision.noc, decision.athlete, decision.rank) in loser_ids):
                ledger.replace_decision(decision, decision.model_copy(update={
                    "reason": SkipReason.TIE_LOST, "detail": f"tied with {winner_labels}; the tie is unresolved"}))
        winner_ids = {(e.noc, e.rank) for e in winners}
        for place in list(ledger.places):
            if place.pathway == walk.step_id and (place.noc, place.rank) in winner_ids:
                ledger.replace(place, place.model_copy(update={"tie_unresolved": True}))


def _taker(place: Place) -> str:
    who = f"{place.athlete} ({place.noc})" if place.athlete else place.noc
    return f"{who}, rank {place.rank}" if place.rank is not None else who


def _stop_rule(ctx: Context, step: RankingWalkStep) -> Callable[[int], bool]:
    if step.take is not None:
        return lambda grants: grants >= step.take
    if step.until_nocs is not None:
        return lambda grants: len(ctx.ledger.nocs_with_places()) >= step.until_nocs

    def full(grants: int) -> bool:
        probes = [Place(noc="", gender=t.gender, event=t.event, kind=t.kind, pathway=step.id, step_type="",
                        clause="", grant=0, entry="") for t in step.grant]
        return ctx.caps.total_full(ctx.ledger, probes)
    return full


def run_ranking_walk(ctx: Context, step: RankingWalkStep) -> None:
    run_walk(ctx, Walk(step.id, step.type, step.clause, ctx.lists[step.list], step.grant, step,
                       _stop_rule(ctx, step)))


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
        probe = Place(noc=host, gender=template.gender, event=template.event, kind=template.kind, pathway=step.id,
                      step_type=step.type, clause=step.clause, grant=0, entry=host)
        if step.when_full == "displace_last" and ctx.caps.total_full(ctx.ledger, [probe]):
            _displace_last(ctx, step.id, step.clause, template)
        ctx.ledger.add(Place(noc=host, gender=template.gender, event=template.event, kind=template.kind,
                             pathway=step.id, step_type=step.type, clause=step.clause,
                             grant=shared_grant or ctx.ledger.new_grant_id(), entry=host, detail="host"))


def _displace_last(ctx: Context, step_id: str, clause: str, template: PlaceTemplate) -> None:
    """Withdraw the lowest-ranked place a ranking walk gave in the event, to make room for a guarantee."""
    walked = {s.id for s in ctx.system.steps if s.type in ("ranking_walk", "team_completion")}
    candidates = [p for p in ctx.ledger.active() if p.event == template.event and p.gender is template.gender
                  and p.kind == template.kind and p.pathway in walked and p.rank is not None]
    if not candidates:
        ctx.ledger.warn(step_id, f"{template.event} is full and no ranked place can make room: the guarantee "
                                 "exceeds the event maximum")
        return
    last = max(candidates, key=lambda p: (p.rank, p.grant))
    # The whole grant goes: a team completed with an extra athlete loses that athlete with the team.
    for place in [p for p in ctx.ledger.active() if p.grant == last.grant]:
        ctx.ledger.replace(place, place.model_copy(update={"status": PlaceStatus.DISPLACED}))
    ctx.ledger.skip(Decision(step=step_id, clause=clause, noc=last.noc, gender=last.gender, event=last.event,
                             list=last.list, rank=last.rank, reason=SkipReason.QUOTA_FULL,
                             detail="place withdrawn to make room for the host guarantee",
                             taken_by=ctx.system.host))


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


def _resolve_decline(ctx: Context, decline: Decline) -> Place:
    candidates = [p for p in ctx.ledger.active() if p.noc == decline.noc and p.gender is decline.gender
                  and (decline.step is None or p.pathway == decline.step)
                  and (decline.event is None or p.event == decline.event)]
    if not candidates:
        what = f"{decline.gender.label.lower()}'s place"
        if decline.step:
            what += f" from step '{decline.step}'"
        if decline.event:
            what += f" in {decline.event}"
        raise InputError.single(decline.source, f"'{decline.text}': {decline.noc} holds no {what}",
                                row=decline.row)
    # Without a named step the NOC gives up the place it earned last; earlier pathways (the host's
    # own guarantee, say) are kept unless named.
    return max(candidates, key=lambda p: p.grant)


def _rule_for(step: ReallocateStep, place: Place) -> ReallocationRule | None:
    for rule in step.rules:
        if rule.from_steps is not None and place.pathway not in rule.from_steps:
            continue
        if rule.gender is not None and rule.gender is not place.gender:
            continue
        if rule.event is not None and rule.event != place.event:
            continue
        return rule
    return None


def run_reallocate(ctx: Context, step: ReallocateStep) -> None:
    ledger = ctx.ledger
    declines = sorted(ctx.declines, key=lambda d: (d.gender.value, d.noc, d.step or "", d.event or ""))
    declined_by_gender: dict[Gender, set[str]] = {}
    # Every decline is taken before any place moves, so no decliner receives another decliner's place.
    declined_places = []
    for decline in declines:
        place = _resolve_decline(ctx, decline)
        declined = place.model_copy(update={"status": PlaceStatus.DECLINED})
        ledger.replace(place, declined)
        declined_places.append(declined)
        declined_by_gender.setdefault(place.gender, set()).add(place.noc)
        ledger.skip(Decision(step=step.id, clause=step.clause, noc=place.noc, gender=place.gender,
                             event=place.event, list=place.list, rank=place.rank, athlete=place.athlete,
                             reason=SkipReason.DECLINED, detail=f"declined its {place.pathway} place"))
    for place in declined_places:
        rule = _rule_for(step, place)
        if rule is None:
            ledger.warn(step.id, f"no reallocation rule covers {place.noc}'s {place.pathway} place: it lapses")
            continue
        if step.while_under_ceiling and ctx.athletes is not None and not ctx.athletes.under_ceiling(ledger):
            total = ctx.athletes.total(ledger)
            ledger.warn(step.id, f"{place.noc}'s declined {place.event or place.gender.label.lower()} place is "
                        f"not refilled: {total} athletes are allocated, the ceiling is {ctx.athletes.rules.ceiling} "
                        f"[{ctx.athletes.rules.ceiling_clause}]")
            continue
        excluded = declined_by_gender[place.gender] if step.exclude_decliner else frozenset()
        template = PlaceTemplate(gender=place.gender, event=place.event, kind=place.kind)
        walk = Walk(step.id, step.type, rule.clause, ctx.lists[rule.list], (template,), rule,
                    stop=lambda grants: grants >= 1, exclude_nocs=frozenset(excluded),
                    detail=f"reallocated by rule {rule.id}", reallocated_from=place.noc, log_unreached=False,
                    respect_ceiling=step.while_under_ceiling)
        run_walk(ctx, walk)
        if not walk.grants:
            ledger.warn(step.id, f"{place.noc}'s declined {place.gender.label.lower()}'s place could not be "
                        f"reallocated on {ctx.lists[rule.list].title}: it lapses")



