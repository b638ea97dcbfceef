"""Uploading a season through the page and the API: validation as in the CLI, transactions, idempotency,
the write token, the same-origin check and the size limit."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from qualify.store import Store
from qualify.web.app import create_app
from qualify.web.settings import WebSettings
from tests.web.pages_helpers import tables

SHORT = "short-track-2026"


@pytest.fixture
def any_client(store: Store) -> Iterator[TestClient]:
    """An app on SQLite and, when configured, on PostgreSQL."""
    with TestClient(create_app(WebSettings(), store=store)) as client:
        yield client


def _form_upload(client: TestClient, content: bytes, *, name: str = "results.csv", **fields: str):
    data = {"system": SHORT, **fields}
    return client.post("/seasons", data=data, files={"results": (name, content, "text/csv")}, follow_redirects=False)


def test_upload_then_allocate_from_the_season(any_client, store, season_dir, season_results, invoke):
    answer = _form_upload(any_client, season_results, label="Synthetic seed 7")
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert re.fullmatch(r"/seasons/\d+\?new=1", location)
    season_id = int(location.split("/")[2].split("?")[0])
    page = any_client.get(location)
    assert "Stored: every file passed the checks." in page.text and "SYNTHETIC" in page.text
    assert store.file_content(season_id, "results") == season_results
    # The allocation from the stored season is the one `allocate --results` computes from the same folder.
    cli = invoke("allocate", SHORT, "--results", season_dir, "--format", "json")
    api = any_client.get(f"/api/systems/{SHORT}/allocation", params={"season": season_id}).json()
    assert api.pop("notice").startswith("SYNTHETIC DATA")
    expected = json.loads(cli.stdout)
    expected.pop("notice")
    # The same words, the season named as the store knows it instead of by a folder.
    stored_name = f"stored season {season_id} “Synthetic seed 7”"
    assert api.pop("basis") == expected.pop("basis").replace(str(season_dir), stored_name)
    assert api == expected
    summary = any_client.get(f"/systems/{SHORT}", params={"season": season_id})
    assert summary.status_code == 200 and "SYNTHETIC DATA in season" in summary.text


def test_the_same_file_twice_is_stored_once(any_client, store, season_results):
    first = _form_upload(any_client, season_results)
    second = _form_upload(any_client, season_results, name="renamed.csv", label="again")
    assert first.headers["location"].split("?")[0] == second.headers["location"].split("?")[0]
    assert second.headers["location"].endswith("?existing=1")
    assert store.counts() == (1, 1)


def test_a_bad_file_is_reported_by_file_row_and_field_and_nothing_is_stored(any_client, store, season_results):
    lines = season_results.decode("utf-8").splitlines(keepends=True)
    # The file's line 5 (a comment is line 1, the header line 2): an unknown NOC code.
    lines[4] = re.sub(r",[A-Z]{3},", ",QQQ,", lines[4], count=1)
    answer = _form_upload(any_client, "".join(lines).encode("utf-8"), name="my results.csv")
    assert answer.status_code == 422
    rows = [r for r in tables(answer.text)["problem-table"] if r and r[0] == "my results.csv"]
    assert rows and rows[0][1] == "5" and rows[0][2] == "noc" and "QQQ" in rows[0][3]
    assert "/tmp" not in answer.text  # the reader's temporary folder is never shown
    assert store.counts() == (0, 0)


def test_missing_file_and_unknown_system_are_reported(client, sqlite_store):
    answer = client.post("/seasons", data={"system": SHORT}, files={"results": ("", b"", "text/csv")})
    assert answer.status_code == 422 and "expected results.csv" in answer.text
    answer = _form_upload(client, b"x", system="../../etc")
    assert answer.status_code == 422 and sqlite_store.counts() == (0, 0)


def test_api_upload_answers_created_then_existing(client, season_results):
    files = {"results": ("results.csv", season_results, "text/csv")}
    first = client.post("/api/seasons", data={"system": SHORT, "label": "api"}, files=files)
    second = client.post("/api/seasons", data={"system": SHORT}, files=files)
    assert first.status_code == second.status_code == 200
    assert first.json()["created"] and not second.json()["created"]
    assert first.json()["season"]["id"] == second.json()["season"]["id"]
    assert first.json()["season"]["races"] == 4  # four World Tour stages
    listed = client.get("/api/seasons").json()
    assert [s["label"] for s in listed] == ["api"]


def test_api_upload_errors_name_file_row_and_field(client):
    bad = b"stage,gender,event,rank,athlete,noc,status\n9,M,500m,1,A B,FRA,\n"
    answer = client.post("/api/seasons", data={"system": SHORT}, files={"results": ("r.csv", bad, "text/csv")})
    assert answer.status_code == 422
    problem = answer.json()["problems"][0]
    assert (problem["file"], problem["row"], problem["field"]) == ("r.csv", 2, "stage")


def test_file_names_are_only_displayed(client, sqlite_store, season_results):
    answer = _form_upload(client, season_results, name="../../../../etc/passwd")
    season_id = int(answer.headers["location"].split("/")[2].split("?")[0])
    assert sqlite_store.season(season_id).files[0].filename == "passwd"
    download = client.get(f"/seasons/{season_id}/files/results")
    assert download.content == season_results


# --- security and limits ---------------------------------------------------------------------------------

@pytest.fixture
def guarded(sqlite_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(WebSettings(token="s3cret-token", max_upload_bytes=200_000), store=sqlite_store)) as c:
        yield c


def test_writes_need_the_token_when_one_is_set(guarded, sqlite_store, season_results):
    files = {"results": ("results.csv", season_results, "text/csv")}
    assert guarded.post("/api/seasons", data={"system": SHORT}, files=files).status_code == 401
    wrong = {"authorization": "Bearer nope"}
    assert guarded.post("/api/seasons", data={"system": SHORT}, files=files, headers=wrong).status_code == 401
    page = _form_upload(guarded, season_results)
    assert page.status_code == 403 and "write token" in page.text
    assert sqlite_store.counts() == (0, 0)
    right = {"authorization": "Bearer s3cret-token"}
    assert guarded.post("/api/seasons", data={"system": SHORT}, files=files, headers=right).status_code == 200
    assert _form_upload(guarded, season_results, token="s3cret-token").status_code == 303
    assert 'name="token"' in guarded.get("/seasons").text  # the form asks for it


def test_reading_needs_no_token(guarded):
    assert guarded.get(f"/systems/{SHORT}").status_code == 200
    assert guarded.get(f"/api/systems/{SHORT}/allocation").status_code == 200


def test_cross_site_posts_are_refused(client, sqlite_store, season_results):
    answer = client.post("/seasons", data={"system": SHORT}, files={"results": ("r.csv", season_results)},
                         headers={"origin": "http://evil.example"})
    assert answer.status_code == 403 and sqlite_store.counts() == (0, 0)
    same = client.post("/seasons", data={"system": SHORT}, files={"results": ("r.csv", season_results)},
                       headers={"origin": "http://testserver"}, follow_redirects=False)
    assert same.status_code == 303


def test_uploads_over_the_limit_are_refused_before_parsing(guarded, sqlite_store):
    big = b"stage,gender,event,rank,athlete,noc,status\n" + b"#" * 300_000 + b"\n"
    files = {"results": ("big.csv", big, "text/csv")}
    answer = guarded.post("/api/seasons", data={"system": SHORT}, files=files,
                          headers={"authorization": "Bearer s3cret-token"})
    assert answer.status_code == 413 and "too large" in answer.text

    def chunks():  # no Content-Length: the body is counted as it arrives
        yield b"--x\r\nContent-Disposition: form-data; name=\"system\"\r\n\r\nshort-track-2026\r\n"
        for _ in range(30):
            yield b"#" * 10_000
    streamed = guarded.post("/api/seasons", content=chunks(), headers={
        "authorization": "Bearer s3cret-token", "content-type": "multipart/form-data; boundary=x"})
    assert streamed.status_code == 413
    assert sqlite_store.counts() == (0, 0)


def test_binding_beyond_loopback_needs_a_token(monkeypatch):
    monkeypatch.delenv("QUALIFY_TOKEN", raising=False)
    with pytest.raises(ValueError, match="QUALIFY_TOKEN"):
        WebSettings.for_host("0.0.0.0")
    assert WebSettings.for_host("127.0.0.1").token is None
    assert WebSettings.for_host("::1").token is None
    monkeypatch.setenv("QUALIFY_TOKEN", "t")
    assert WebSettings.for_host("0.0.0.0").token == "t"


def test_serve_binds_to_loopback_by_default():
    import inspect

    from qualify.cli.serve import serve_command

    assert inspect.signature(serve_command).parameters["host"].default == "127.0.0.1"
