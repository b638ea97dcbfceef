"""The JSON API: the same contract as the CLI, and downloads that the project's own readers accept."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from qualify.io.writers import PLACE_FIELDS

SKI = "ski-mountaineering-2026"
SHORT = "short-track-2026"


def test_allocation_is_the_document_allocate_prints(shared_client, invoke):
    for system, args in [(SKI, []), (SKI, ["--decline", "BEL:M"]),
                         (SHORT, [])]:  # short track without options: the published Summary's places
        cli = invoke("allocate", system, "--format", "json", *args)
        assert cli.exit_code == 0, cli.output
        params = {"decline": args[1]} if args and args[0] == "--decline" else {}
        api = shared_client.get(f"/api/systems/{system}/allocation", params=params)
        assert api.status_code == 200
        assert _paths_as_names(api.json()) == _paths_as_names(json.loads(cli.stdout))


def _paths_as_names(document: dict) -> dict:
    """Places taken from a published table name the file in their clause; the app reads the bundled copy."""
    for place in document["places"]:
        if place["clause"].startswith("published table "):
            path = place["clause"].removeprefix("published table ").replace("\\", "/")
            place["clause"] = "published table " + "/".join(path.split("/")[-3:])
    return document


def test_systems_endpoint(shared_client):
    systems = {s["id"]: s for s in shared_client.get("/api/systems").json()}
    # Both systems build lists from race results (list builders in their rule files).
    assert systems[SKI]["total_places"] == 36 and systems[SKI]["accepts_seasons"]
    assert systems[SHORT]["total_places"] == 112 and systems[SHORT]["accepts_seasons"]


def test_noc_endpoint_reads_the_log(shared_client):
    body = shared_client.get(f"/api/systems/{SKI}/nocs/ITA").json()
    men = next(s for s in body["stories"] if s["gender"] == "M")
    assert [p["pathway"] for p in men["places"]] == ["host"]
    assert set(men["places"][0]) == set(PLACE_FIELDS)  # places serialised as everywhere else
    assert men["closest_miss"]["athlete"] == "Rocco Baldini" and men["closest_miss"]["rank"] == 5


def test_lists_endpoint_gives_the_cut(shared_client):
    body = shared_client.get(f"/api/systems/{SKI}/lists").json()
    sprint = next(item for item in body["lists"] if item["id"] == "sprint-ranking-W")
    # Women's Sprint Ranking List: four places to ranks 1-4, cut at Jagerčíková's 360 points (seed).
    assert sprint["cut"] == {"rank": 4, "points": 360.0}
    assert [e["next_in_line"] for e in sprint["entries"]][4:] == [1, 2, 3, 4, 5, 6]
    assert sprint["entries"][4]["behind_cut"] == 60.0  # Matějovičová, 300 points


def test_whatif_endpoint(shared_client):
    body = shared_client.get(f"/api/systems/{SKI}/whatif", params={"decline": "BEL:M"}).json()
    assert [(p["noc"], p["athlete"], p["reallocated_from"]) for p in body["gained"]] == [
        ("ITA", "Rocco Baldini", "BEL")]
    assert [(p["noc"], p["athlete"]) for p in body["lost"]] == [("BEL", "Maximilien Drion")]
    assert {(c["noc"], c["column"], c["before"], c["after"]) for c in body["changed_cells"]} == {
        ("BEL", "men", 1, 0), ("BEL", "athletes", 1, 0), ("ITA", "men", 1, 2), ("ITA", "athletes", 3, 4)}


def test_bad_declines_are_reported_with_their_field(shared_client):
    answer = shared_client.get(f"/api/systems/{SKI}/allocation", params={"decline": "BEL:Q"})
    assert answer.status_code == 422
    problem = answer.json()["problems"][0]
    assert problem["file"] == "--decline" and "gender 'Q' must be M or W" in problem["message"]


@pytest.mark.parametrize("table, fmt", [("allocation", "csv"), ("allocation", "json"), ("allocation", "markdown"),
                                        ("allocation", "wikitext"), ("allocation", "xlsx"), ("summary", "csv"),
                                        ("lists", "csv"), ("lists", "json"), ("lists", "wikitext"),
                                        ("lists", "xlsx")])
def test_every_download_opens(shared_client, table, fmt):
    answer = shared_client.get(f"/systems/{SHORT}/downloads/{table}.{fmt}")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(answer.content))
        assert book.sheetnames[0] in ("Summary", "soqc-M-500m")
    elif fmt == "json":
        assert json.loads(answer.content)["system"] == SHORT
    elif fmt == "csv":
        header = next(csv.reader(io.StringIO(answer.text)))
        assert header[0] in ("noc", "list")
    else:
        assert "Summary" in answer.text or "{|" in answer.text


def test_summary_download_is_read_back_by_compare(shared_client, invoke, tmp_path):
    path = tmp_path / "summary.csv"
    path.write_bytes(shared_client.get(f"/systems/{SKI}/downloads/summary.csv").content)
    result = invoke("compare", SKI, "--published", str(path))
    assert result.exit_code == 0, result.output
    assert "42 of 42 published cells match" in result.stdout  # 14 NOCs x 3 columns


def test_unknown_download_is_404(shared_client):
    assert shared_client.get(f"/systems/{SKI}/downloads/summary.xlsx").status_code == 404
    assert shared_client.get(f"/api/systems/{SKI}/downloads/summary.xlsx").status_code == 404


def test_openapi_is_published(shared_client):
    schema = shared_client.get("/openapi.json").json()
    assert "/api/systems/{system_id}/allocation" in schema["paths"]
    assert "/api/seasons" in schema["paths"] and "post" in schema["paths"]["/api/seasons"]
    page = shared_client.get("/api")
    assert "/api/systems/{system_id}/allocation" in page.text
