"""The post-step audit on deliberately broken places: every check must fire (it cannot pass vacuously), name the
step and the clause, and stay silent on the places the engine really gives.

Broken places are built by hand (one place too many for a cap, a quota, an event maximum, the neutral limit...),
and broken runners are swapped into the step-type registry for a run, so that ``allocate`` itself has to stop.
"""

from __future__ import annotations

import itertools

import pytest

from qualify.cli import app
from qualify.engine import allocate
from qualify.engine.audit import Auditor
from qualify.errors import AuditError
from qualify.io.inputs import load_inputs
from qualify.model.allocation import Place, PlaceStatus
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.rules import RankingWalkStep, ReallocateStep, load_system
from qualify.rules.steps import STEP_TYPES

M, W, X = Gender.MEN, Gender.WOMEN, Gender.MIXED
SKI = load_system("ski-mountaineering-2026")
ST = load_system("short-track-2026")
NOCS = load_nocs()
_grants = itertools.count(1000)

SKI_CAP = "Qualification rules ¶1: up to 2 male and 2 female competitors per NOC"
ST_INDIVIDUAL = "Maximum number of quota places and athletes per NOC, bullet 1: three places per individual event"
ST_NEUTRAL = "Quota allocation note: Russia may qualify at most one male and one female skater as neutrals"
ST_CEILING = "Maximum number of quota places and athletes per NOC, bullet 7: at most 112 athletes"


def place(noc: str, gender: Gender, *, event: str | None = None, kind: str = "quota", pathway: str = "test",
          status: PlaceStatus = PlaceStatus.ACTIVE) -> Place:
    return Place(noc=noc, gender=gender, event=event, kind=kind, pathway=pathway, step_type="test", clause="test",
                 grant=next(_grants), entry=noc, status=status)


def lines(breaches) -> list[str]:
    return [b.line() for b in breaches]


# --- each check fires on a hand-made breach ---------------------------------------------------------------

def test_a_per_noc_cap_one_place_over():
    places = [place("ESP", M), place("ESP", M), place("ESP", M), place("ESP", W)]
    step = SKI.step("sprint-ranking-M")
    assert lines(Auditor(SKI).check(places, step)) == [
        f"audit: after step 'sprint-ranking-M', cap 'noc-gender' is broken: ESP holds 3 men's places, at most 2 "
        f"[{SKI_CAP}]"]


def test_a_declined_or_displaced_place_does_not_count():
    places = [place("ESP", M), place("ESP", M), place("ESP", M, status=PlaceStatus.DECLINED),
              place("ESP", M, status=PlaceStatus.DISPLACED)]
    assert Auditor(SKI).check(places, SKI.step("reallocation")) == []


def test_a_gender_quota_one_place_over():
    # 19 men, one each for 19 NOCs: no per-NOC cap is broken, the men's quota of 18 is.
    codes = [c for c in NOCS.codes() if not NOCS.is_neutral(c)][:19]
    places = [place(code, M) for code in codes]
    assert lines(Auditor(SKI).check(places, SKI.step("sprint-ranking-M"))) == [
        "audit: after step 'sprint-ranking-M', the men's quota is broken: the allocation holds 19 men's quota places, "
        "at most 18 [Qualification rules ¶1: 18 male athletes]"]


def test_an_event_maximum_one_place_over():
    codes = [c for c in NOCS.codes() if not NOCS.is_neutral(c)][:33]
    places = [place(code, M, event="M-500m", kind="start", pathway="soqc-M-500m") for code in codes]
    assert lines(Auditor(ST).check(places, ST.step("soqc-M-500m"))) == [
        "audit: after step 'soqc-M-500m', the maximum of event 'M-500m' is broken: the allocation holds 33 places in "
        "M-500m, at most 32 [maximum quota places in Men's 500 m]"]


