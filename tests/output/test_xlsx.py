"""Excel, read back with openpyxl: merged group headers, frozen panes, numbers stored as numbers."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from qualify.io.formats.xlsx import MARK_FORMAT
from qualify.io.writers import render
from tests.conftest import read_published
from tests.output.conftest import PUBLISHED_SHORT_TRACK


@pytest.fixture(scope="module")
def short_track_book(short_track_published):
    system, allocation, nocs = short_track_published
    return load_workbook(io.BytesIO(render("xlsx", system, allocation, nocs)))


def test_sheets(short_track_book):
    assert short_track_book.sheetnames == ["Summary", "Breakdown", "Places", "Decisions"]


def test_summary_grouped_header_and_frozen_panes(short_track_book):
    sheet = short_track_book["Summary"]
    # Row 1 the title, row 2 empty (no banner), header rows 3 and 4: Nation, NOC, Men (C-G), Women (H-L),
    # Mixed, Athletes; the last four single columns span both header rows.
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert merged == {"A3:A4", "B3:B4", "C3:G3", "H3:L3", "M3:M4", "N3:N4"}
    assert [sheet.cell(3, c).value for c in (1, 2, 3, 8, 13, 14)] == ["Nation", "NOC", "Men", "Women", "Mixed",
                                                                      "Athletes"]
    assert [sheet.cell(4, c).value for c in range(3, 13)] == ["500m", "1000m", "1500m", "Relay", "total"] * 2
    assert sheet.freeze_panes == "C5"  # below the header, right of the nation
    assert sheet.column_dimensions["A"].width >= len("Individual Neutral Athletes")


def test_summary_numbers_are_numbers(short_track_book):
    sheet = short_track_book["Summary"]
    published = {row["noc"]: row for row in read_published(PUBLISHED_SHORT_TRACK / "summary.csv")}
    keys = ["m_500m", "m_1000m", "m_1500m", "m_relay", "m_total", "w_500m", "w_1000m", "w_1500m", "w_relay",
            "w_total", "mixed", "athletes"]
    rows = {sheet.cell(r, 2).value: r for r in range(5, 5 + 24)}
    assert set(rows) == set(published)
    for noc, row in rows.items():
        values = [sheet.cell(row, 3 + i).value for i in range(12)]
        assert all(type(v) is int for v in values), noc
        assert values == [int(published[noc][k]) for k in keys], noc
    # A relay mark is the number 1 shown as X.
    canada = rows["CAN"]
    assert sheet.cell(canada, 6).value == 1 and sheet.cell(canada, 6).number_format == MARK_FORMAT
    total = 5 + 24
    assert sheet.cell(total, 1).value == "Total: 24 NOCs"
    assert [sheet.cell(total, 3 + i).value for i in range(12)] == [32, 32, 35, 8, 57, 31, 31, 36, 8, 55, 12, 112]


def test_struck_values_keep_the_after_count_and_note_the_before(short_track_book):
    sheet = short_track_book["Summary"]
    rows = {sheet.cell(r, 2).value: r for r in range(5, 5 + 24)}
    columns = {"m_1500m": 5, "m_total": 7, "w_500m": 8, "w_1000m": 9, "w_total": 12}
    for cell in read_published(PUBLISHED_SHORT_TRACK / "struck.csv"):
        target = sheet.cell(rows[cell["noc"]], columns[cell["column"]])
        assert target.value == int(cell["after"])
        assert target.comment is not None and target.comment.text == f"Before declines: {cell['before']}"
    notes = [sheet.cell(r, 1).value for r in range(30, sheet.max_row + 1)]
    assert any(note and note.startswith("Shaded cells changed when places were declined") for note in notes)


def test_breakdown_sheet(short_track_book):
    sheet = short_track_book["Breakdown"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # Places by pathway: Pathway over two header rows, then Men, Women and Mixed over Places + Nations.
    assert merged == {"A5:A6", "B5:C5", "D5:E5", "F5:G5"}
    mixed = next(r for r in range(7, sheet.max_row + 1) if sheet.cell(r, 1).value == "Mixed relay teams and "
                 "extra athletes")
    assert sheet.cell(mixed, 6).value == 12
    assert sheet.cell(mixed, 7).value.count("(") == 12


def test_places_sheet_has_a_frozen_filterable_header(short_track_book, short_track_published):
    sheet = short_track_book["Places"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    header = [c.value for c in sheet[1]]
    grant = header.index("grant")
    assert all(type(row[grant]) is int for row in sheet.iter_rows(min_row=2, values_only=True))


def test_synthetic_notice_kept(ski_mountaineering):
    system, allocation, nocs = ski_mountaineering
    book = load_workbook(io.BytesIO(render("xlsx", system, allocation, nocs, banner="SYNTHETIC DATA: not real")))
    assert book["Summary"]["A2"].value == "SYNTHETIC DATA: not real"
    assert book["Breakdown"]["A2"].value == "SYNTHETIC DATA: not real"
    # Ski mountaineering has no groups: one header row, frozen below it.
    assert not book["Summary"].merged_cells.ranges
    assert book["Summary"].freeze_panes == "C5"
    assert [c.value for c in book["Summary"][4]] == ["Nation", "NOC", "Men's Quotas", "Women's Quotas", "Athletes"]
