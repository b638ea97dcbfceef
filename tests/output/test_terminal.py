"""The terminal Summary and Breakdown: expected text worked out by hand from the hand-made tables in conftest.

Plain text (``styled=False``) is what a pipe or file gets: struck values as ``~~before~~ after``.
Column widths, by hand: the nation column is as wide as its longest entry ("Individual Neutral Athletes", 27;
with codes, "Total: 3 NOCs", 13); Men = "500m" (4) + gap + "~~3~~ 2" (7) = 12; Women = "500m" (4) + gap +
"total" (5) = 10; Mixed = 5; Athletes = 8; blocks are joined by " │ " (3). With names the table is
27 + 15 + 13 + 8 + 11 = 74 wide; with codes 60.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from qualify.io.formats.terminal import breakdown_lines, summary_lines
from tests.output.conftest import hand_breakdowns, hand_summary

RULE_NAMES = "─" * 27 + "─┼─" + "─" * 12 + "─┼─" + "─" * 10 + "─┼─" + "─" * 5 + "─┼─" + "─" * 8
RULE_CODES = "─" * 13 + "─┼─" + "─" * 12 + "─┼─" + "─" * 10 + "─┼─" + "─" * 5 + "─┼─" + "─" * 8


def plain(lines: list[Text]) -> list[str]:
    return [line.plain for line in lines]


def test_wide_terminal_one_table_with_names(tiny_system, nocs):
    expected = [
        "Test sport, Test edition: Summary",
        "                            │ ─── Men ──── │ ─ Women ── │       │",
        "Nation                      │ 500m   total │ 500m total │ Mixed │ Athletes",
        RULE_NAMES,
        "Belgium                     │    1       1 │    0     0 │       │        1",
        "Canada                      │    0       0 │    2     4 │     X │        4",
        "Great Britain               │    0 ~~1~~ 0 │    0     0 │       │  ~~1~~ 0",
        "Individual Neutral Athletes │    1       1 │    0     0 │       │        1",
        RULE_NAMES,
        "Total: 3 NOCs               │    2 ~~3~~ 2 │    2     4 │     1 │  ~~7~~ 6",
        "~~2~~ 1: before declines (struck through), then after.",
    ]
    assert plain(summary_lines(tiny_system, hand_summary(), nocs, 100, styled=False)) == expected


def test_codes_and_a_legend_when_names_do_not_fit(tiny_system, nocs):
    # 74 > 70 with names; 60 with codes: one table with codes beats two tables with names.
    expected = [
        "Test sport, Test edition: Summary",
        "              │ ─── Men ──── │ ─ Women ── │       │",
        "Nation        │ 500m   total │ 500m total │ Mixed │ Athletes",
        RULE_CODES,
        "BEL           │    1       1 │    0     0 │       │        1",
        "CAN           │    0       0 │    2     4 │     X │        4",
        "GBR           │    0 ~~1~~ 0 │    0     0 │       │  ~~1~~ 0",
        "AIN           │    1       1 │    0     0 │       │        1",
        RULE_CODES,
        "Total: 3 NOCs │    2 ~~3~~ 2 │    2     4 │     1 │  ~~7~~ 6",
        "~~2~~ 1: before declines (struck through), then after.",
        "BEL Belgium · CAN Canada · GBR Great Britain ·",
        "AIN Individual Neutral Athletes",
    ]
    assert plain(summary_lines(tiny_system, hand_summary(), nocs, 70, styled=False)) == expected


def test_narrow_terminal_splits_into_parts_of_whole_groups(tiny_system, nocs):
    # At 50: codes fit Men + Women + Mixed (49) in one part and Athletes in a second; names would need three.
    rule_one = "─" * 13 + "─┼─" + "─" * 12 + "─┼─" + "─" * 10 + "─┼─" + "─" * 5
    rule_two = "─" * 13 + "─┼─" + "─" * 8
    expected = [
        "Test sport, Test edition: Summary (part 1 of 2)",
        "              │ ─── Men ──── │ ─ Women ── │",
        "Nation        │ 500m   total │ 500m total │ Mixed",
        rule_one,
        "BEL           │    1       1 │    0     0 │",
        "CAN           │    0       0 │    2     4 │     X",
        "GBR           │    0 ~~1~~ 0 │    0     0 │",
        "AIN           │    1       1 │    0     0 │",
        rule_one,
        "Total: 3 NOCs │    2 ~~3~~ 2 │    2     4 │     1",
        "",
        "Test sport, Test edition: Summary (part 2 of 2)",
        "Nation        │ Athletes",
        rule_two,
        "BEL           │        1",
        "CAN           │        4",
        "GBR           │  ~~1~~ 0",
        "AIN           │        1",
        rule_two,
        "Total: 3 NOCs │  ~~7~~ 6",
        "~~2~~ 1: before declines (struck through), then",
        "after.",
        "BEL Belgium · CAN Canada · GBR Great Britain ·",
        "AIN Individual Neutral Athletes",
    ]
    assert plain(summary_lines(tiny_system, hand_summary(), nocs, 50, styled=False)) == expected


def test_a_terminal_strikes_the_before_value_instead_of_marking_it(tiny_system, nocs):
    lines = summary_lines(tiny_system, hand_summary(), nocs, 100, styled=True)
    britain = next(line for line in lines if line.plain.startswith("Great Britain"))
    assert britain.plain == "Great Britain               │    0   1 0 │    0     0 │       │      1 0"
    struck = [britain.plain[span.start:span.end] for span in britain.spans if "strike" in str(span.style)]
    assert struck == ["1", "1"]  # the two "before" values, not the "after" ones


def test_no_line_is_wider_than_asked_and_nothing_is_cut(tiny_system, nocs):
    for width in (40, 50, 60, 70, 80, 100):
        lines = plain(summary_lines(tiny_system, hand_summary(), nocs, width, styled=False))
        assert max(cell_len(line) for line in lines) <= width, width
        text = "\n".join(lines)
        assert "…" not in text
        for value in ("~~1~~ 0", "~~3~~ 2", "~~7~~ 6", "X"):
            assert value in text, (width, value)


def test_breakdown_wraps_names_not_numbers():
    # Pathway column: "Continental quota" (17). Places: label (6). Holders: the longest entry, "(EUR-12, nation
    # not named) (12)" (31), under a 20-column floor and a 40-column ceiling.
    relay, _ = hand_breakdowns()
    rule = "─" * 17 + "─┼─" + "─" * 6 + "─┼─" + "─" * 31
    expected = [
        "",
        "Relay pathway",
        "Pathway           │ Places │ Nations (rank)",
        rule,
        "Host              │      1 │ Italy",
        "Continental quota │        │",
        "  Asia            │      1 │ China (8)",
        "Ranking           │      2 │ Switzerland (2),",
        "                  │        │ (EUR-12, nation not named) (12)",
        rule,
        "Total             │      4 │",
        "",
        "Rankings from the applicable list or competition appear in",
        "parentheses.",
    ]
    assert plain(breakdown_lines([relay], 60)) == expected


def test_breakdown_athletes_one_per_line_and_genders_split_when_narrow():
    # Men's holders: "Nikita Filippov, Individual Neutral Athletes (3)" (48) may narrow to 40; Women's to
    # "Ana Alonso Rodriguez, Spain (1)" (31). Side by side: 7 + 3 + 47 + 3 + 38 = 98 > 60, so two parts. The
    # men's part gets 60 - 7 - 3 - 7 = 43 columns of names: Filippov's entry folds between words.
    _, sprint = hand_breakdowns()
    lines = plain(breakdown_lines([sprint], 60))
    assert "Sprint pathway (part 1 of 2)" in lines and "Sprint pathway (part 2 of 2)" in lines
    men = lines[lines.index("Sprint pathway (part 1 of 2)"):lines.index("Sprint pathway (part 2 of 2)")]
    assert men[1:6] == [
        "        │ " + "─" * 22 + " Men " + "─" * 23,
        "Pathway │ Places Nations (rank)",
        "─" * 7 + "─┼─" + "─" * 50,
        "Ranking │      2 Jon Kistler, Switzerland (1)",
        "        │        Nikita Filippov, Individual Neutral",
    ]
    assert men[6] == "        │         Athletes (3)"
    assert max(cell_len(line) for line in lines) <= 60
    # Wide enough, both genders sit side by side in one table.
    assert "Sprint pathway" in plain(breakdown_lines([sprint], 120))
