"""Wikitext: the hand-made tables written out by hand, and the published short-track table's structure."""

from __future__ import annotations

import re

from qualify.io.formats.wikitext import breakdown_table, summary_table
from qualify.io.writers import render
from tests.conftest import read_published
from tests.output.conftest import PUBLISHED_SHORT_TRACK, hand_breakdowns, hand_summary

AIN_2026 = "[[Individual Neutral Athletes at the 2026 Winter Olympics|Individual Neutral Athletes]]"


def test_summary_two_row_grouped_header(nocs):
    expected = "\n".join([
        '{| class="wikitable sortable" style="text-align:center"',
        "|-",
        '! rowspan="2" | Nation',
        '! colspan="2" | Men',
        '! colspan="2" | Women',
        '! rowspan="2" | Mixed',
        '! rowspan="2" | Athletes',
        "|-",
        "! 500m !! total !! 500m !! total",
        "|-",
        '| style="text-align:left" | {{flagIOC|BEL|2026 Winter}} || 1 || 1 || 0 || 0 ||  || 1',
        "|-",
        '| style="text-align:left" | {{flagIOC|CAN|2026 Winter}} || 0 || 0 || 2 || 4 || X || 4',
        "|-",
        '| style="text-align:left" | {{flagIOC|GBR|2026 Winter}} || 0 || <s>1</s> 0 || 0 || 0 ||  || <s>1</s> 0',
        "|-",
        f'| style="text-align:left" | {AIN_2026} || 1 || 1 || 0 || 0 ||  || 1',
        '|- class="sortbottom"',
        "! Total: 3 NOCs !! 2 !! <s>3</s> 2 !! 2 !! 4 !! 1 !! <s>7</s> 6",
        "|}",
    ])
    assert summary_table(hand_summary(), nocs, "2026 Winter") == expected


def test_without_games_the_flag_links_the_noc_and_neutrals_are_plain(nocs):
    text = summary_table(hand_summary(), nocs, None)
    assert "{{flagIOC|BEL}}" in text
    assert "| Individual Neutral Athletes ||" in text


def test_breakdown_by_grant_with_a_continent_and_an_unnamed_nation(nocs):
    relay, _ = hand_breakdowns()
    expected = "\n".join([
        '{| class="wikitable"',
        "|-",
        "! Pathway !! Places !! Nations (rank)",
        "|-",
        "| Host || 1 || {{flagIOC|ITA|2026 Winter}}",
        "|-",
        "| Continental quota ||  ||",
        "|-",
        '| style="padding-left:1.5em" | Asia || 1 || {{flagIOC|CHN|2026 Winter}} (8)',
        "|-",
        "| Ranking || 2 || {{flagIOC|SUI|2026 Winter}} (2), ''(EUR-12, nation not named)'' (12)",
        "|-",
        "! Total !! 4 !!",
        "|}",
    ])
    assert breakdown_table(relay, nocs, "2026 Winter") == expected


def test_breakdown_by_gender_athletes_with_flags(nocs):
    _, sprint = hand_breakdowns()
    expected = "\n".join([
        '{| class="wikitable"',
        "|-",
        '! rowspan="2" | Pathway',
        '! colspan="2" | Men',
        '! colspan="2" | Women',
        "|-",
        "! Places !! Nations (rank) !! Places !! Nations (rank)",
        "|-",
        "| Ranking || 2 || {{flagIOC|SUI|2026 Winter}} – Jon Kistler (1)<br>"
        f"{AIN_2026} – Nikita Filippov (3) || 1 || {{{{flagIOC|ESP|2026 Winter}}}} – Ana Alonso Rodriguez (1)",
        "|-",
        "! Total !! 2 !!  !! 1 !!",
        "|}",
    ])
    assert breakdown_table(sprint, nocs, "2026 Winter") == expected


def _summary_block(text: str) -> str:
    start = text.index("===Summary===")
    return text[start:text.index("|}", start) + 2]


def _rows(block: str) -> list[list[str]]:
    """Body rows of a wikitable as cell lists (header rows, starting with "!", are left out)."""
    rows = []
    for chunk in block.split("\n|-")[1:]:
        line = chunk.split("\n", 1)[1] if "\n" in chunk else ""
        if line.startswith("| "):
            cells = line[2:].split(" || ")
            rows.append([cell.split(" | ", 1)[1] if cell.startswith("style=") else cell for cell in cells])
    return rows


