"""Checks across files and of options against their system, on copies of the bundled data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualify.errors import InputError
from qualify.io.crosscheck import check_options
from qualify.io.inputs import load_inputs
from qualify.model.nocs import load_nocs
from qualify.rules import load_system
from tests.conftest import DATA

SKI = load_system("ski-mountaineering-2026")
ST = load_system("short-track-2026")
NOCS = load_nocs()


def errors(call) -> list[str]:
    with pytest.raises(InputError) as caught:
        call()
    return caught.value.lines()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA / "ski-mountaineering-2026", target)
    return target


def test_eligibility_results_in_another_gender_or_noc_than_the_lists(data):
    (data / "eligibility_results.csv").write_text(
        "race,category,gender,athlete,noc,rank,starters\n"
        "Courchevel,senior,W,Jon Kistler,SUI,1,40\n"       # a man on the men's lists, raced as a woman here
        "Courchevel,senior,M,Maximilien Drion,FRA,2,40\n",  # Belgian on the lists, French here
        encoding="utf-8")
    assert errors(lambda: load_inputs(SKI, data, NOCS)) == [
        f"{data / 'eligibility_results.csv'}, row 2, field 'gender': athlete 'Jon Kistler' raced as W here but is "
        f"on the men's list ({data / 'wch2025_sprint_men.csv'}, row 4): expected the same gender in every file",
        f"{data / 'eligibility_results.csv'}, row 3, field 'noc': athlete 'Maximilien Drion' raced for FRA here but "
        f"is listed for BEL ({data / 'sprint_ranking_men.csv'}, row 3): expected one NOC per athlete"]


def test_the_unchanged_copy_passes_the_cross_checks(data):
    assert len(load_inputs(SKI, data, NOCS).lists) == 6


def test_places_only_where_the_walks_grant_event_places(tmp_path):
    # Ski mountaineering's walks grant athlete quotas with no event: a published Summary cannot stand in for them.
    assert errors(lambda: check_options(SKI, places=tmp_path / "summary.csv")) == [
        "--places: the ranking walks of ski-mountaineering-2026 grant athlete quotas that belong to no event column, "
        "so a published Summary cannot stand in for them; expected --data DIR with the ranking lists, or --season DIR"]
    check_options(ST, places=tmp_path / "summary.csv")
    check_options(SKI)
