"""The pages, read as a person reads them, against values worked out from the published tables and the seed."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA, read_published
from tests.web.pages_helpers import tables

SKI = "ski-mountaineering-2026"
SHORT = "short-track-2026"


def _summary_by_noc(client, system: str, query: str = "") -> tuple[list[list[str]], dict[str, list[str]]]:
    page = client.get(f"/systems/{system}{query}")
    assert page.status_code == 200
    table = tables(page.text)["summary"]
    pattern = r'<tr data-noc="([^"]+)">\s*<th scope="row" class="nation"><a [^>]*>([^<]+)</a>'
    links = dict(re.findall(pattern, page.text))
    rows = {code: next(r for r in table if r and r[0] == name) for code, name in links.items()}
    return table, rows


def test_home_lists_both_systems(shared_client):
    page = shared_client.get("/")
    assert page.status_code == 200
    systems = tables(page.text)["systems"]
    ids = [row[0] for row in systems[1:]]
    assert ids == [SHORT, SKI]
    # 112 athletes (the short-track ceiling), 36 in ski mountaineering (18 + 18): from the seeds.
    assert [row[4] for row in systems[1:]] == ["112", "36"]


def test_ski_mountaineering_summary_matches_the_published_table(shared_client):
    table, rows = _summary_by_noc(shared_client, SKI)
    assert table[0] == ["Nation", "Men's Quotas", "Women's Quotas", "Athletes"]
    published = read_published(DATA / SKI / "published" / "summary.csv")
    assert sorted(rows) == sorted(r["noc"] for r in published)
    for expected in published:
        assert rows[expected["noc"]][1:] == [expected["men"], expected["women"], expected["athletes"]]
    # The seed's total row: "Total: 14 NOCs | 18 | 18 | 36".
    assert table[-1] == ["Total: 14 NOCs", "18", "18", "36"]


def test_short_track_summary_has_the_published_grouped_header_and_struck_values(shared_client):
    table, rows = _summary_by_noc(shared_client, SHORT)
    # The seed's two header rows: Nation | Men | Women | Mixed | Athletes, then the per-gender columns.
    assert table[0] == ["Nation", "Men", "Women", "Mixed", "Athletes"]
    assert table[1] == ["500m", "1000m", "1500m", "Relay", "total"] * 2
    published = {r["noc"]: r for r in read_published(DATA / SHORT / "published" / "summary.csv")}
    keys = ["m_500m", "m_1000m", "m_1500m", "m_relay", "m_total", "w_500m", "w_1000m", "w_1500m", "w_relay",
            "w_total", "mixed", "athletes"]
    marks = {"m_relay", "w_relay", "mixed"}
    struck = {(r["noc"], r["column"]): r["before"] for r in read_published(DATA / SHORT / "published" / "struck.csv")}
    for code, expected in published.items():
        shown = []
        for key in keys:
            value = expected[key]
            text = ("X" if value == "1" else "") if key in marks else value
            if (code, key) in struck:
                text = f"~~{struck[(code, key)]}~~ {text}"
            shown.append(text)
        # The seed does not strike athlete counts; the app shows the count before the declines as well.
        shown_now = [re.sub(r"^~~\d+~~ ", "", c) if k == "athletes" else c
                     for k, c in zip(keys, rows[code][1:], strict=True)]
        assert shown_now == shown, code
    # The seed's total row, with the three declined places struck: 36 -> 35; 115 allocated -> 112 athletes.
    assert table[-1] == ["Total: 24 NOCs", "32", "32", "~~36~~ 35", "8", "~~58~~ 57", "~~32~~ 31", "~~32~~ 31",
                         "36", "8", "~~57~~ 55", "12", "~~115~~ 112"]


def test_breakdown_shows_the_published_pathways(shared_client):
    page = shared_client.get(f"/systems/{SKI}")
    found = tables(page.text)
    relay = next(t for t in found.values() if t and t[0] == ["Pathway", "Places", "Nations (rank)"])
    by_label = {row[0]: row[1:] for row in relay}
    # The seed's Breakdown: host 1, World Championship 2, Americas/Asia/Oceania 1 each, 6 remaining, total 12.
    assert by_label["Host"] == ["1", "Italy"]
    assert by_label["2025 ISMF World Championship"] == ["2", "France (1), Spain (2)"]
    assert by_label["Americas"][0] == by_label["Asia"][0] == by_label["Oceania"][0] == "1"
    assert by_label["Remaining quotas"][0] == "6"
    assert by_label["Total"][0] == "12"


def test_ranking_lists_draw_the_cut_line_and_the_next_in_line(shared_client):
    page = shared_client.get(f"/systems/{SKI}/lists")
    assert page.status_code == 200
    section = page.text.split('id="sprint-ranking-M"')[1].split("</section>")[0]
    # Four places from the men's Sprint Ranking List go to ranks 1-4 (no NOC over two men): the cut is at
    # rank 4, 282 points (seed), and ranks 5-10 are next in line, short of the cut by 282 - their points.
    assert "cut at rank 4, 282 points" in section
    rows = tables(section)
    body = next(iter(rows.values()))[1:]
    assert [r[0] for r in body] == [str(n) for n in range(1, 11)]
    assert all(r[4].startswith("place") for r in body[:4])
    behind = {r[2]: r[4] for r in body[4:]}
    for athlete, points, number in [("Rocco Baldini", 261, 1), ("Andreas Mayer", 240, 2), ("Finn Hösch", 222, 3),
                                    ("Oriol Olm Rouppert", 200, 4), ("Tokutaro Shima", 137, 5),
                                    ("Zhang Chenghao", 137, 6)]:
        assert f"next in line #{number} · {282 - points} behind" in behind[athlete]
    assert re.search(r'<tr class="place cut">\s*<td class="num">4</td>', section)
    assert "<svg" in section and "cut: 282" in section


def test_noc_page_tells_places_and_the_closest_miss(shared_client):
    page = shared_client.get(f"/systems/{SKI}/nocs/ita")  # codes are case-insensitive
    assert page.status_code == 200
    men = page.text.split('id="story-M"')[1].split("</section>")[0]
    women = page.text.split('id="story-W"')[1].split("</section>")[0]
    # Italy: the host's man and woman; Giulia Murada is 2nd on the women's Sprint Ranking List (seed).
    assert "Italy holds a men&#39;s athlete quota place through “Host”" in men
    assert "Giulia Murada holds a women&#39;s athlete quota place" in women and "rank 2" in women
    # Rocco Baldini is 5th on the men's list, one below the cut at rank 4 (Hans-Inge Klette, Norway).
    closest = men.split('class="closest"')[1].split("</li>")[0]
    assert "Rocco Baldini at rank 5" in closest and "Hans-Inge Klette (NOR)" in closest


def test_noc_without_places_says_so(shared_client):
    page = shared_client.get(f"/systems/{SKI}/nocs/BEL")
    women = page.text.split('id="story-W"')[1].split("</section>")[0]
    assert "Belgium appears on no list that awards a women&#39;s place." in women


def test_what_if_a_declined_place_is_reallocated_and_highlighted(shared_client):
    page = shared_client.get(f"/systems/{SKI}/whatif", params={"decline": "BEL:M"})
    assert page.status_code == 200
    # Drion's place goes down the men's Sprint Ranking List: SUI (rank 1) and NOR (4) already have two men,
    # Filippov (3) holds his own place, so rank 5, Rocco Baldini of Italy, gets it.
    gained = page.text.split("<h3>Reallocated to</h3>")[1].split("</ul>")[0]
    assert "Rocco Baldini" in gained and "Italy" in gained and "from BEL" in gained
    rows = re.findall(r'<tr data-noc="([A-Z]+)">(.*?)</tr>', page.text, re.S)
    changed = {(noc, column) for noc, body in rows
               for column in re.findall(r'data-column="(\w+)" class="[^"]*changed', body)}
    assert changed == {("BEL", "men"), ("BEL", "athletes"), ("ITA", "men"), ("ITA", "athletes")}
    assert "4 Summary cells changed" in page.text


def test_what_if_with_a_decline_that_cannot_apply_shows_the_problem(shared_client):
    page = shared_client.get(f"/systems/{SKI}/whatif", params={"decline": "BEL:W"})
    assert page.status_code == 422
    assert "BEL holds no women" in page.text


def test_decline_options_cover_held_places_only(shared_client):
    page = shared_client.get(f"/systems/{SHORT}/whatif")
    values = set(re.findall(r'<option value="([^"]+)">', page.text))
    assert "GBR:M:M-500m" in values and "CAN:W:W-relay" in values
    assert "CAN:X:X-mixed-relay" in values  # a mixed team can be declined too
    assert not any(v.endswith(":athletes") for v in values)  # derived athlete numbers are not places to give up


@pytest.mark.parametrize("path, status", [
    ("/systems/no-such-system", 404),
    ("/systems/..%2F..%2Fetc%2Fpasswd", 404),
    ("/systems/src%2Fqualify%2Fsystems%2Fshort-track-2026.yaml", 404),
    (f"/systems/{SKI}/nocs/XYZ", 404),
    (f"/systems/{SKI}?season=99", 404),
    (f"/systems/{SKI}?season=-1", 422),
    (f"/systems/{SKI}?decline=nonsense", 422),
    ("/seasons/12345", 404),
])
def test_bad_requests_get_a_clear_page_not_a_server_error(shared_client, path, status):
    page = shared_client.get(path)
    assert page.status_code == status
    assert "Traceback" not in page.text


def test_pages_carry_no_third_party_assets(shared_client):
    for path in ("/", f"/systems/{SHORT}", f"/systems/{SKI}/lists", "/seasons", "/api"):
        page = shared_client.get(path)
        assert not re.search(r'(src|href)="(https?:)?//', page.text), path
        assert "default-src 'self'" in page.headers["content-security-policy"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(declines=st.lists(st.text(max_size=30), max_size=3), noc=st.text(min_size=1, max_size=12),
       season=st.integers(min_value=-3, max_value=2**40))
def test_pages_never_fail_on_odd_queries(shared_client, declines, noc, season):
    for path in (f"/systems/{SKI}/whatif", f"/systems/{SKI}", f"/systems/{SHORT}/lists"):
        page = shared_client.get(path, params={"decline": declines, "season": season})
        assert page.status_code in (200, 404, 422)
    page = shared_client.get(f"/systems/{SKI}/noc", params={"noc": noc}, follow_redirects=False)
    assert page.status_code in (303, 404, 422)
