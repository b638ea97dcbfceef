"""The published Summaries at 80, 100, 120 and 200 columns: read back from the text, every value is there.

The expected values come from the published tables transcribed in data/*/published (summary.csv, and struck.csv
for the values the short-track article strikes through), not from the program.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from qualify.io.formats.common import grouped_header, short_code
from qualify.io.formats.terminal import summary_lines
from qualify.io.report import build_summary
from tests.conftest import DATA, read_published
from tests.output.conftest import PUBLISHED_SHORT_TRACK

WIDTHS = (80, 100, 120, 200)
MARK_COLUMNS = {"m_relay", "w_relay", "mixed"}


def read_back(lines: list[str], system, nocs, codes: dict[str, str]) -> dict[tuple[str, str], str]:
    """{(noc or "TOTAL", column key): cell text} from the plain-text Summary, in one part or several.

    Blocks are found by their "│" separators; within a block, right-aligned columns end where their labels end.
    """
    runs = grouped_header(list(system.summary))
    found: dict[tuple[str, str], str] = {}
    next_run = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        if not (line.startswith("Nation ") and "│" in line):
            index += 1
            continue
        separators = [i for i, char in enumerate(line) if char == "│"]
        bounds = [(start + 2, end - 1) for start, end in zip(separators, separators[1:] + [len(line) + 1],
                                                             strict=True)]
        spans: list[tuple[str, int, int]] = []
        for number, (block_start, block_end) in enumerate(bounds):
            _, columns = runs[next_run]
            next_run += 1
            if len(columns) == 1:  # a lone column fills its block
                spans.append((columns[0].key, block_start, block_end if number < len(bounds) - 1 else 10**6))
                continue
            text = line[block_start:block_end]
            position = 0
            for column in columns:
                end = text.index(column.label, position) + len(column.label)
                spans.append((column.key, block_start + position, block_start + end))
                position = end + 1
        # Rows lie between the two rules under the header; the Total row after the second.
        index += 1
        while not lines[index].startswith("─"):
            index += 1
        index += 1
        rows = []
        while not lines[index].startswith("─"):
            rows.append(lines[index])
            index += 1
        index += 1
        while index < len(lines) and "│" in lines[index]:
            rows.append(lines[index])
            index += 1
        for row in rows:
            stub = row[:separators[0]].strip()
            noc = "TOTAL" if stub.startswith("Total:") else codes[stub]
            for key, start, end in spans:
                assert (noc, key) not in found, (noc, key)
                found[(noc, key)] = row[start:end].strip()
    return found


def expected_text(value: str, key: str, before: str | None) -> str:
    def show(number: str) -> str:
        if key in MARK_COLUMNS:
            return "X" if int(number) else ""
        return str(int(number))
    return f"~~{show(before)}~~ {show(value)}".strip() if before is not None else show(value)


def after_and_before(text: str) -> tuple[str, str | None]:
    if text.startswith("~~"):
        before, after = text[2:].split("~~", 1)
        return after.strip(), before
    return text, None


@pytest.mark.parametrize("width", WIDTHS)
def test_short_track_published_summary_reads_back_at(width, short_track_published):
    system, allocation, nocs = short_track_published
    summary = build_summary(system, allocation, nocs)
    lines = [line.plain for line in summary_lines(system, summary, nocs, width, styled=False)]
    assert max(cell_len(line) for line in lines) <= width
    assert "…" not in "\n".join(lines)
    codes = {row.name: row.noc for row in summary.rows} | {short_code(row.noc, nocs): row.noc for row in summary.rows}
    found = read_back(lines, system, nocs, codes)
    assert len(found) == (24 + 1) * 12  # every nation and the Total row, in every column, exactly once
    struck = {(row["noc"], row["column"]): row["before"]
              for row in read_published(PUBLISHED_SHORT_TRACK / "struck.csv")}
    published = read_published(PUBLISHED_SHORT_TRACK / "summary.csv")
    keys = [c.key for c in system.summary]
    for row in published:
        for key in keys:
            after, before = after_and_before(found[(row["noc"], key)])
            assert after == expected_text(row[key], key, None), (row["noc"], key)
            if (row["noc"], key) in struck:
                assert before == expected_text(struck[(row["noc"], key)], key, None), (row["noc"], key)
    # The seed's Total row: 24 NOCs | 32 32 35 8 57 | 31 31 36 8 55 | 12 | 112.
    totals = [after_and_before(found[("TOTAL", key)])[0] for key in keys]
    assert totals == ["32", "32", "35", "8", "57", "31", "31", "36", "8", "55", "12", "112"]
    assert any(line.startswith("Total: 24 NOCs") for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_ski_mountaineering_published_summary_reads_back_at(width, ski_mountaineering):
    system, allocation, nocs = ski_mountaineering
    summary = build_summary(system, allocation, nocs)
    lines = [line.plain for line in summary_lines(system, summary, nocs, width, styled=False)]
    assert max(cell_len(line) for line in lines) <= width
    codes = {row.name: row.noc for row in summary.rows} | {short_code(row.noc, nocs): row.noc for row in summary.rows}
    found = read_back(lines, system, nocs, codes)
    assert len(found) == (14 + 1) * 3
    published = read_published(DATA / "ski-mountaineering-2026" / "published" / "summary.csv")
    assert len(published) == 14
    for row in published:
        for key in ("men", "women", "athletes"):
            assert found[(row["noc"], key)] == row[key], (row["noc"], key)
    # Seed: Total: 14 NOCs | 18 | 18 | 36.
    assert [found[("TOTAL", key)] for key in ("men", "women", "athletes")] == ["18", "18", "36"]
    if width == 80:
        # 27 + 3 + 12 + 3 + 14 + 3 + 8 = 70: one table, with the nations' names.
        assert lines[1].startswith("Nation                      │ Men's Quotas │ Women's Quotas │ Athletes")


def test_short_track_at_80_columns_in_a_terminal_is_two_tables_with_names(short_track_published):
    # Struck values take "2 1" (3 columns) in a terminal rather than "~~2~~ 1": Men (28 + 3 + 28 = 59) and
    # Women + Mixed + Athletes (28 + 3 + 29 + 3 + 5 + 3 + 8 = 79: "32 31" widens Women's 500m to 5) fit
    # beside the full names.
    system, allocation, nocs = short_track_published
    lines = [line.plain for line in summary_lines(system, build_summary(system, allocation, nocs), nocs, 80,
                                                  styled=True)]
    titles = [line for line in lines if line.startswith("Short-track speed skating")]
    assert titles == ["Short-track speed skating, Milano Cortina 2026: Summary (part 1 of 2)",
                      "Short-track speed skating, Milano Cortina 2026: Summary (part 2 of 2)"]
    assert "Individual Neutral Athletes │    0     1     1           1" in lines
    assert max(cell_len(line) for line in lines) <= 80
