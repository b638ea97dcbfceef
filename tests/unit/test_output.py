"""Safe outputs: the format from the extension, never onto an input, permissions from the umask, clean errors."""

from __future__ import annotations

import os
import stat
import tempfile
from importlib import resources
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from qualify.cli import app
from qualify.errors import InputError
from qualify.io.inputs import bundled_data_dir
from qualify.io.output import check_output_path, choose_format, write_output
from qualify.io.writers import FORMATS


def error(call) -> list[str]:
    with pytest.raises(InputError) as caught:
        call()
    return caught.value.lines()


@pytest.mark.parametrize(("name", "fmt"), [("a.xlsx", "xlsx"), ("a.JSON", "json"), ("a.csv", "csv"),
                                           ("a.md", "markdown"), ("a.wiki", "wikitext"), ("a.mediawiki", "wikitext")])
def test_the_format_comes_from_the_extension(name, fmt):
    assert choose_format(None, Path(name), FORMATS) == fmt


def test_an_explicit_format_must_agree_with_a_known_extension():
    assert choose_format("wikitext", Path("a.txt"), FORMATS) == "wikitext"  # .txt names no format: the user's choice
    assert choose_format("table", Path("a.md"), FORMATS) == "table"  # a table written to a file is Markdown
    assert error(lambda: choose_format("json", Path("a.csv"), FORMATS)) == [
        "--output a.csv: --format json does not match '.csv', the extension of a CSV file; expected --format csv, "
        "or no --format"]
    assert error(lambda: choose_format(None, Path("a.txt"), FORMATS)) == [
        "--output a.txt: cannot tell the format from extension '.txt', expected one of .csv, .json, .markdown, .md, "
        ".mediawiki, .wiki, .wikitext, .xlsx or --format FORMAT"]
    assert choose_format(None, None, FORMATS) == "table"


def test_written_files_get_the_umask_permissions_not_those_of_a_temporary_file(tmp_path):
    old = os.umask(0o027)
    try:
        write_output(tmp_path / "a.md", "text\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.md").stat().st_mode) == 0o640
    # A file that is replaced keeps its own permissions.
    (tmp_path / "b.md").write_text("old\n", encoding="utf-8")
    (tmp_path / "b.md").chmod(0o604)
    write_output(tmp_path / "b.md", "new\n")
    assert stat.S_IMODE((tmp_path / "b.md").stat().st_mode) == 0o604
    assert (tmp_path / "b.md").read_text(encoding="utf-8") == "new\n"


def test_an_input_is_never_an_output_whatever_the_path_says(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    rules = tmp_path / "rules.yaml"
    rules.write_text("id: x\n", encoding="utf-8")
    (data / "list.csv").write_text("rank,noc\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(rules)
    os.link(rules, tmp_path / "hard.yaml")
    for target in (rules, tmp_path / "link.yaml", tmp_path / "hard.yaml", tmp_path / "data" / ".." / "rules.yaml"):
        with pytest.raises(InputError) as caught:
            check_output_path(target, [rules, data])
        assert "which this run reads" in caught.value.lines()[0], target
    with pytest.raises(InputError) as caught:
        check_output_path(data / "list.csv", [rules, data])
    assert f"is inside {data.resolve()}, a folder this run reads" in caught.value.lines()[0]
    check_output_path(data / "new.md", [rules, data])  # a new file beside the inputs overwrites nothing
    check_output_path(tmp_path / "out.md", [rules, data])
    assert rules.read_text(encoding="utf-8") == "id: x\n"


def test_a_folder_that_cannot_be_written_is_one_clean_line(tmp_path, monkeypatch):
    # Tests run as root here, for whom a read-only folder is writable: the refusal is simulated where it happens.
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert error(lambda: write_output(tmp_path / "a.md", "x")) == [
        f"--output {tmp_path / 'a.md'}: cannot write in folder '{tmp_path}' (Permission denied), expected a folder "
        "you may write to"]
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_temporary_file_and_the_old_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "a.md"
    target.write_text("old\n", encoding="utf-8")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full_disk)
    assert error(lambda: write_output(target, "new\n")) == [
        f"--output {target}: cannot write the file (No space left on device)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]
    assert target.read_text(encoding="utf-8") == "old\n"


def test_allocate_output_xlsx_without_format_writes_a_workbook(tmp_path):
    out = tmp_path / "allocation.xlsx"
    result = CliRunner(env={"COLUMNS": "250"}).invoke(app, ["allocate", "ski-mountaineering-2026", "--output",
                                                            str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"wrote {out} (xlsx)"
    assert load_workbook(out).sheetnames == ["Summary", "Breakdown", "Places", "Decisions"]


def test_allocate_refuses_the_bundled_rule_file_and_data_as_outputs():
    # The inputs as this installation reads them (in a plain install the bundled data is the package's copy, not
    # the repository's data/ folder). Should the refusal ever fail, the files are put back.
    runner = CliRunner(env={"COLUMNS": "250"})
    men = bundled_data_dir("ski-mountaineering-2026") / "sprint_ranking_men.csv"
    rules = Path(str(resources.files("qualify.systems").joinpath("ski-mountaineering-2026.yaml")))
    for target in (men, rules):
        before = target.read_bytes()
        try:
            result = runner.invoke(app, ["allocate", "ski-mountaineering-2026", "--format", "csv", "--output",
                                         str(target)])
            assert result.exit_code == 2, result.output
            assert "which this run reads" in result.stderr or "a folder this run reads" in result.stderr
        finally:
            if target.read_bytes() != before:
                target.write_bytes(before)
                pytest.fail(f"{target} was overwritten")
