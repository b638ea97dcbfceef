"""Writing an output file safely: the one function the command line uses for ``--output``.

* An input is never overwritten: the target may not be (the same file as) a file the run reads, nor an existing
  file inside a folder the run reads (``--data``, ``--results``, the bundled data), resolved through symlinks and
  hard links.
* Nothing is created silently: a missing folder is an error naming it (create it yourself); the target must be a
  file path, not a folder, and no part of the path may be a file.
* The write is atomic: a temporary file in the target's folder, renamed over the target once complete, so a
  failed run leaves an existing file as it was. The file gets the permissions a new file gets from the umask (or
  keeps those of the file it replaces), not the 0600 of a temporary file.
* The format is told by the extension when ``--format`` is not given; a ``--format`` that contradicts the
  extension is refused (``--format markdown --output x.xlsx`` would write text into a workbook).

Every problem is one :class:`InputError` line (exit code 2) and nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from qualify.errors import InputError

# What each extension holds. "table" (the terminal table) written to a file is Markdown, so .md takes either.
EXTENSIONS: dict[str, str] = {".csv": "csv", ".json": "json", ".md": "markdown", ".markdown": "markdown",
                              ".wiki": "wikitext", ".wikitext": "wikitext", ".mediawiki": "wikitext",
                              ".xlsx": "xlsx"}
SAME_CONTENT = {("table", "markdown")}
_LABELS = {"csv": "a CSV", "json": "a JSON", "markdown": "a Markdown", "wikitext": "a wikitext",
           "xlsx": "an Excel (xlsx)"}


def _source(path: Path) -> str:
    return f"--output {path}"


def choose_format(fmt: str | None, output: Path | None, formats: Iterable[str]) -> str:
    """The format to write: ``--format`` if given, else the one the output's extension names, else a table."""
    known = list(formats)
    if output is not None and output.is_dir():
        raise InputError.single(_source(output), "is a folder, expected a file path")
    if fmt is not None and fmt not in known:
        raise InputError.single("--format", f"found '{fmt}', expected one of {', '.join(known)}")
    if output is None:
        if fmt == "xlsx":
            raise InputError.single("--format", "xlsx is a binary workbook: expected --output FILE.xlsx as well")
        return fmt or "table"
    by_extension = EXTENSIONS.get(output.suffix.lower())
    if fmt is None:
        if by_extension is None:
            shown = f"extension '{output.suffix}'" if output.suffix else "no extension"
            raise InputError.single(_source(output), f"cannot tell the format from {shown}, expected one of "
                                                     f"{', '.join(sorted(EXTENSIONS))} or --format FORMAT")
        return by_extension
    if by_extension is not None and by_extension != fmt and (fmt, by_extension) not in SAME_CONTENT:
        raise InputError.single(_source(output), f"--format {fmt} does not match '{output.suffix}', the extension "
                                                 f"of {_LABELS[by_extension]} file; expected --format {by_extension}, "
                                                 "or no --format")
    return fmt


def check_output_path(path: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse a target that is an input, a folder, below a file, or in a folder that does not exist."""
    source = _source(path)
    if path.is_dir():
        raise InputError.single(source, "is a folder, expected a file path")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        for ancestor in [parent, *parent.parents]:
            if ancestor.exists() and not ancestor.is_dir():
                raise InputError.single(source, f"'{ancestor}' is a file, expected a folder to write into")
        raise InputError.single(source, f"folder '{parent}' does not exist, expected an existing folder (create it "
                                        "first: nothing is created silently)")
    if not parent.is_dir():
        raise InputError.single(source, f"'{parent}' is a file, expected a folder to write into")
    target = path.resolve()
    for given in inputs:
        if _is_input(target, path, given):
            what = f"inside {given.resolve()}, a folder this run reads" if given.resolve().is_dir() else \
                f"the same file as {given}, which this run reads"
            raise InputError.single(source, f"is {what}; expected a new file or an earlier output: inputs are never "
                                            "overwritten")


def _is_input(target: Path, path: Path, given: Path) -> bool:
    source = given.resolve()
    if source.is_dir():
        # A file the folder holds may be read (lists, results, struck values, the synthetic-data marker).
        return target.is_relative_to(source) and path.exists()
    if target == source:
        return True
    try:
        return path.exists() and given.exists() and os.path.samefile(path, given)  # hard links
    except OSError:
        return False


def _new_file_mode(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o7777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_output(path: Path, content: str | bytes, inputs: Iterable[Path] = ()) -> None:
    """Write ``content`` to ``path`` whole or not at all, after :func:`check_output_path`."""
    check_output_path(path, inputs)
    data = content.encode("utf-8") if isinstance(content, str) else content
    mode = _new_file_mode(path)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError.single(_source(path), f"cannot write in folder '{path.parent}' ({exc.strerror}), expected a "
                                               "folder you may write to") from None
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            os.fchmod(temp.fileno(), mode)
        os.replace(temp_name, path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise InputError.single(_source(path), f"cannot write the file ({exc.strerror})") from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