def test_an_event_maximum_may_be_passed_only_by_a_host_place_granted_on_top():
    system = ST.model_copy(update={"steps": tuple(
        s.model_copy(update={"when_full": "exceed"}) if s.id == "host" else s for s in ST.steps)})
    codes = [c for c in NOCS.codes() if not NOCS.is_neutral(c) and c != "ITA"][:32]
    walked = [place(code, M, event="M-500m", kind="start", pathway="soqc-M-500m") for code in codes]
    host = place("ITA", M, event="M-500m", kind="start", pathway="host")
    assert Auditor(system).check([*walked, host], system.step("host")) == []
    # The same 33rd place from a walk is a breach; under displace_last (the bundled reading) so is the host's.
    assert len(Auditor(system).check([*walked, place("ITA", M, event="M-500m", kind="start")], None)) == 1
    assert len(Auditor(ST).check([*walked, host], ST.step("host"))) == 1


def test_the_neutral_limit_and_the_neutral_distance_cap():
    places = [place("AIN", M, event="M-500m", kind="start"), place("AIN", M, event="M-500m", kind="start")]
    assert lines(Auditor(ST).check(places, ST.step("soqc-M-500m"))) == [
        "audit: after step 'soqc-M-500m', cap 'neutral-individual-event' is broken: AIN holds 2 starting places in "
        "M-500m, at most 1 [Quota allocation note: neutral athletes enter one skater per distance]",
        f"audit: after step 'soqc-M-500m', the neutral limit is broken: AIN's men's places need 2 athletes, at most 1 "
        f"[{ST_NEUTRAL}]"]


def test_a_neutral_relay_team():
    places = [place("AIN", W, event="W-relay", kind="team")]
    assert lines(Auditor(ST).check(places, ST.step("soqc-W-relay")))[0] == (
        "audit: after step 'soqc-W-relay', cap 'neutral-team-event' is broken: AIN holds 1 team places in W-relay, "
        "at most 0 [Quota allocation note: at most one male and one female neutral skater, so no relay team]")


def filler_athletes(count: int) -> list[Place]:
    """``count`` athletes: NOCs with three places in one distance and no relay (three athletes each), spread over
    the six distances within their maxima (32, 32, 36 per gender)."""
    codes = iter(c for c in NOCS.codes() if not NOCS.is_neutral(c))
    room = {f"{g}-{d}": (36 if d == "1500m" else 32) for g in "MW" for d in ("500m", "1000m", "1500m")}
    out = []
    while count > 0:
        event = next(e for e, left in room.items() if left >= min(3, count))
        take = min(3, count)
        code = next(codes)
        out += [place(code, Gender(event[0]), event=event, kind="start") for _ in range(take)]
        room[event] -= take
        count -= take
    return out


def test_the_ceiling_after_a_step_held_to_it():
    # 111 athletes, then an additional athlete and a reallocated place: 113 > 112.
    places = filler_athletes(111) + [place("KOR", M, pathway="additional-athlete"),
                                     place("NED", W, pathway="additional-athlete")]
    assert lines(Auditor(ST).check(places, ST.step("additional-athlete"))) == [
        f"audit: after step 'additional-athlete', the athlete ceiling is broken: 113 athletes after a step held to "
        f"the ceiling granted places, at most 112 [{ST_CEILING}]"]
    # A step held to the ceiling that granted nothing is not blamed for a total the walks reached.
    assert Auditor(ST).check(filler_athletes(114), ST.step("additional-athlete")) == []
    # The walks are not held to it under ceiling_reading "additions".
    assert Auditor(ST).check(filler_athletes(114), ST.step("soqc-M-1500m")) == []


def test_a_mixed_team_without_its_athletes():
    places = [place("NED", M, event="M-500m", kind="start"), place("NED", M, event="M-500m", kind="start"),
              place("NED", W, event="W-500m", kind="start"),
              place("NED", X, event="X-mixed-relay", kind="team", pathway="mixed-relay")]
    assert lines(Auditor(ST).check(places, ST.step("mixed-relay"))) == [
        "audit: after step 'mixed-relay', the team rule of step 'mixed-relay' is broken: NED holds a team in "
        "X-mixed-relay with 2 men + 1 women athletes, a team needs 2 men + 2 women "
        "[Mixed: priority to NOCs with two men and two women qualified; at most one extra quota per NOC]"]


