"""The main flows in a real browser: Debian's headless Chromium driven by Playwright, against `qualify serve`
started as a user would start it (one server and one browser for the whole session).

Without Chromium or Playwright these tests skip, saying why; with QUALIFY_REQUIRE_BROWSER=1 (set by .ci/run)
they fail instead. Screenshots go to QUALIFY_SCREENSHOT_DIR when it is set (else a temporary folder).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA, read_published

REQUIRED = os.environ.get("QUALIFY_REQUIRE_BROWSER") == "1"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
SKI = "ski-mountaineering-2026"
SHORT = "short-track-2026"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"browser tests are required (QUALIFY_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(f"browser tests skipped: {reason} (apt-get install chromium; pip install playwright)")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`qualify serve` on a free port with a private SQLite store, as a separate process."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = tmp_path_factory.mktemp("browser-store") / "seasons.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "QUALIFY_TOKEN"}
    log = tmp_path_factory.mktemp("serve-log") / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "qualify.cli", "serve", "--port", str(port), "--store",
                                    str(store)], stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"qualify serve did not start: {log.read_text(errors='replace')}")
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("no chromium on PATH")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("QUALIFY_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser, server, shots):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    opened = context.new_page()
    problems: list[str] = []
    # 4xx answers are part of the flows (a rejected upload is a 422); a server error or a failed asset is not.
    opened.on("response", lambda answer: problems.append(f"{answer.status} {answer.url}") if answer.status >= 500
              else None)
    opened.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    opened.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    opened.shoot = lambda name, full=True: opened.screenshot(path=str(shots / f"{name}.png"), full_page=full)
    yield opened
    context.close()
    assert problems == []  # no server error, no asset that failed to load (all are local), no script error


def test_open_a_system_and_read_the_summary(page):
    page.goto("/")
    page.shoot("01-systems")
    page.get_by_role("link", name="Short-track speed skating").click()
    page.wait_for_url(f"**/systems/{SHORT}")
    header = page.locator("#summary thead tr")
    assert header.nth(0).locator("th").all_inner_texts() == ["Nation", "Men", "Women", "Mixed", "Athletes"]
    assert header.nth(1).locator("th").all_inner_texts() == ["500m", "1000m", "1500m", "Relay", "total"] * 2
    published = {r["noc"]: r for r in read_published(DATA / SHORT / "published" / "summary.csv")}
    canada = page.locator('#summary tr[data-noc="CAN"] td').all_inner_texts()
    expected = published["CAN"]
    assert canada == [expected["m_500m"], expected["m_1000m"], expected["m_1500m"], "X", expected["m_total"],
                      expected["w_500m"], expected["w_1000m"], expected["w_1500m"], "X", expected["w_total"], "X",
                      expected["athletes"]]
    # Great Britain gave up a men's 1500 m place (published struck value 2, now 1).
    assert page.locator('#summary tr[data-noc="GBR"] td[data-column="m_1500m"] s').inner_text() == "2"
    page.shoot("02-short-track-summary")
    page.goto(f"/systems/{SKI}")
    assert page.locator("#summary tfoot th").inner_text() == "Total: 14 NOCs"
    page.shoot("03-ski-mountaineering-summary")


def test_ranking_lists_show_the_cut(page):
    page.goto(f"/systems/{SKI}/lists")
    section = page.locator("#sprint-ranking-M")
    assert "cut at rank 4, 282 points" in section.inner_text()
    assert section.locator("svg.chart line.cut").count() == 2
    assert section.locator("tr.cut td").first.inner_text() == "4"
    assert section.locator("tr.next").count() == 6
    page.shoot("04-ranking-lists")


def test_open_an_noc_from_the_picker(page):
    page.goto(f"/systems/{SKI}")
    page.select_option("#noc-pick", "ITA")
    page.get_by_role("button", name="Explain").click()
    page.wait_for_url(f"**/systems/{SKI}/nocs/ITA")
    assert page.locator("#noc-title").inner_text().startswith("Italy")
    men = page.locator("#story-M").inner_text()
    assert "Closest miss: Rocco Baldini at rank 5" in men and "Hans-Inge Klette (NOR)" in men
    page.shoot("05-noc-italy")


def test_decline_a_place_and_see_the_reallocation(page):
    page.goto(f"/systems/{SKI}")
    page.get_by_role("link", name="What-if").click()
    page.select_option("#decline-pick", "BEL:M:sprint-ranking-M")
    page.get_by_role("button", name="Decline and recompute").click()
    page.wait_for_selector("#changes")
    assert "Rocco Baldini" in page.locator(".changes li.gained").inner_text()
    assert "Maximilien Drion" in page.locator(".changes li.lost").inner_text()
    changed = {(cell.get_attribute("title"), cell.inner_text()) for cell in page.locator("#summary td.changed").all()}
    # Belgium men 1 -> 0 and athletes 1 -> 0 (struck 1 shown); Italy men 1 -> 2, athletes 3 -> 4.
    assert changed == {("was 1", "1 0"), ("was 1", "2"), ("was 3", "4")} and page.locator("td.changed").count() == 4
    page.shoot("06-what-if")
    page.locator('.changes a:has-text("Italy")').click()
    assert "reallocated from BEL" in page.locator("#story-M").inner_text()


def test_upload_a_season(page, season_dir):
    page.goto("/seasons")
    page.shoot("07-seasons-empty")
    # A broken file first: the problem is shown with file, row and field, and nothing is stored.
    bad = season_dir.parent / "broken-results.csv"
    lines = (season_dir / "results.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",M,", ",Q,", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.set_input_files("#results", str(bad))
    page.get_by_role("button", name="Upload and check").click()
    problem = page.locator("#problem-table tbody tr").first.locator("td").all_inner_texts()
    assert problem[:3] == ["broken-results.csv", "4", "gender"]
    page.shoot("08-upload-error")
    assert page.locator("#seasons").count() == 0
    page.set_input_files("#results", str(season_dir / "results.csv"))
    page.set_input_files("#calendar", str(season_dir / "calendar.csv"))
    page.fill("#label", "Synthetic season, seed 7")
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_selector("text=Stored: every file passed the checks.")
    page.shoot("09-season")
    page.get_by_role("link", name="Summary & Breakdown from this season").click()
    assert "SYNTHETIC DATA" in page.locator(".banner.synthetic").inner_text()
    assert page.locator("#summary tbody tr").count() > 10
    page.shoot("10-season-summary")
    page.get_by_role("link", name="Ranking lists").click()
    assert page.locator("svg.chart").count() >= 8  # one chart per SOQC list with points
    page.shoot("11-season-lists", full=False)  # the full page is some 20,000 pixels tall


def test_api_page(page):
    page.goto("/api")
    assert page.locator("#endpoints tbody tr").count() >= 8
    page.shoot("12-api")


@pytest.fixture(scope="session")
def ski_season(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic ski-mountaineering season (`qualify synth ski-mountaineering-2026 --seed 3 --out DIR`)."""
    from qualify.ranking.synth import synthesize_season

    folder = tmp_path_factory.mktemp("ski-season")
    synthesize_season(SKI, 3, folder)
    return folder


