"""A stored season race by race: standings as of a race, what changed between two races, the timeline.

The pages and the API are checked against what the files say (the calendar, the rows per race, read here with the
csv module) and against the CLI run on the same folder (`qualify standings`, `qualify diff`, `qualify allocate
--as-of`): the app must give the very documents the commands give, from the store instead of a folder.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualify.ranking.synth import synthesize_season
from qualify.store import Store
from qualify.web.app import create_app
from qualify.web.settings import WebSettings
from tests.web.pages_helpers import tables

SKI = "ski-mountaineering-2026"
SHORT = "short-track-2026"
LATE_RACES = ("villars", "tromso", "solitude")  # the partial season has no results for these yet


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def _calendar(folder: Path) -> list[dict[str, str]]:
    """The races in calendar order: by date, races on one date in file order (as docs/seasons.md says)."""
    return sorted(_rows(folder / "calendar.csv"), key=lambda row: row["date"])


@pytest.fixture(scope="module")
def ski_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ski3")
    synthesize_season(SKI, 3, folder)
    return folder


@pytest.fixture(scope="module")
def partial_dir(ski_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same season with the last three races still to come: calendar rows without results."""
    folder = tmp_path_factory.mktemp("ski3-partial")
    (folder / "calendar.csv").write_bytes((ski_dir / "calendar.csv").read_bytes())
    lines = (ski_dir / "results.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(tuple(f"{race}," for race in LATE_RACES))]
    assert len(kept) < len(lines)
    (folder / "results.csv").write_text("".join(kept), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def short_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("short7")
    synthesize_season(SHORT, 7, folder)
    return folder


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('seasons-store') / 'store.sqlite3'}")
    with TestClient(create_app(WebSettings(), store=store)) as client:
        yield client
    store.close()


def _upload(client: TestClient, system: str, folder: Path, label: str) -> int:
    files = {role: (f"{role}.csv", (folder / f"{role}.csv").read_bytes(), "text/csv")
             for role in ("results", "calendar")}
    answer = client.post("/api/seasons", data={"system": system, "label": label}, files=files)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["season"]["id"])


@pytest.fixture(scope="module")
def seasons(app_client, ski_dir, partial_dir, short_dir) -> dict[str, int]:
    return {"ski": _upload(app_client, SKI, ski_dir, "Ski seed 3"),
            "partial": _upload(app_client, SKI, partial_dir, "Ski seed 3, three races to come"),
            "short": _upload(app_client, SHORT, short_dir, "Short track seed 7")}


def _as_stored(cli: dict, folder: Path, season: int, label: str) -> dict:
    """The CLI's document with the season named as the store knows it instead of by its folder (in the basis and
    in each built list's source); the app must give exactly this."""
    text = json.dumps(cli, ensure_ascii=False).replace(json.dumps(str(folder))[1:-1],
                                                       f"stored season {season} “{label}”")
    return json.loads(text)


def _cli_json(invoke, *args: object) -> dict:
    answer = invoke(*args, "--format", "json")
    assert answer.exit_code == 0, answer.output
    return json.loads(answer.stdout)


# --- the same documents as the commands -------------------------------------------------------------------------

@pytest.mark.parametrize("which, system, race", [("ski", SKI, "bormio"), ("ski", SKI, None), ("short", SHORT, "2")])
def test_standings_document_is_the_one_qualify_standings_prints(app_client, seasons, invoke, ski_dir, short_dir,
                                                               which, system, race):
    folder = ski_dir if which == "ski" else short_dir
    label = "Ski seed 3" if which == "ski" else "Short track seed 7"
    args = ["standings", system, "--season", folder] + (["--as-of", race] if race else [])
    cli = _cli_json(invoke, *args)
    params = {"season": seasons[which], **({"as_of": race} if race else {})}
    answer = app_client.get(f"/api/systems/{system}/standings", params=params)
    assert answer.status_code == 200
    api = answer.json()
    assert api == _as_stored(cli, folder, seasons[which], label)
    expected_race = race or _calendar(folder)[-1]["race"]  # every race of a synthetic season has results
    assert api["as_of"]["race"] == expected_race


