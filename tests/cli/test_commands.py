"""The commands on the bundled ski mountaineering data: every output format and the explain/rankings views.

Expected figures come from the seed (the published Summary: 14 NOCs, 18 men, 18 women, 36 athletes) and
from reading the bundled lists; see tests/real/test_ski_mountaineering_2026.py for the full derivation.
"""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from tests.cli.conftest import SYSTEM


def ok(result) -> str:
    assert result.exit_code == 0, (result.exception, result.output)
    return result.stdout


def words(text: str) -> str:
    """Whitespace collapsed, so a check does not depend on where a console wrapped a line."""
    return " ".join(text.split())


def test_systems_lists_ski_mountaineering_with_36_places(invoke):
    out = ok(invoke("systems"))
    # The id is the first cell of its row, whole (the table wraps descriptions, never ids).
    row = next(line for line in out.splitlines() if line.split("│")[0].strip() == SYSTEM)
    # 18 men + 18 women (Qualification rules ¶1).
    assert "36" in row.split()


def test_allocate_json(invoke):
    document = json.loads(ok(invoke("allocate", SYSTEM, "--format", "json")))
    assert {"system", "places", "summary"} <= set(document)
    assert document["system"] == SYSTEM
    for place in document["places"]:
        assert {"noc", "gender", "event", "pathway", "rank", "athlete"} <= set(place)
        assert place["gender"] in {"M", "W", "X"}
    active = [p for p in document["places"] if p["status"] == "active"]
    # No declines: all 36 places are active, 18 per gender.
    assert len(active) == len(document["places"]) == 36
    assert sum(p["gender"] == "M" for p in active) == sum(p["gender"] == "W" for p in active) == 18
    assert document["summary"]["total"]["nocs"] == 14


def test_allocate_csv(invoke):
    out = ok(invoke("allocate", SYSTEM, "--format", "csv"))
    # A comment line first says what the allocation is based on; then the places.
    comment, *lines = out.splitlines()
    assert comment.startswith("# Based on the bundled final lists")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    header = lines[0].split(",")
    assert header[:6] == ["noc", "gender", "event", "pathway", "rank", "athlete"]
    # One row per place.
    assert len(rows) == 36
    drion = [r for r in rows if r["athlete"] == "Maximilien Drion"]
    assert [(r["noc"], r["gender"], r["rank"], r["pathway"]) for r in drion] == [
        ("BEL", "M", "2", "sprint-ranking-M")]


def test_allocate_markdown_total_row(invoke):
    out = ok(invoke("allocate", SYSTEM, "--format", "markdown"))
    # The seed's total row: 14 NOCs, 18 men, 18 women, 36 athletes.
    assert "| Total: 14 NOCs | 18 | 18 | 36 |" in out.splitlines()


def test_allocate_wikitext(invoke):
    out = ok(invoke("allocate", SYSTEM, "--format", "wikitext"))
    assert '{| class="wikitable"' in out
    assert "{{flagIOC|ESP|2026 Winter}}" in out
    # Neutral athletes have no flag template.
    assert "{{flagIOC|AIN|" not in out


def test_allocate_xlsx(invoke, tmp_path):
    out = tmp_path / "f.xlsx"
    result = invoke("allocate", SYSTEM, "--format", "xlsx", "--output", out)
    ok(result)
    assert result.stderr.strip() == f"wrote {out} (xlsx)"
    book = load_workbook(out)
    assert "Summary" in book.sheetnames
    last = [cell.value for cell in list(book["Summary"].iter_rows())[-1]]
    assert last[0] == "Total: 14 NOCs" and last[-3:] == [18, 18, 36]


def test_allocate_output_file_holds_what_stdout_would(invoke, tmp_path):
    (tmp_path / "sub").mkdir()
    out = tmp_path / "sub" / "allocation.json"
    ok(invoke("allocate", SYSTEM, "--format", "json", "--output", out))
    assert out.read_text(encoding="utf-8") == ok(invoke("allocate", SYSTEM, "--format", "json"))


def test_explain_belgium(invoke):
    out = words(ok(invoke("explain", SYSTEM, "BEL")))
    # Drion is 2nd on the men's Sprint Ranking List and gets one of its four places; Belgium is on no
    # women's list and on no relay list.
    assert "Men: 1 place" in out
    assert "rank 2, athlete Maximilien Drion" in out
    assert "Women: 0 places" in out
    assert "no women's place" in out


def test_allocate_decline_belgian_man_json(invoke):
    document = json.loads(ok(invoke("allocate", SYSTEM, "--decline", "BEL:M", "--format", "json")))
    # Down the men's list past the holders Kistler (1), Filippov (3), Klette (4) and Belgium's own Drion (2):
    # rank 5 Rocco Baldini (ITA, only the host man so far) takes it.
    moved = [p for p in document["places"] if p["reallocated_from"] == "BEL"]
    assert [(p["noc"], p["athlete"], p["rank"], p["status"]) for p in moved] == [
        ("ITA", "Rocco Baldini", 5, "active")]
    declined = [p for p in document["places"] if p["status"] == "declined"]
    assert [(p["noc"], p["athlete"]) for p in declined] == [("BEL", "Maximilien Drion")]


def test_declines_file_works_like_decline(invoke, tmp_path):
    declines = tmp_path / "declines.csv"
    declines.write_text("noc,gender\nBEL,M\n", encoding="utf-8")
    from_file = ok(invoke("allocate", SYSTEM, "--declines", declines, "--format", "json"))
    from_option = ok(invoke("allocate", SYSTEM, "--decline", "BEL:M", "--format", "json"))
    assert json.loads(from_file) == json.loads(from_option)
    assert any(p["reallocated_from"] == "BEL" for p in json.loads(from_file)["places"])


def test_rankings_of_one_list(invoke):
    out = ok(invoke("rankings", SYSTEM, "sprint-ranking-M"))
    assert "Jon Kistler" in out
    # Only the list asked for: the women's list leader is not shown.
    assert "Ana Alonso Rodriguez" not in out


def test_allocate_table_is_the_default(invoke):
    out = words(ok(invoke("allocate", SYSTEM)))
    assert "Summary" in out and "Switzerland" in out
