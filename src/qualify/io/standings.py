"""Renderers for the season commands: ranking lists, standings as of a race, and what changed between two races.

Every output opens with what it is based on (and the synthetic-data notice, when the data carries one). Terminal
tables are built with rich and fit 80 columns; Markdown and JSON carry the same content; CSV (lists only) can be read
back as a list file with a ``list`` column.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from rich.console import Console
from rich.table import Table

from qualify.diff import Change, Diff
from qualify.io.formats.markdown import escape as markdown_escape
from qualify.io.formats.markdown import table as markdown_table
from qualify.io.writers import print_tables, to_json_document, to_markdown
from qualify.model.nocs import NocRegistry
from qualify.model.ranking import RankingEntry, RankingList
from qualify.model.season import Race
from qualify.ranking.builder import BuiltEntry, BuiltList, SeasonLists, format_points
from qualify.rules import ListSpec, System
from qualify.standings import Standing

RANKING_FORMATS = ("table", "csv", "json", "markdown")
SEASON_FORMATS = ("table", "json", "markdown")
DIFF_FORMATS = ("table", "csv", "json", "markdown")


def race_record(race: Race | None) -> dict | None:
    if race is None:
        return None
    return {"race": race.id, "date": race.date.isoformat(), "name": race.name, "kind": race.kind}


def _points(spec: ListSpec | None, points: float | None) -> str:
    if points is None:
        return ""
    return format_points(points, spec.decimals if spec is not None else 0)


def _spec(system: System, list_id: str) -> ListSpec | None:
    return next((spec for spec in system.lists if spec.id == list_id), None)


def _built_entries(built: BuiltList | None) -> dict[tuple[str, str | None, int | None], BuiltEntry]:
    if built is None:
        return {}
    return {(e.noc, e.athlete, e.qualifier): e for e in built.entries}


def _value_record(value) -> dict:
    return {"race": value.race, "event": value.event, "place": value.place, "points": float(value.points),
            **({"athlete": value.athlete} if value.athlete else {})}


# --- ranking lists -----------------------------------------------------------------------------------------------

def lists_document(system: System, lists: Iterable[RankingList], built: SeasonLists | None,
                   nocs: NocRegistry) -> list[dict]:
    out = []
    for ranking in lists:
        made = built.lists.get(ranking.id) if built is not None else None
        working = _built_entries(made)
        table = made.table if made is not None else None
        out.append({
            "id": ranking.id, "title": ranking.title, "gender": ranking.gender.value, "event": ranking.event,
            "kind": ranking.kind, "source": ranking.source,
            "built": made is not None,
            "races": list(made.races) if made is not None else None,
            "report": made.report if made is not None else None,
            "points_table": None if table is None else {"id": table.id, "basis": table.basis, "source": table.source},
            "entries": [_entry_record(e, working.get((e.noc, e.athlete, e.qualifier)), nocs)
                        for e in ranking.entries],
        })
    return out


def _entry_record(entry: RankingEntry, working: BuiltEntry | None, nocs: NocRegistry) -> dict:
    record: dict = {"rank": entry.rank, "noc": entry.noc, "nation": nocs.name(entry.noc) if entry.noc in nocs
                    else entry.noc, "athlete": entry.athlete, "qualifier": entry.qualifier, "points": entry.points}
    if working is not None:
        record["shared_rank"] = working.shared_rank
        record["counted"] = [_value_record(v) for v in working.values if v.counted]
        record["dropped"] = [_value_record(v) for v in working.values if not v.counted]
    return record


def rankings_json(system: System, lists: list[RankingList], built: SeasonLists | None, nocs: NocRegistry, *,
                  basis: str, notice: str | None, as_of: Race | None) -> str:
    document = {**({"notice": notice} if notice else {}), "system": system.id, "basis": basis,
                "as_of": race_record(as_of), "lists": lists_document(system, lists, built, nocs)}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def rankings_csv(system: System, lists: list[RankingList], *, banner: str) -> str:
    """One row per entry, readable back as a list file (``list,rank,qualifier,athlete,noc,continent,points``)."""
    buffer = io.StringIO()
    buffer.write(f"# {banner}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["list", "rank", "qualifier", "athlete", "noc", "continent", "points"])
    for ranking in lists:
        spec = _spec(system, ranking.id)
        for e in ranking.entries:
            writer.writerow([ranking.id, e.rank, e.qualifier or "", e.athlete or "", e.noc,
                             e.continent.value if e.continent else "", _points(spec, e.points)])
    return buffer.getvalue()


def _counted_text(working: BuiltEntry | None, spec: ListSpec | None) -> str:
    if working is None:
        return ""
    return ", ".join(f"{v.race} {v.place} ({_points(spec, float(v.points))})" for v in working.values if v.counted)


def rankings_markdown(system: System, lists: list[RankingList], built: SeasonLists | None, nocs: NocRegistry, *,
                      banner: str, top: int | None = None) -> str:
    parts = [f"> {banner}", ""]
    for ranking in lists:
        parts += _list_markdown(system, ranking, built, nocs, top)
    return "\n".join(parts) + "\n"


def _list_markdown(system: System, ranking: RankingList, built: SeasonLists | None, nocs: NocRegistry,
                   top: int | None) -> list[str]:
    spec = _spec(system, ranking.id)
    made = built.lists.get(ranking.id) if built is not None else None
    working = _built_entries(made)
    athletes = any(e.athlete for e in ranking.entries)
    header = ["Rank", "Nation"] + (["Athlete"] if athletes else ["Entry"]) + ["Points"]
    header += ["Results counted (race place (points))"] if made is not None else []
    rows = []
    for e in _shown(ranking.entries, top):
        row = [str(e.rank), nocs.name(e.noc), e.athlete or e.label, _points(spec, e.points)]
        if made is not None:
            row.append(_counted_text(working.get((e.noc, e.athlete, e.qualifier)), spec))
        rows.append(row)
    lines = [f"### {ranking.title} [{ranking.id}]", ""]
    if made is not None and made.report:
        lines += [f"*{made.report}*", ""]
    rows = [[markdown_escape(cell) for cell in row] for row in rows]
    numeric = [name in ("Rank", "Points") for name in header]
    lines += [markdown_table(header, rows, numeric) if rows else "*no entries*", ""]
    if top and len(ranking.entries) > top:
        lines += [f"*{len(ranking.entries) - top} more entries not shown*", ""]
    return lines


def _shown(entries: tuple[RankingEntry, ...], top: int | None) -> tuple[RankingEntry, ...]:
    return entries[:top] if top else entries


def print_rankings(console: Console, system: System, lists: list[RankingList], built: SeasonLists | None,
                   nocs: NocRegistry, *, top: int | None = None, synthetic: bool = False) -> None:
    for ranking in lists:
        spec = _spec(system, ranking.id)
        made = built.lists.get(ranking.id) if built is not None else None
        working = _built_entries(made)
        # The title on its own line: a narrow table would wrap it.
        console.print(f"{ranking.title} ({ranking.id})" + (" SYNTHETIC" if synthetic else ""), style="bold",
                      markup=False, highlight=False)
        table = Table()
        athletes = any(e.athlete for e in ranking.entries)
        qualifiers = any(e.qualifier for e in ranking.entries)
        points = any(e.points is not None for e in ranking.entries)
        table.add_column("Rank", justify="right")
        table.add_column("NOC")
        table.add_column("Nation", overflow="fold")
        if athletes:
            table.add_column("Athlete", overflow="fold")
        if qualifiers:
            table.add_column("Qualifier", justify="right")
        if points:
            table.add_column("Points", justify="right")
        if made is not None and made.spec.build is not None and made.spec.build.combine != "single_race":
            table.add_column("Counted", justify="right")
        for e in _shown(ranking.entries, top):
            row = [str(e.rank), e.noc, nocs.name(e.noc)]
            if athletes:
                row.append(e.athlete or "")
            if qualifiers:
                row.append(str(e.qualifier or ""))
            if points:
                row.append(_points(spec, e.points))
            if len(row) < len(table.columns):
                found = working.get((e.noc, e.athlete, e.qualifier))
                row.append(f"{len(found.counted)} of {len(found.values)}" if found else "")
            table.add_row(*row)
        console.print(table)
        if made is not None and made.report:
            console.print(f"  {made.report}", markup=False, highlight=False)
        if top and len(ranking.entries) > top:
            console.print(f"  ... {len(ranking.entries) - top} more entries (--top 0 shows all)", markup=False,
                          highlight=False)


# --- standings -----------------------------------------------------------------------------------------------------

def standing_header(standing: Standing, total_races: int) -> str:
    race = standing.as_of
    return (f"Standings after race {race.id}: {race.name}, {race.date.isoformat()} ({standing.races_held} of "
            f"{total_races} races with results)")


def standings_json(standing: Standing, nocs: NocRegistry, *, basis: str, notice: str | None,
                   total_races: int) -> str:
    document = {**({"notice": notice} if notice else {}),
                "system": standing.system.id, "basis": basis, "as_of": race_record(standing.as_of),
                "races": [{**(race_record(race) or {}), "results": bool(standing.season.results_of(race.id))}
                          for race in standing.season.races],
                "races_in_calendar": total_races,
                "warnings": standing.warnings,
                "lists": lists_document(standing.system, standing.lists.values(), standing.built, nocs),
                "allocation": to_json_document(standing.system, standing.allocation, nocs)}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def standings_markdown(standing: Standing, nocs: NocRegistry, *, banner: str, total_races: int,
                       top: int | None) -> str:
    parts = [f"> {banner}", "", f"## {standing_header(standing, total_races)}", ""]
    parts.append(to_markdown(standing.system, standing.allocation, nocs).rstrip("\n"))
    parts += ["", "## Ranking lists", ""]
    for ranking in standing.lists.values():
        parts += _list_markdown(standing.system, ranking, standing.built, nocs, top)
    return "\n".join(parts) + "\n"


def print_standings(console: Console, standing: Standing, nocs: NocRegistry, *, banner: str, synthetic: bool,
                    total_races: int, top: int | None) -> None:
    console.print(banner, style="bold red" if synthetic else None, markup=False, highlight=False)
    console.print(standing_header(standing, total_races), style="bold", markup=False, highlight=False)
    print_tables(console, standing.system, standing.allocation, nocs)
    print_rankings(console, standing.system, list(standing.lists.values()), standing.built, nocs, top=top,
                   synthetic=synthetic)


# --- diff ------------------------------------------------------------------------------------------------------------

def _what(change: Change, system: System) -> str:
    event = next((e.name for e in system.events if e.id == change.event), None) if change.event else None
    if event:
        return event
    gender = f"{change.gender.label.lower()}'s" if change.gender.value != "X" else "mixed"
    return f"{gender} athletes" if change.derived else f"{gender} quota places"


def _delta_text(change: Change) -> str:
    if change.delta == 0:
        return "moved"
    return f"{change.delta:+d}"


def diff_header(result: Diff) -> str:
    a, b = result.before.as_of, result.after.as_of
    changed = sum(1 for c in result.changes if c.delta)
    moved = sum(1 for c in result.changes if not c.delta)
    return (f"Changes from race {a.id} ({a.name}, {a.date.isoformat()}) to race {b.id} ({b.name}, "
            f"{b.date.isoformat()}): {changed} NOC/event count(s) changed"
            + (f", {moved} held through another step" if moved else ""))


def _cause_text(cause) -> str:
    return f"{cause.direction} ({cause.step_label}): {cause.text}"


def diff_json(result: Diff, nocs: NocRegistry, *, basis: str, notice: str | None) -> str:
    document = {**({"notice": notice} if notice else {}), "system": result.system.id, "basis": basis,
                "from": race_record(result.before.as_of), "to": race_record(result.after.as_of),
                "changes": [{"noc": c.noc, "nation": nocs.name(c.noc), "gender": c.gender.value, "event": c.event,
                             "kind": c.kind, "before": c.before, "after": c.after, "delta": c.delta,
                             "derived": c.derived,
                             "causes": [{"direction": x.direction, "step": x.step, "list": x.list, "entry": x.entry,
                                         "rank_before": x.rank_before, "rank_after": x.rank_after,
                                         "reason": x.reason, "text": x.text, "by": list(x.by)}
                                        for x in c.causes]}
                            for c in result.changes]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


DIFF_CSV_FIELDS = ["noc", "nation", "gender", "event", "what", "kind", "before", "after", "delta", "derived",
                   "direction", "step", "step_label", "list", "entry", "rank_before", "rank_after", "reason", "text",
                   "by"]


def diff_csv(result: Diff, nocs: NocRegistry, *, banner: str) -> str:
    """One row per cause (a change without a cause gets one row), after a ``#`` line with the banner and one with
    the races compared; ``by`` joins the entries that overtook or were passed with ``; ``."""
    buffer = io.StringIO()
    buffer.write(f"# {banner}\n# {diff_header(result)}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DIFF_CSV_FIELDS)
    for change in result.changes:
        head = [change.noc, nocs.name(change.noc), change.gender.value, change.event or "",
                change_subject(change, result.system), change.kind, change.before, change.after, change.delta,
                "yes" if change.derived else ""]
        if not change.causes:
            writer.writerow(head + [""] * 10)
        for cause in change.causes:
            writer.writerow(head + [cause.direction, cause.step, cause.step_label, cause.list or "", cause.entry,
                                    "" if cause.rank_before is None else cause.rank_before,
                                    "" if cause.rank_after is None else cause.rank_after, cause.reason, cause.text,
                                    "; ".join(cause.by)])
    return buffer.getvalue()


def change_subject(change: Change, system: System) -> str:
    """What a change is about, as `qualify diff` names it: the event, or the gender's quota places or athletes."""
    return _what(change, system)