def test_diff_document_is_the_one_qualify_diff_prints(app_client, seasons, invoke, ski_dir):
    cli = _cli_json(invoke, "diff", SKI, "--season", ski_dir, "--from", "arinsal", "--to", "bormio")
    api = app_client.get(f"/api/systems/{SKI}/diff",
                         params={"season": seasons["ski"], "from": "arinsal", "to": "bormio"}).json()
    assert api == _as_stored(cli, ski_dir, seasons["ski"], "Ski seed 3") and api["changes"]
    # Without `from`, the race before `to` in the calendar (boi-taull comes between arinsal and bormio).
    races = [row["race"] for row in _calendar(ski_dir)]
    default = app_client.get(f"/api/systems/{SKI}/diff", params={"season": seasons["ski"], "to": "bormio"}).json()
    assert default["from"]["race"] == races[races.index("bormio") - 1] == "boi-taull"


def test_allocation_as_of_a_race_is_the_one_allocate_computes(app_client, seasons, invoke, ski_dir):
    cli = _cli_json(invoke, "allocate", SKI, "--season", ski_dir, "--as-of", "wch-2025")
    api = app_client.get(f"/api/systems/{SKI}/allocation",
                         params={"season": seasons["ski"], "as_of": "wch-2025"}).json()
    assert api.pop("notice").startswith("SYNTHETIC DATA in season")
    cli.pop("notice")
    assert api == _as_stored(cli, ski_dir, seasons["ski"], "Ski seed 3")
    # The standings' allocation at that race is the same computation.
    standings = app_client.get(f"/api/systems/{SKI}/standings",
                               params={"season": seasons["ski"], "as_of": "wch-2025"}).json()
    assert standings["allocation"]["places"] == api["places"]


def test_a_standing_is_computed_once_per_season_and_race(app_client, seasons):
    scenarios = app_client.app.state.scenarios
    stored = scenarios.stored_season(SKI, seasons["ski"])
    race = stored.race("bormio")
    first = scenarios.standing_at(stored, race)
    for path in ("standings", "lists", "nocs/ITA"):
        assert app_client.get(f"/systems/{SKI}/{path}", params={"season": seasons["ski"], "as_of": "bormio"}
                              ).status_code == 200
    assert scenarios.standing_at(stored, race) is first
    outcome = scenarios.outcome(SKI, seasons["ski"], [], "bormio")
    assert outcome.allocation is first.allocation  # the page's allocation is the standing's, not a second run


# --- the standings page -----------------------------------------------------------------------------------------

def test_standings_page_says_where_it_stands_and_offers_every_race(app_client, seasons, ski_dir):
    page = app_client.get(f"/systems/{SKI}/standings", params={"season": seasons["ski"], "as_of": "bormio"})
    assert page.status_code == 200
    calendar = _calendar(ski_dir)
    ids = [row["race"] for row in calendar]
    position = ids.index("bormio")
    bormio = calendar[position]
    text = html.unescape(page.text)
    assert (f"Standings after race bormio: {bormio['name']}, {bormio['date']} ({position + 1} of {len(ids)} races "
            "with results)") in text
    options = re.findall(r'<option value="([^"]+)"[^>]*>\d+\. (\d{4}-\d\d-\d\d) ', page.text.split('id="race-pick"')[1]
                         .split("</select>")[0])
    assert options == [(row["race"], row["date"]) for row in calendar]
    assert f'id="previous-race" href="/systems/{SKI}/standings?season={seasons["ski"]}&amp;as_of={ids[position - 1]}"' \
        in page.text
    assert f'as_of={ids[position + 1]}"' in page.text.split('id="next-race"')[1].split(">")[0]
    # The World Championship comes after bormio: its lists are still empty, and the page says why.
    first_wch = next(row for row in calendar if "wch-sprint-M" in row["lists"])
    warnings = text.split('id="season-warnings"')[1].split("</div>")[0]
    assert f"list wch-sprint-M (2025 World Championship men's sprint) is empty: its first race, {first_wch['race']}" \
        in warnings
    # The points table is an assumption, and the data synthetic: both said on the page.
    assert "Points table <code>ismf-world-cup</code> (assumption): ASSUMPTION" in page.text
    assert "SYNTHETIC DATA in season" in page.text and "points table ismf-world-cup is an ASSUMPTION" in page.text


