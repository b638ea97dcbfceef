"""Markdown: one header row, so grouped columns read "Men 500m"; notes for struck values and unnamed nations."""

from __future__ import annotations

from qualify.io.formats.markdown import breakdown_table, summary_notes, summary_table
from qualify.io.writers import render
from tests.output.conftest import hand_breakdowns, hand_summary


def test_summary_table_by_hand():
    expected = "\n".join([
        "| Nation | Men 500m | Men total | Women 500m | Women total | Mixed | Athletes |",
        "|:---|---:|---:|---:|---:|---:|---:|",
        "| Belgium | 1 | 1 | 0 | 0 |  | 1 |",
        "| Canada | 0 | 0 | 2 | 4 | X | 4 |",
        "| Great Britain | 0 | ~~1~~ 0 | 0 | 0 |  | ~~1~~ 0 |",
        "| Individual Neutral Athletes | 1 | 1 | 0 | 0 |  | 1 |",
        "| Total: 3 NOCs | 2 | ~~3~~ 2 | 2 | 4 | 1 | ~~7~~ 6 |",
    ])
    assert summary_table(hand_summary()) == expected


def test_notes_explain_struck_values(nocs):
    assert summary_notes(hand_summary(), nocs) == ["~~2~~ 1: before declines (struck through), then after."]


def test_breakdown_tables_by_hand():
    relay, sprint = hand_breakdowns()
    assert breakdown_table(relay) == "\n".join([
        "| Pathway | Places | Nations (rank) |",
        "|:---|---:|:---|",
        "| Host | 1 | Italy |",
        "| Continental quota |  |  |",
        "| – Asia | 1 | China (8) |",
        "| Ranking | 2 | Switzerland (2), (EUR-12, nation not named) (12) |",
        "| Total | 4 |  |",
    ])
    assert breakdown_table(sprint) == "\n".join([
        "| Pathway | Men places | Men nations (rank) | Women places | Women nations (rank) |",
        "|:---|---:|:---|---:|:---|",
        "| Ranking | 2 | Jon Kistler, Switzerland (1); Nikita Filippov, Individual Neutral Athletes (3) "
        "| 1 | Ana Alonso Rodriguez, Spain (1) |",
        "| Total | 2 |  | 1 |  |",
    ])


def test_published_short_track_notes_unnamed_nations_and_banner(short_track_published):
    system, allocation, nocs = short_track_published
    text = render("markdown", system, allocation, nocs, banner="SYNTHETIC DATA from x: not real results")
    lines = text.splitlines()
    assert lines[2] == "> **SYNTHETIC DATA from x: not real results**"
    assert "| Nation | Men 500m | Men 1000m | Men 1500m | Men Relay | Men total | Women 500m | Women 1000m " \
           "| Women 1500m | Women Relay | Women total | Mixed | Athletes |" in lines
    assert "~~2~~ 1: before declines (struck through), then after." in lines
    assert any(line.startswith('Rows marked "nation not named"') for line in lines)
    gbr = next(line for line in lines if line.startswith("| Great Britain |"))
    # Published: GBR 1 1 <s>2</s> 1 | <s>2</s> 1 | <s>1</s> 0 ... (struck.csv).
    assert gbr.startswith("| Great Britain | 1 | 1 | ~~2~~ 1 |  | ~~2~~ 1 | ~~1~~ 0 | 0 | 0 |  | ~~1~~ 0 |")
