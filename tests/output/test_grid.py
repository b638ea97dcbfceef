"""The text grid underneath the terminal tables: packing lists into lines, and what it does when space runs out."""

from __future__ import annotations

from qualify.io.formats.grid import Column, Grid, wrap_items


def test_items_are_packed_and_the_separator_ends_the_line():
    items = ["France (1)", "Spain (2)", "Switzerland (10)"]
    # "France (1), Spain (2)," is 22 wide; adding " Switzerland (10)" would make 39.
    assert wrap_items(items, 25) == ["France (1), Spain (2),", "Switzerland (10)"]
    assert wrap_items(items, 80) == ["France (1), Spain (2), Switzerland (10)"]
    assert wrap_items(items, 80, one_per_line=True) == items


def test_an_item_longer_than_the_line_folds_between_words():
    assert wrap_items(["Nikita Filippov, Individual Neutral Athletes (3)"], 20) == [
        "Nikita Filippov,", " Individual Neutral", " Athletes (3)"]


def test_a_block_wider_than_the_screen_is_shown_whole_not_cut():
    grid = Grid(Column("id", align="left"), [Column("count")], [["a-very-long-identifier", "12345"]])
    lines = [line.plain for line in grid.render(10)]
    assert lines == ["id                     │ count",
                     "───────────────────────┼──────",
                     "a-very-long-identifier │ 12345"]


def test_a_group_heading_wider_than_its_columns_widens_the_block():
    grid = Grid(Column("n", align="left"), [Column("a", "Longer group"), Column("b", "Longer group")],
                [["x", "1", "2"]])
    lines = [line.plain for line in grid.render(80)]
    # "Longer group" (12) + a space and a rule each side needs 16; the columns themselves need 3.
    assert lines == ["  │ ─ Longer group ─",
                     "n │              a b",
                     "──┼─────────────────",
                     "x │              1 2"]
