"""Rule files: a broken copy of the bundled ski mountaineering YAML gives one located, readable error line."""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path

import pytest
import yaml

from qualify.errors import InputError
from qualify.rules import bundled_system_ids, load_system, load_system_file

STEP_TYPES = ("continental_best", "host_guarantee", "ranking_walk", "reallocate")
LISTS = "wch-mixed-relay, mixed-relay-ranking, wch-sprint-M, wch-sprint-W, sprint-ranking-M, sprint-ranking-W"


@pytest.fixture(scope="module")
def original_text() -> str:
    return resources.files("qualify.systems").joinpath("ski-mountaineering-2026.yaml").read_text(encoding="utf-8")


@pytest.fixture
def document(original_text: str) -> dict:
    return copy.deepcopy(yaml.safe_load(original_text))


def step_index(document: dict, step_id: str) -> int:
    return [step["id"] for step in document["steps"]].index(step_id)


def write(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def error_lines(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_system_file(path)
    return caught.value.lines()


def test_the_unmodified_copy_loads(tmp_path, document):
    # Guards the tests below: the only thing wrong with each copy is the change it makes.
    system = load_system_file(write(tmp_path, document))
    assert system.id == "ski-mountaineering-2026" and system.total_places == 36


def test_unknown_top_level_key_is_named(tmp_path, document):
    document["colour"] = "red"
    path = write(tmp_path, document)
    assert error_lines(path) == [f"{path}, colour: unknown key 'colour'"]


def test_unknown_key_inside_a_step_is_named_with_its_step(tmp_path, document):
    index = step_index(document, "relay-ranking")
    document["steps"][index]["takes"] = 3  # a misspelt 'take'
    path = write(tmp_path, document)
    assert error_lines(path) == [f"{path}, steps[{index}].takes: unknown key 'takes'"]


def test_unknown_key_inside_a_reallocation_rule(tmp_path, document):
    index = step_index(document, "reallocation")
    document["steps"][index]["rules"][0]["continents"] = ["Europe"]  # the walk filter is 'continent'
    path = write(tmp_path, document)
    assert error_lines(path) == [f"{path}, steps[{index}].rules[0].continents: unknown key 'continents'"]


def test_unknown_step_type(tmp_path, document):
    index = step_index(document, "wch-mixed-relay")
    document["steps"][index]["type"] = "random_draw"
    path = write(tmp_path, document)
    [line] = error_lines(path)
    prefix = f"{path}, steps[{index}]: unknown step type 'random_draw', expected one of "
    assert line.startswith(prefix)
    # The accepted types are listed in order; the four this system uses must be among them (the engine may
    # grow more).
    listed = line.removeprefix(prefix).split(", ")
    assert listed == sorted(listed)
    assert set(STEP_TYPES) <= set(listed)


def test_step_using_an_unknown_list(tmp_path, document):
    index = step_index(document, "relay-ranking")
    document["steps"][index]["list"] = "no-such-list"
    path = write(tmp_path, document)
    # The key path names the value to fix, and the known lists are listed.
    assert error_lines(path) == [f"{path}, steps[{index}].list: unknown list 'no-such-list', expected one of {LISTS}"]


def test_ranking_walk_with_two_stop_rules(tmp_path, document):
    index = step_index(document, "relay-ranking")
    document["steps"][index]["until_full"] = True  # it already has until_nocs: 12
    path = write(tmp_path, document)
    [line] = error_lines(path)
    assert line.startswith(f"{path}, steps[{index}]: ")
    assert line.endswith("give exactly one of take, until_nocs, until_full")


@pytest.mark.parametrize("broken", ["unknown list", "two stop rules"])
def test_validator_messages_carry_no_pydantic_prefix(tmp_path, document, broken):
    index = step_index(document, "relay-ranking")
    if broken == "unknown list":
        document["steps"][index]["list"] = "no-such-list"
    else:
        document["steps"][index]["until_full"] = True
    path = write(tmp_path, document)
    expected = {
        "unknown list": f"{path}, steps[{index}].list: unknown list 'no-such-list', expected one of {LISTS}",
        "two stop rules": f"{path}, steps[{index}]: give exactly one of take, until_nocs, until_full",
    }[broken]
    assert error_lines(path) == [expected]


def test_invalid_yaml_names_the_row(tmp_path, original_text):
    lines = original_text.splitlines()
    host_row = lines.index("host: ITA")  # 0-based, so the inserted line is row host_row + 2
    lines.insert(host_row + 1, "  colour: red")
    path = tmp_path / "rules.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # "host: ITA" followed by an indented "colour: red": a mapping cannot start inside the scalar ITA.
    assert error_lines(path) == [f"{path}, row {host_row + 2}: not valid YAML (mapping values are not allowed here)"]


def test_a_rule_file_must_be_a_mapping(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("- host\n- steps\n", encoding="utf-8")
    assert error_lines(path) == [f"{path}: a rule file must be a mapping of keys to values"]


def test_a_missing_rule_file(tmp_path):
    path = tmp_path / "absent.yaml"
    assert error_lines(path) == [f"{path}: cannot read rule file (No such file or directory)"]


def test_an_unknown_bundled_system():
    with pytest.raises(InputError) as caught:
        load_system("no-such-system")
    known = ", ".join(bundled_system_ids())
    assert "ski-mountaineering-2026" in bundled_system_ids()
    assert caught.value.lines() == [
        f"no-such-system: unknown system, expected one of: {known} (or a rule file path)"]


def test_load_system_reads_a_rule_file_path(tmp_path, document):
    document["edition"] = "a test copy"
    system = load_system(str(write(tmp_path, document)))
    assert system.edition == "a test copy"