def test_standings_page_shows_the_standings_summary_breakdown_and_lists(app_client, seasons, invoke, ski_dir):
    cli = _cli_json(invoke, "standings", SKI, "--season", ski_dir, "--as-of", "bormio")
    page = app_client.get(f"/systems/{SKI}/standings", params={"season": seasons["ski"], "as_of": "bormio"})
    summary = tables(page.text)["summary"]
    rows = {row["name"]: row for row in cli["allocation"]["summary"]["rows"]}
    shown = {row[0]: row[1:] for row in summary[1:-1]}
    assert shown == {name: [str(row["men"]), str(row["women"]), str(row["athletes"])] for name, row in rows.items()}
    # Every nation links to its page at this race.
    assert re.search(rf'href="/systems/{SKI}/nocs/ITA\?season={seasons["ski"]}&amp;as_of=bormio"', page.text)
    assert 'id="breakdown"' in page.text
    # Each list with its cut: the men's sprint list's cut is the last rank given a place on that list.
    section = page.text.split('id="sprint-ranking-M"')[1].split("</section>")[0]
    places = [p for p in cli["allocation"]["places"] if p["list"] == "sprint-ranking-M" and p["status"] == "active"]
    assert f"cut at rank {max(p['rank'] for p in places)}" in section and "svg" in section
    assert section.count("next in line #") == 6


def test_partial_season_defaults_to_the_last_race_with_results_and_warns_about_the_rest(app_client, seasons,
                                                                                        partial_dir):
    calendar = _calendar(partial_dir)
    held = {row["race"] for row in _rows(partial_dir / "results.csv")}
    last = [row for row in calendar if row["race"] in held][-1]
    page = app_client.get(f"/systems/{SKI}/standings", params={"season": seasons["partial"]})
    assert page.status_code == 200
    assert f"Standings after race {last['race']}: {last['name']}" in html.unescape(page.text)
    picker = page.text.split('id="race-pick"')[1].split("</select>")[0]
    for race in LATE_RACES:
        assert re.search(rf'value="{race}"[^>]*>[^<]*\(no results yet\)', picker)
    # Standing after a race without results: the races without results are said, each by id.
    later = app_client.get(f"/systems/{SKI}/standings", params={"season": seasons["partial"], "as_of": "tromso"})
    warnings = html.unescape(later.text.split('id="season-warnings"')[1].split("</div>")[0])
    assert "race villars" in warnings and "race tromso" in warnings and "has no results yet" in warnings
    assert "race solitude" not in warnings  # after tromso: solitude is not part of this standing


def test_short_track_standings_page(app_client, seasons, short_dir):
    page = app_client.get(f"/systems/{SHORT}/standings", params={"season": seasons["short"], "as_of": "2"})
    assert page.status_code == 200
    stage = next(row for row in _calendar(short_dir) if row["race"] == "2")
    assert f"Standings after race 2: {stage['name']}, {stage['date']} (2 of 4 races with results)" in \
        html.unescape(page.text)
    assert tables(page.text)["summary"][0] == ["Nation", "Men", "Women", "Mixed", "Athletes"]
    assert "Points table <code>isu-world-ranking</code> (inferred)" in page.text


def test_stage_results_without_a_calendar_stand_on_the_bundled_calendar(app_client, season_results):
    """A short-track `stage` file uploaded alone: the four World Tour stages of the bundled calendar."""
    answer = app_client.post("/api/seasons", data={"system": SHORT, "label": "stages only"},
                             files={"results": ("results.csv", season_results, "text/csv")})
    season = answer.json()["season"]["id"]
    page = app_client.get(f"/systems/{SHORT}/standings", params={"season": season, "as_of": "2"})
    assert page.status_code == 200
    bundled = _calendar(Path(__file__).parents[2] / "data" / SHORT)
    picker = page.text.split('id="race-pick"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]+)"', picker) == [row["race"] for row in bundled] == ["1", "2", "3", "4"]
    assert f"Standings after race 2: {bundled[1]['name']}, {bundled[1]['date']} (2 of 4 races" in \
        html.unescape(page.text)


# --- what changed ------------------------------------------------------------------------------------------------

