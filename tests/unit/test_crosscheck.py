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


def test_options_that_do_not_apply_are_refused_together(tmp_path):
    assert errors(lambda: check_options(SKI, results=tmp_path, points=tmp_path / "p.csv")) == [
        "--results: ski-mountaineering-2026 reads its ranking lists from files (inputs: lists), so --results does not "
        "apply; expected --data DIR with the list files",
        "--points: ski-mountaineering-2026 reads its ranking lists from files (inputs: lists), so --points does not "
        "apply; expected --data DIR with the list files"]
    assert errors(lambda: check_options(ST, data=tmp_path, results=tmp_path)) == [
        "--data: short-track-2026 computes its lists from stage results: give --results DIR (or --data DIR), not both"]
    assert errors(lambda: check_options(ST, data=tmp_path, places=tmp_path / "summary.csv")) == [
        "--data: not read with --places (the places come from the published table); expected --results DIR for the "
        "ranking order, or neither"]
    check_options(ST, results=tmp_path, places=tmp_path / "summary.csv")
    check_options(SKI, data=tmp_path)
