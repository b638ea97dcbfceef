"""One place where a step type is registered, and the guides' examples are true."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import qualify.engine.allocate  # noqa: F401  (imports every runner)
from qualify.engine import allocate
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import STEP_TYPES, load_system_file, parse_system
from tests.conftest import REPO

SRC = REPO / "src" / "qualify"


def test_every_registered_step_type_has_a_runner():
    assert sorted(STEP_TYPES) == ["additional_athlete", "athlete_quota", "continental_best", "host_guarantee",
                                  "ranking_walk", "reallocate", "team_completion"]
    assert [name for name, record in STEP_TYPES.items() if record.runner is None] == []


def test_no_step_type_name_is_written_outside_its_model():
    quoted = re.compile("[\"'](" + "|".join(STEP_TYPES) + ")[\"']")
    found = [f"{path.relative_to(SRC)}:{number}" for path in SRC.rglob("*.py") if path.name != "steps.py"
             or path.parent.name != "rules"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if quoted.search(line)]
    assert found == []


def guide_blocks() -> list[str]:
    text = (REPO / "docs" / "rule-files.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)


def test_the_complete_rule_file_of_the_guide_loads(tmp_path):
    [complete] = [block for block in guide_blocks() if block.startswith("id:")]
    path = tmp_path / "demo.yaml"
    path.write_text(complete, encoding="utf-8")
    system = load_system_file(path)
    assert [step.id for step in system.steps] == ["host", "men", "women"]


def test_every_step_snippet_of_the_guide_is_a_valid_step():
    snippets = [yaml.safe_load(block) for block in guide_blocks() if block.startswith("- ")]
    steps = [item for snippet in snippets for item in snippet if isinstance(item, dict) and "type" in item]
    assert {step["type"] for step in steps} == set(STEP_TYPES) - {"athlete_quota"}


def test_the_guides_ranking_walk_example():
    # docs/rule-files.md, ranking_walk: cap 2 per NOC and gender, ITA holding the host man, take 3.
    complete = next(block for block in guide_blocks() if block.startswith("id:"))
    document = yaml.safe_load(complete)
    document["steps"][1]["take"] = 3
    del document["steps"][1]["until_full"]
    document["steps"] = document["steps"][:2]
    document["steps"][0]["grant"] = [{"gender": "M"}]
    document["summary"] = [column for column in document["summary"] if column["key"] != "women"]
    system = parse_system(document, "guide")
    rows = [(1, "Rossi", "ITA"), (2, "Bianchi", "ITA"), (3, "Dupont", "FRA"), (4, "Martin", "FRA"),
            (5, "Keller", "SUI")]
    men = RankingList(id="men", title="Men's ranking", gender=Gender.MEN, entries=tuple(
        RankingEntry(rank=rank, athlete=name, noc=noc, points=float(100 - rank)) for rank, name, noc in rows))
    women = RankingList(id="women", title="Women's ranking", gender=Gender.WOMEN, entries=())
    allocation = allocate(system, {"men": men, "women": women}, nocs=load_nocs())
    assert [(p.noc, p.athlete) for p in allocation.active_places()] == [
        ("ITA", None), ("ITA", "Rossi"), ("FRA", "Dupont"), ("FRA", "Martin")]
    assert {(d.athlete, d.reason.value) for d in allocation.decisions} == {("Bianchi", "cap reached"),
                                                                           ("Keller", "quota full")}


def test_the_guides_name_only_files_that_exist():
    for guide in ("rule-files.md", "adding-a-step-type.md"):
        text = (REPO / "docs" / guide).read_text(encoding="utf-8")
        for name in re.findall(r"`((?:src|tests|docs|data)/[\w./-]+)`", text):
            assert (REPO / name).exists() or (REPO / name.rstrip("/")).exists(), (guide, name)
    assert Path(REPO / "docs" / "adding-a-step-type.md").exists()