def test_changes_page_shows_every_change_and_cause_of_qualify_diff(app_client, seasons, invoke, ski_dir):
    cli = _cli_json(invoke, "diff", SKI, "--season", ski_dir, "--from", "boi-taull", "--to", "bormio")
    page = app_client.get(f"/systems/{SKI}/changes", params={"season": seasons["ski"], "to": "bormio"})
    assert page.status_code == 200
    groups = dict(re.findall(r'<tbody class="noc-changes" data-noc="([A-Z]+)">(.*?)</tbody>', page.text, re.S))
    assert sorted(groups) == sorted({c["noc"] for c in cli["changes"]})
    for change in cli["changes"]:
        body = html.unescape(re.sub(r"</?mark>", "", groups[change["noc"]]))
        assert f"{change['before']} → {change['after']}" in body
        for cause in change["causes"]:
            assert cause["text"] in body  # verbatim, as `qualify diff` words it
        marked = html.unescape(" ".join(re.findall(r"<mark>(.*?)</mark>", groups[change["noc"]])))
        for entry in (e for cause in change["causes"] for e in cause["by"]):
            assert entry in marked  # the entries that overtook or were passed are highlighted
        # The nation links to its page after the later race.
        assert f'/nocs/{change["noc"]}?season={seasons["ski"]}&amp;as_of=bormio"' in groups[change["noc"]]
    # Summary cells that differ from the earlier standing are highlighted.
    gained = {c["noc"] for c in cli["changes"] if c["delta"] > 0}
    highlighted = set(re.findall(r'<tr data-noc="([A-Z]+)">(?:(?!</tr>).)*class="[^"]*changed', page.text, re.S))
    assert gained <= highlighted


def test_a_noc_that_loses_its_last_place_is_named_under_the_summary(app_client, seasons, invoke, ski_dir):
    cli = _cli_json(invoke, "diff", SKI, "--season", ski_dir, "--from", "boi-taull", "--to", "bormio")
    before = _cli_json(invoke, "standings", SKI, "--season", ski_dir, "--as-of", "boi-taull")
    after = _cli_json(invoke, "standings", SKI, "--season", ski_dir, "--as-of", "bormio")
    gone = ({r["noc"] for r in before["allocation"]["summary"]["rows"]}
            - {r["noc"] for r in after["allocation"]["summary"]["rows"]})
    page = app_client.get(f"/systems/{SKI}/changes", params={"season": seasons["ski"], "to": "bormio"})
    if gone:
        dropped = page.text.split('id="dropped"')[1].split("</p>")[0]
        assert all(f"/nocs/{noc}?" in dropped for noc in gone)
        assert gone <= {c["noc"] for c in cli["changes"] if c["delta"] < 0}
    else:
        assert 'id="dropped"' not in page.text


@pytest.mark.parametrize("params, status, words", [
    ({"to": "courchevel"}, 422, "first of the calendar"),
    ({"from": "bormio", "to": "arinsal"}, 422, "expected a race before"),
    ({"from": "bormio", "to": "bormio"}, 422, "expected a race before"),
    ({"to": "no-such-race"}, 404, "has no race"),
])
def test_changes_between_races_that_cannot_be_compared_say_why(app_client, seasons, params, status, words):
    page = app_client.get(f"/systems/{SKI}/changes", params={"season": seasons["ski"], **params})
    assert page.status_code == status and words in html.unescape(page.text)
    api = app_client.get(f"/api/systems/{SKI}/diff", params={"season": seasons["ski"], **params})
    assert api.status_code == status and words in json.dumps(api.json(), ensure_ascii=False)


# --- the timeline ------------------------------------------------------------------------------------------------

def test_timeline_lists_the_calendar_with_its_results_and_changes(app_client, seasons, invoke, partial_dir):
    page = app_client.get(f"/systems/{SKI}/timeline", params={"season": seasons["partial"]})
    assert page.status_code == 200
    calendar = _calendar(partial_dir)
    counts = Counter(row["race"] for row in _rows(partial_dir / "results.csv"))
    shown = tables(page.text)["calendar"][1:]
    assert [row[1] for row in shown] == [row["date"] for row in calendar]
    assert [row[5] for row in shown] == [str(counts[row["race"]]) if counts[row["race"]] else "none yet"
                                         for row in calendar]
    # "since the race before": the NOC/event counts `qualify diff` finds changed between consecutive races.
    for number in (1, 4):
        earlier, later = calendar[number - 1]["race"], calendar[number]["race"]
        cli = _cli_json(invoke, "diff", SKI, "--season", partial_dir, "--from", earlier, "--to", later)
        changed = sum(1 for change in cli["changes"] if change["delta"])
        moved = sum(1 for change in cli["changes"] if not change["delta"])
        cell = shown[number][6]
        if changed or moved:
            assert cell.startswith(f"{changed} count{'s' if changed != 1 else ''} changed")
            assert (f", {moved} through another step" in cell) == bool(moved)
        else:
            assert cell == "nothing changed"
    assert shown[0][6] == "first race"