def test_a_season_race_by_race(page, ski_season):
    calendar = sorted((line.split(",") for line in (ski_season / "calendar.csv").read_text(encoding="utf-8")
                       .splitlines()[1:] if not line.startswith("#") and not line.startswith("race,")),
                      key=lambda row: row[1])
    races = [row[0] for row in calendar]
    middle = races.index("bormio")
    following = races[middle + 1]
    page.goto("/seasons")
    page.select_option("#system", SKI)
    page.set_input_files("#results", str(ski_season / "results.csv"))
    page.set_input_files("#calendar", str(ski_season / "calendar.csv"))
    page.fill("#label", "Ski mountaineering, seed 3")
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_selector("text=Stored: every file passed the checks.")
    page.get_by_role("link", name="Standings after the last race with results").click()
    # The default: the last race with results (every race of a synthetic season has them).
    assert page.locator(".standing-at").inner_text().startswith(f"Standings after race {races[-1]}:")
    # A mid-season race, picked from the calendar.
    page.select_option("#race-pick", "bormio")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**as_of=bormio")
    assert page.locator(".standing-at").inner_text() == (
        f"Standings after race bormio: {calendar[middle][2]}, {calendar[middle][1]} ({middle + 1} of {len(races)} "
        "races with results)")
    assert "wch-sprint-M" in page.locator("#season-warnings").inner_text()  # the World Championship comes later
    assert page.locator("#sprint-ranking-M tr.cut").count() == 1
    page.shoot("13-season-standings")
    page.shoot("13b-season-standings-top", full=False)
    # Step to the next race.
    page.locator("#next-race").click()
    page.wait_for_url(f"**as_of={following}")
    assert page.locator(".standing-at").inner_text().startswith(f"Standings after race {following}:")
    assert page.locator("#season-warnings").count() == 0  # the World Championship lists are filled now
    page.shoot("14-season-standings-next", full=False)
    # What changed from bormio to the next race.
    page.locator("#changes-link").click()
    page.wait_for_selector("#diff-header")
    header = page.locator("#diff-header").inner_text()
    assert header.startswith(f"Changes from race bormio ({calendar[middle][2]}, {calendar[middle][1]}) to race "
                             f"{following}")
    first = page.locator("#changes tbody.noc-changes").first
    assert first.locator("ul.causes li").count() >= 1
    page.shoot("15-season-changes")
    # An NOC at that race, from the changes.
    noc = first.get_attribute("data-noc")
    first.locator("th.nation a").first.click()
    page.wait_for_url(f"**/nocs/{noc}?*as_of={following}")
    assert page.locator(".standing-at").inner_text().startswith(f"Standings after race {following}:")
    assert page.locator("#noc-title").inner_text().endswith(noc)
    page.shoot("16-season-noc")
    # The season race by race, with the NOC's progression.
    page.get_by_role("link", name="Timeline").click()
    assert page.locator("#calendar tbody tr").count() == len(races)
    page.locator(f'#grid tr[data-noc="{noc}"] th a').click()
    page.wait_for_selector("#noc-progress")
    assert page.locator("svg.chart.progression").count() >= 2
    page.shoot("17-season-timeline")