def test_published_short_track_wikitext(short_track_published):
    system, allocation, nocs = short_track_published
    text = render("wikitext", system, allocation, nocs)
    block = _summary_block(text)
    assert block.splitlines()[1] == '{| class="wikitable sortable" style="text-align:center"'
    # The published header: Nation | Men (5) | Women (5) | Mixed | Athletes, then the ten event labels.
    assert re.findall(r'^! (rowspan|colspan)="(\d)" \| (.+)$', block, re.MULTILINE) == [
        ("rowspan", "2", "Nation"), ("colspan", "5", "Men"), ("colspan", "5", "Women"),
        ("rowspan", "2", "Mixed"), ("rowspan", "2", "Athletes")]
    assert "\n! 500m !! 1000m !! 1500m !! Relay !! total !! 500m !! 1000m !! 1500m !! Relay !! total\n" in block
    rows = _rows(block)
    published = read_published(PUBLISHED_SHORT_TRACK / "summary.csv")
    assert len(rows) == len(published) == 24
    assert all(len(row) == 13 for row in rows)
    # Every nation cell: a flag template for a named NOC, the neutral athletes' article, or an unnamed nation.
    by_noc = {}
    for row in rows:
        match = re.fullmatch(r"\{\{flagIOC\|([A-Z]{3})\|2026 Winter\}\}", row[0])
        if match:
            by_noc[match.group(1)] = row
        elif row[0] == AIN_2026:
            by_noc["AIN"] = row
        else:
            unnamed = re.fullmatch(r"''\((ROW\d\d), nation not named\)''", row[0])
            assert unnamed, row[0]
            by_noc[f"UNNAMED-{unnamed.group(1)}"] = row
    assert set(by_noc) == {row["noc"] for row in published}
    assert sum(cell.startswith("{{flagIOC|") for row in rows for cell in row[:1]) == 24 - 10 - 1
    # The struck cells of the published table: <s>before</s> after, in the right row and column.
    keys = [c.key for c in system.summary]
    struck = read_published(PUBLISHED_SHORT_TRACK / "struck.csv")
    assert len(struck) == 6
    for cell in struck:
        assert by_noc[cell["noc"]][1 + keys.index(cell["column"])] == f"<s>{cell['before']}</s> {cell['after']}"
    # Relay and mixed columns: X where the published table has a team.
    for row in published:
        for key in ("m_relay", "w_relay", "mixed"):
            assert by_noc[row["noc"]][1 + keys.index(key)] == ("X" if row[key] == "1" else "")
    total = block.splitlines()[-2]
    assert total.startswith('! Total: 24 NOCs !! ')
    after = [re.sub(r"<s>\d+</s> ", "", cell) for cell in total.split(" !! ")[1:]]
    assert after == ["32", "32", "35", "8", "57", "31", "31", "36", "8", "55", "12", "112"]
    # A visible note (not an HTML comment) says what the unnamed rows are.
    assert "\n''Rows marked \"nation not named\" stand for nations" in text
    assert "<!--" not in text


def test_published_breakdown_nations_carry_flags(short_track_published):
    system, allocation, nocs = short_track_published
    text = render("wikitext", system, allocation, nocs)
    breakdown = text[text.index("===Breakdown==="):]
    mixed = next(line for line in breakdown.splitlines() if line.startswith("| Mixed relay teams"))
    # The twelve mixed relay teams of the seed's Total row, each with its flag.
    assert len(re.findall(r"\{\{flagIOC\|[A-Z]{3}\|2026 Winter\}\} \(\d+\)", mixed)) == 12


def test_ski_mountaineering_single_row_header_and_athlete_flags(ski_mountaineering):
    system, allocation, nocs = ski_mountaineering
    text = render("wikitext", system, allocation, nocs)
    block = _summary_block(text)
    assert "\n! Nation !! Men's Quotas !! Women's Quotas !! Athletes\n" in block
    assert "rowspan" not in block and "colspan" not in block
    assert "\n! Total: 14 NOCs !! 18 !! 18 !! 36\n" in block
    breakdown = text[text.index("===Breakdown==="):]
    assert "{{flagIOC|BEL|2026 Winter}} – Maximilien Drion (2)" in breakdown
    assert f"{AIN_2026} – Nikita Filippov (3)" in breakdown
    assert "{{flagIOC|AIN|" not in text


def test_the_games_come_from_the_rule_file(ski_mountaineering):
    system, allocation, nocs = ski_mountaineering
    text = render("wikitext", system.model_copy(update={"games": "2030 Winter"}), allocation, nocs)
    assert "{{flagIOC|FRA|2030 Winter}}" in text and "2026 Winter" not in text


def test_synthetic_notice_is_visible_text(ski_mountaineering):
    system, allocation, nocs = ski_mountaineering
    text = render("wikitext", system, allocation, nocs, banner="SYNTHETIC DATA from x: not real results")
    assert text.splitlines()[0] == "'''SYNTHETIC DATA from x: not real results'''"
    assert "<!--" not in text