def test_written_athlete_quotas_that_the_places_do_not_give():
    places = [place("NED", M, event="M-500m", kind="start"), place("NED", M, event="M-1000m", kind="start"),
              place("NED", M, pathway="athletes"), place("NED", M, pathway="athletes")]
    # One start in each of two distances gives one man (the most places in one distance), not two.
    [line] = lines(Auditor(ST).check(places, ST.step("athletes")))
    assert line.startswith("audit: after step 'athletes', the athlete count is broken: NED was given 2 men's athlete "
                           "quota places, its places give 1 [")


# --- the bundled allocations pass, and a broken runner is stopped by allocate --------------------------------

def test_the_bundled_allocations_pass_the_audit_after_every_step():
    inputs = load_inputs(SKI, None, NOCS)
    allocation = allocate(SKI, inputs.lists, nocs=NOCS)
    auditor = Auditor(SKI)
    assert auditor.check(allocation.places, SKI.step("reallocation")) == []
    assert auditor.cap_excesses(allocation.places) == []


@pytest.fixture
def broken_walk(monkeypatch):
    """The ranking walk runner replaced by one that runs the real walk and then grants one place too many."""
    record = STEP_TYPES["ranking_walk"]
    real = record.runner

    def over_the_cap(ctx, step: RankingWalkStep) -> None:
        real(ctx, step)
        if step.id == "sprint-ranking-M":
            ctx.ledger.add(place("SUI", M, pathway=step.id))
            ctx.ledger.add(place("SUI", M, pathway=step.id))
    monkeypatch.setattr(record, "runner", over_the_cap)


def test_allocate_stops_at_the_step_that_broke_a_cap(broken_walk):
    inputs = load_inputs(SKI, None, NOCS)
    with pytest.raises(AuditError) as caught:
        allocate(SKI, inputs.lists, nocs=NOCS)
    # SUI holds 2 men (the relay ranking's man and Kistler, 1st on the men's sprint list): the broken runner adds
    # two more, so the men's total is 20 of 18 and SUI's 4 of 2.
    assert caught.value.lines() == [
        "audit: after step 'sprint-ranking-M', the men's quota is broken: the allocation holds 20 men's quota places, "
        "at most 18 [Qualification rules ¶1: 18 male athletes]",
        f"audit: after step 'sprint-ranking-M', cap 'noc-gender' is broken: SUI holds 4 men's places, at most 2 "
        f"[{SKI_CAP}]"]


def test_a_reallocation_that_breaks_a_cap_is_caught_after_the_reallocation(monkeypatch):
    record = STEP_TYPES["reallocate"]
    real = record.runner

    def generous(ctx, step: ReallocateStep) -> None:
        real(ctx, step)
        ctx.ledger.add(place("ESP", W, pathway=step.id))  # ESP already holds 2 women
    monkeypatch.setattr(record, "runner", generous)
    inputs = load_inputs(SKI, None, NOCS)
    with pytest.raises(AuditError) as caught:
        allocate(SKI, inputs.lists, nocs=NOCS)
    assert caught.value.lines() == [
        "audit: after step 'reallocation', the women's quota is broken: the allocation holds 19 women's quota "
        "places, at most 18 [Qualification rules ¶1: 18 female athletes]",
        f"audit: after step 'reallocation', cap 'noc-gender' is broken: ESP holds 3 women's places, at most 2 "
        f"[{SKI_CAP}]"]
    # (the caps in the rule file's order: the gender quotas, then the event maxima, then its own caps)


def test_the_cli_exits_3_and_writes_nothing_on_a_breach(broken_walk, tmp_path):
    from typer.testing import CliRunner

    out = tmp_path / "allocation.json"
    out.write_text("previous\n", encoding="utf-8")
    result = CliRunner(env={"COLUMNS": "250"}).invoke(app, ["allocate", "ski-mountaineering-2026", "--output",
                                                            str(out)])
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].startswith("error: audit: after step 'sprint-ranking-M', ")
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["allocation.json"]