def test_timeline_grid_holds_each_race_s_athletes_and_charts_an_noc(app_client, seasons, invoke, ski_dir):
    page = app_client.get(f"/systems/{SKI}/timeline", params={"season": seasons["ski"], "noc": "ITA"})
    assert page.status_code == 200
    grid = {row[0]: row[1:] for row in tables(page.text)["grid"][1:]}
    races = [row["race"] for row in _calendar(ski_dir)]
    for index in (0, 5, len(races) - 1):
        cli = _cli_json(invoke, "standings", SKI, "--season", ski_dir, "--as-of", races[index])
        athletes = {row["name"]: row["athletes"] for row in cli["allocation"]["summary"]["rows"]}
        assert {name: values[index] for name, values in grid.items() if values[index] != "0"} == \
            {name: str(count) for name, count in athletes.items()}
    charts = page.text.split('id="noc-progress"')[1]
    assert charts.count('<svg class="chart progression"') >= 2
    assert "Italy: places after each race" in charts
    # Another column: men's quotas.
    men = app_client.get(f"/systems/{SKI}/timeline", params={"season": seasons["ski"], "column": "men"})
    assert "Men&#39;s Quotas per NOC after each race" in men.text


# --- pages at a race, downloads and bad requests --------------------------------------------------------------------

def test_noc_page_and_what_if_at_a_race(app_client, seasons, invoke, ski_dir):
    season = seasons["ski"]
    cli = _cli_json(invoke, "standings", SKI, "--season", ski_dir, "--as-of", "bormio")
    italy = [p for p in cli["allocation"]["places"] if p["noc"] == "ITA" and p["status"] == "active"
             and p["pathway"] != "athletes"]
    page = app_client.get(f"/systems/{SKI}/nocs/ITA", params={"season": season, "as_of": "bormio"})
    assert page.status_code == 200 and "Standings after race bormio" in page.text
    for place in italy:
        if place["athlete"]:
            assert place["athlete"] in page.text
    # Links from the page keep the race.
    assert f'href="/systems/{SKI}/lists?season={season}&amp;as_of=bormio' in page.text
    whatif = app_client.get(f"/systems/{SKI}/whatif", params={"season": season, "as_of": "bormio",
                                                              "decline": "ITA:M"})
    assert whatif.status_code == 200 and 'name="as_of" value="bormio"' in whatif.text
    assert "Standings after race bormio" in whatif.text


def test_downloads_of_standings_and_changes(app_client, seasons, invoke, ski_dir):
    season = seasons["ski"]
    base = f"/systems/{SKI}/downloads"
    document = app_client.get(f"{base}/standings.json", params={"season": season, "as_of": "bormio"})
    assert document.json() == app_client.get(f"/api/systems/{SKI}/standings",
                                             params={"season": season, "as_of": "bormio"}).json()
    assert "after-bormio" in document.headers["content-disposition"]
    markdown = app_client.get(f"{base}/standings.markdown", params={"season": season, "as_of": "bormio"}).text
    cli = invoke("standings", SKI, "--season", ski_dir, "--as-of", "bormio", "--format", "markdown", "--top", "0")
    assert markdown.split("\n", 1)[1] == cli.stdout.split("\n", 1)[1]  # all but the banner (which names the folder)
    lists = app_client.get(f"{base}/standings.csv", params={"season": season, "as_of": "bormio"}).text
    header = next(line for line in lists.splitlines() if not line.startswith("#"))
    assert header == "list,rank,qualifier,athlete,noc,continent,points"
    changes = app_client.get(f"{base}/changes.csv", params={"season": season, "from": "arinsal", "to": "bormio"})
    assert changes.status_code == 200 and "arinsal-to-bormio" in changes.headers["content-disposition"]
    rows = list(csv.DictReader(line for line in io.StringIO(changes.text) if not line.startswith("#")))
    diff = _cli_json(invoke, "diff", SKI, "--season", ski_dir, "--from", "arinsal", "--to", "bormio")
    assert [row["text"] for row in rows] == [cause["text"] for c in diff["changes"] for cause in c["causes"]]
    assert all(row["delta"] == str(next(c["delta"] for c in diff["changes"] if c["noc"] == row["noc"]
                                        and (c["event"] or "") == row["event"] and c["gender"] == row["gender"]))
               for row in rows if row["derived"] != "yes")
    # A season is needed, and no declines (a standing is computed as `qualify standings` computes it).
    assert app_client.get(f"{base}/standings.json").status_code == 422
    assert app_client.get(f"{base}/standings.json", params={"season": season, "decline": "ITA:M"}).status_code == 422
    assert app_client.get(f"{base}/standings.wikitext", params={"season": season}).status_code == 404