def change_delta_text(change: Change) -> str:
    """``+1``, ``-2``, or ``moved`` (the same count, now through another step), as `qualify diff` prints it."""
    return _delta_text(change)


def diff_markdown(result: Diff, nocs: NocRegistry, *, banner: str) -> str:
    rows = []
    for change in result.changes:
        causes = "<br>".join(_cause_text(x) for x in change.causes)
        rows.append([nocs.name(change.noc), _what(change, result.system), f"{change.before} → {change.after}",
                     _delta_text(change), causes])
    rows = [[markdown_escape(cell) for cell in row[:4]] + [row[4]] for row in rows]
    table = (markdown_table(["Nation", "Event", "Places", "Change", "Why"], rows, [False, False, False, True, False])
             if rows else "*no changes*")
    return "\n".join([f"> {banner}", "", f"## {diff_header(result)}", "", table]) + "\n"


def print_diff(console: Console, result: Diff, nocs: NocRegistry, *, banner: str, synthetic: bool) -> None:
    console.print(banner, style="bold red" if synthetic else None, markup=False, highlight=False)
    console.print(diff_header(result), style="bold", markup=False, highlight=False)
    if not result.changes:
        console.print("no place changed hands", markup=False)
        return
    for change in result.changes:
        console.print(f"{nocs.name(change.noc)} ({change.noc}), {_what(change, result.system)}: "
                      f"{change.before} -> {change.after} ({_delta_text(change)})", style="bold", markup=False,
                      highlight=False)
        for cause in change.causes:
            console.print(f"  {_cause_text(cause)}", markup=False, highlight=False)
