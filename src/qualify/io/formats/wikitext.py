"""Wikitext in the layout of the encyclopedia's qualification articles.

The Summary is a sortable wikitable whose header follows the rule file's ``summary`` columns: one row when no
column has a group, else two (a group spans its columns with colspan; ungrouped columns span both rows with
rowspan). Every nation cell, in the Summary and the Breakdown, is ``{{flagIOC|CODE|<games>}}`` with the Games
taken from the rule file (``games``, e.g. "2026 Winter"). Neutral athletes have no flag template: they link the
Individual Neutral Athletes article of those Games. Unnamed nations are shown in italics, with a note.
Notes that matter to a reader (synthetic data, unnamed nations) are visible text, not HTML comments, so they
survive being pasted.
"""

from __future__ import annotations

from qualify.io.formats.common import (
    PLACEHOLDER_NOTE,
    RANKS_NOTE,
    athlete_bound,
    gender_label,
    grouped_header,
    has_placeholders,
    value_text,
)
from qualify.io.report import BreakdownTable, Cell, Holder, Summary, build_breakdown, build_summary
from qualify.model.allocation import Allocation
from qualify.model.nocs import NocRegistry
from qualify.rules import System

_ESCAPES = str.maketrans({"|": "&#124;", "[": "&#91;", "]": "&#93;", "{": "&#123;", "}": "&#125;",
                          "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Text from the data, shown as is: nothing in it can open a template, link, tag, cell or bold/italics."""
    return text.translate(_ESCAPES).replace("''", "'&#39;").replace("!!", "!&#33;")


def nation(code: str, nocs: NocRegistry, games: str | None) -> str:
    """A nation cell: the flag template, the neutral athletes' article, or an unnamed nation in italics."""
    noc = nocs.get(code)
    if noc.placeholder:
        return f"''{escape(noc.name)}''"
    if noc.neutral:
        if games is None:
            return escape(noc.name)
        return f"[[{noc.name} at the {games} Olympics|{noc.name}]]"
    return f"{{{{flagIOC|{code}|{games}}}}}" if games else f"{{{{flagIOC|{code}}}}}"


def struck(cell: Cell) -> str:
    after = value_text(cell, cell.value)
    if cell.changed and cell.before is not None:
        return f"<s>{value_text(cell, cell.before)}</s> {after}".strip()
    return after


def summary_header(summary: Summary) -> list[str]:
    runs = grouped_header(summary.columns)
    if not any(group for group, _ in runs):
        return ["! " + " !! ".join(["Nation"] + [escape(c.label) for c in summary.columns])]
    top = ['! rowspan="2" | Nation']
    for group, columns in runs:
        if group is None:
            top.append(f'! rowspan="2" | {escape(columns[0].label)}')
        else:
            top.append(f'! colspan="{len(columns)}" | {escape(group)}')
    second = [escape(c.label) for group, columns in runs if group is not None for c in columns]
    return top + ["|-", "! " + " !! ".join(second)]


def summary_table(summary: Summary, nocs: NocRegistry, games: str | None) -> str:
    lines = ['{| class="wikitable sortable" style="text-align:center"', "|-", *summary_header(summary)]
    for row in summary.rows:
        lines += ["|-", f'| style="text-align:left" | {nation(row.noc, nocs, games)} || '
                  + " || ".join(struck(c) for c in row.cells)]
    lines += ['|- class="sortbottom"',
              f"! Total: {summary.noc_count} NOCs !! " + " !! ".join(struck(c) for c in summary.totals), "|}"]
    return "\n".join(lines)


def holder(entry: Holder, nocs: NocRegistry, games: str | None) -> str:
    """One breakdown entry: the nation cell, the athlete if the place is bound to one, the ranks."""
    text = nation(entry.noc, nocs, games)
    if entry.athlete:
        text += f" – {escape(entry.athlete)}"
    if entry.ranks:
        return f"{text} ({', '.join(str(rank) for rank in entry.ranks)})"
    return text + (f" x{entry.count}" if entry.count > 1 else "")


def _holders(entries: list[Holder], nocs: NocRegistry, games: str | None) -> str:
    # Athletes one per line; nations, shorter, in a running list.
    separator = "<br>" if athlete_bound(entries) else ", "
    return separator.join(holder(entry, nocs, games) for entry in entries)


def _label(label: str) -> str:
    stripped = label.lstrip(" ")
    if stripped != label:  # a continent under its pathway
        return f'style="padding-left:1.5em" | {escape(stripped)}'
    return escape(label)


def breakdown_table(breakdown: BreakdownTable, nocs: NocRegistry, games: str | None) -> str:
    lines = ['{| class="wikitable"', "|-"]
    if breakdown.unit == "grant":
        lines.append("! Pathway !! Places !! Nations (rank)")
        for line in breakdown.lines:
            count = str(line.counts[""]) if line.counts else ""
            lines += ["|-", f"| {_label(line.label)} || {count} || "
                      f"{_holders(line.entries.get('', []), nocs, games)}".rstrip()]
        total = [str(breakdown.total.get("", 0)), ""]
    else:
        lines.append('! rowspan="2" | Pathway')
        lines += [f'! colspan="2" | {gender_label(gender)}' for gender in breakdown.genders]
        lines += ["|-", "! " + " !! ".join(["Places", "Nations (rank)"] * len(breakdown.genders))]
        for line in breakdown.lines:
            cells = [value for gender in breakdown.genders for value in (
                str(line.counts.get(gender, 0)), _holders(line.entries.get(gender, []), nocs, games))]
            lines += ["|-", f"| {_label(line.label)} || " + " || ".join(cells)]
        total = [value for gender in breakdown.genders for value in (str(breakdown.total.get(gender, 0)), "")]
    lines += ["|-", "! Total !! " + " !! ".join(total), "|}"]
    return "\n".join(line.rstrip() for line in lines)


def to_wikitext(system: System, allocation: Allocation, nocs: NocRegistry, *, banner: str | None = None) -> str:
    summary = build_summary(system, allocation, nocs)
    parts = []
    if banner:
        parts += [f"'''{escape(banner)}'''", ""]
    parts += ["===Summary===", summary_table(summary, nocs, system.games)]
    if has_placeholders([row.noc for row in summary.rows], nocs):
        parts += ["", f"''{escape(PLACEHOLDER_NOTE)}''"]
    parts += ["", "===Breakdown===", RANKS_NOTE]
    for breakdown in build_breakdown(system, allocation, nocs):
        parts += ["", f"===={escape(breakdown.title)}====", breakdown_table(breakdown, nocs, system.games)]
    return "\n".join(parts) + "\n"
