"""Loading rule files: YAML read with safe-load semantics (duplicate keys refused), validated for shape by
pydantic and for meaning by ``qualify.rules.semantics``, every problem located by key path."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from qualify.errors import InputError, Problem
from qualify.rules.schema import System
from qualify.rules.semantics import check_meaning
from qualify.rules.steps import STEP_TYPES as _STEP_TYPES


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """The same key twice in one mapping: YAML would keep the last one silently."""


class UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` (same tags, same types, nothing executed) that refuses a key given twice in a mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[object, str] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *anchor": keys written here override the merged ones, as YAML means them to
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: let the base class report it
                continue
            if first is not None:
                raise DuplicateKeyError(
                    None, None, f"duplicate key '{key}' (first at {first}), expected each key once in a mapping: "
                                "YAML would silently keep the last one", key_node.start_mark)
            mark = key_node.start_mark
            seen[key] = f"row {mark.line + 1}, column {mark.column + 1}"
        return super().construct_mapping(node, deep=deep)


def safe_load_unique(text: str) -> object:
    """``yaml.safe_load`` that refuses duplicate keys."""
    return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)


def _key_path(loc: tuple) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _found(value: object) -> str:
    """A value from the rule file as the user wrote it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = str(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"'{text}'" if isinstance(value, str) else text


_EXPECTED = {  # pydantic's wording for a wrong type, as what the rule file should hold instead
    "model_attributes_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "dict_type": "a mapping of keys to values",
    "tuple_type": "a list",
    "list_type": "a list",
}


def _message(error: Any, loc: tuple) -> list[str]:
    """One line per problem pydantic found, in the found/expected form of every other input error."""
    kind, message = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return [f"unknown key '{loc[-1]}'"]
    if kind == "missing":
        return [f"missing key '{loc[-1]}'"]
    if kind == "union_tag_invalid":
        found = error.get("input", {}).get("type") if isinstance(error.get("input"), dict) else None
        return [f"unknown step type '{found}', expected one of {', '.join(sorted(_STEP_TYPES))}"]
    if kind == "union_tag_not_found":
        return [f"missing key 'type', expected one of {', '.join(sorted(_STEP_TYPES))}"]
    if kind == "value_error":
        # A validator's own message, without pydantic's "Value error, " prefix; several are one per line.
        return str(error.get("ctx", {}).get("error", message.removeprefix("Value error, "))).splitlines()
    if kind in _EXPECTED:
        return [f"found {_found(error.get('input'))}, expected {_EXPECTED[kind]}"]
    if message.startswith("Input should be "):
        expected = message.removeprefix("Input should be ")
        if expected.startswith(("greater", "less")):
            expected = "a number " + expected
        return [f"found {_found(error.get('input'))}, expected {expected}"]
    return [message]


def parse_system(document: object, source: str) -> System:
    """A validated system: the shape (pydantic) first, then the meaning (every problem of either at once)."""
    try:
        system = System.model_validate(document)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            # Drop the discriminator tag pydantic inserts (a step type's name) from the key path.
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part in _STEP_TYPES))
            problems += [Problem(source, message, key_path=_key_path(loc) or None)
                         for message in _message(error, loc)]
        raise InputError(problems) from None
    check_meaning(system, source)
    return system


def load_system_file(path: Path) -> System:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError.single(str(path), f"cannot read rule file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError.single(str(path), "rule file is not UTF-8 text") from None
    try:
        document = safe_load_unique(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        raise InputError.single(str(path), str(exc.problem), row=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        if isinstance(exc, yaml.reader.ReaderError):  # a control character: the reader knows only its offset
            what = f"character #x{exc.character:04x} at offset {exc.position}" if isinstance(exc.character, int) \
                else "a character"
            problem: object = f"{what}: special characters are not allowed"
        else:
            problem = getattr(exc, "problem", None) or exc
        raise InputError.single(str(path), f"not valid YAML ({' '.join(str(problem).split())})", row=row) from None
    except RecursionError:
        raise InputError.single(str(path), "not valid YAML (nested too deeply), expected a rule file") from None
    if document is None:
        raise InputError.single(str(path), "empty rule file: found no keys, expected a mapping of keys to values")
    if not isinstance(document, dict):
        raise InputError.single(str(path), "a rule file must be a mapping of keys to values")
    system = parse_system(document, str(path))
    system._origin = path.resolve()
    return system


def bundled_system_ids() -> list[str]:
    folder = resources.files("qualify.systems")
    return sorted(item.name.removesuffix(".yaml") for item in folder.iterdir() if item.name.endswith(".yaml"))


def load_system(system_id_or_path: str) -> System:
    """A bundled system by id, or a rule file by path."""
    candidate = Path(system_id_or_path)
    if candidate.suffix in {".yaml", ".yml"}:
        return load_system_file(candidate)  # a missing file is reported as such, not as an unknown id
    if system_id_or_path not in bundled_system_ids():
        known = ", ".join(bundled_system_ids())
        raise InputError.single(system_id_or_path, f"unknown system, expected one of: {known} (or a rule file path)")
    resource = resources.files("qualify.systems").joinpath(f"{system_id_or_path}.yaml")
    with resources.as_file(resource) as path:
        return load_system_file(path)