@pytest.mark.parametrize("path, status, words", [
    (f"/systems/{SKI}/standings?season=SEASON&as_of=nowhere", 404, "has no race 'nowhere'"),
    (f"/systems/{SKI}/nocs/ITA?season=SEASON&as_of=nowhere", 404, "has no race 'nowhere'"),
    (f"/api/systems/{SKI}/standings?season=SEASON&as_of=nowhere", 404, "has no race 'nowhere'"),
    (f"/api/systems/{SKI}/allocation?as_of=bormio", 422, "without a season"),
    (f"/systems/{SKI}?as_of=bormio", 422, "without a season"),
    (f"/systems/{SKI}/standings", 422, "expected season=N"),
    (f"/api/systems/{SKI}/standings", 422, "season"),
    (f"/systems/{SHORT}/standings?season=SEASON", 404, "belongs to ski-mountaineering-2026"),
    (f"/systems/{SKI}/timeline?season=SEASON&column=nope", 422, "expected a Summary column"),
    (f"/systems/{SKI}/timeline?season=SEASON&noc=QQQ", 404, "NOC code 'QQQ'"),
    (f"/systems/{SKI}/standings?season=SEASON&as_of={'x' * 101}", 422, ""),
])
def test_bad_season_requests_get_a_clear_answer(app_client, seasons, path, status, words):
    answer = app_client.get(path.replace("SEASON", str(seasons["ski"])))
    assert answer.status_code == status
    assert words in html.unescape(answer.text) and "Traceback" not in answer.text


def test_season_pages_are_linked_and_carry_no_dead_links(app_client, seasons):
    season = seasons["ski"]
    listing = app_client.get("/seasons").text
    assert f'href="/systems/{SKI}/standings?season={season}"' in listing
    start = app_client.get(f"/seasons/{season}").text
    assert f'href="/systems/{SKI}/timeline?season={season}"' in start
    # Every link of the season pages answers (no dead link, no server error).
    seen: set[str] = set()
    for path in (f"/systems/{SKI}/standings?season={season}&as_of=bormio",
                 f"/systems/{SKI}/changes?season={season}&to=bormio",
                 f"/systems/{SKI}/timeline?season={season}&noc=ITA"):
        for link in re.findall(r'href="(/[^"#]*)', app_client.get(path).text):
            link = html.unescape(link)
            if link in seen or link.startswith("/static/") or "/downloads/" in link:
                continue
            seen.add(link)
            assert app_client.get(link).status_code == 200, link
    assert len(seen) > 50


# --- odd requests ------------------------------------------------------------------------------------------------

RACE_TEXT = st.one_of(st.none(), st.sampled_from(["courchevel", "bormio", "wch-2025", "solitude", "tromso"]),
                      st.text(max_size=12))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(as_of=RACE_TEXT, start=RACE_TEXT, end=RACE_TEXT, column=st.one_of(st.none(), st.text(max_size=8)),
       noc=st.one_of(st.none(), st.sampled_from(["ITA", "and", "QQQ", ""]), st.text(max_size=5)))
def test_season_pages_never_fail_on_odd_queries(app_client, seasons, as_of, start, end, column, noc):
    season = seasons["partial"]
    for path, params in [
        (f"/systems/{SKI}/standings", {"season": season, "as_of": as_of}),
        (f"/systems/{SKI}/nocs/ITA", {"season": season, "as_of": as_of}),
        (f"/systems/{SKI}/changes", {"season": season, "from": start, "to": end}),
        (f"/systems/{SKI}/timeline", {"season": season, "column": column, "noc": noc}),
        (f"/api/systems/{SKI}/standings", {"season": season, "as_of": as_of}),
        (f"/api/systems/{SKI}/diff", {"season": season, "from": start, "to": end}),
        (f"/systems/{SKI}/downloads/changes.csv", {"season": season, "from": start, "to": end}),
    ]:
        answer = app_client.get(path, params={k: v for k, v in params.items() if v is not None})
        assert answer.status_code in (200, 404, 422), (path, params, answer.status_code)
