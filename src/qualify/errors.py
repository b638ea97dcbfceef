"""The error types the command line turns into one line each.

Every failure caused by the user's files (data, rule files, declines, published tables, output paths) is an
``InputError``: exit code 2. An allocation that breaks its own rules (a cap, a quota, an event maximum, the
neutral limit or the athlete ceiling, found by the audit after a step) is an ``AuditError``: exit code 3, a rule
or engine inconsistency. Anything else is a bug.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

# Characters a terminal shows as nothing or as a plain space: control and format characters (zero-width space,
# BOM, soft hyphen...), separators other than the ASCII space (no-break space...), surrogates and unassigned.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def visible(text: str) -> str:
    """``text`` with every invisible character written as an escape (``\\u00a0``), so a message shows it."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for char in text:
        if char == " " or unicodedata.category(char) not in _INVISIBLE:
            out.append(char)
        elif char in _NAMED:
            out.append(_NAMED[char])
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as the input allows."""

    source: str
    message: str
    row: int | None = None
    field: str | None = None
    key_path: str | None = None

    def line(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.key_path:
            where.append(self.key_path)
        if self.field:
            where.append(f"field '{self.field}'")
        return visible(f"{', '.join(where)}: {self.message}")


@dataclass
class InputError(Exception):
    """One or more problems with the user's input; nothing was allocated or written."""

    problems: list[Problem] = field(default_factory=list)

    MAX_REPORTED = 20
    EXIT_CODE = 2

    def __post_init__(self) -> None:
        super().__init__(self.lines()[0] if self.problems else "invalid input")

    @classmethod
    def single(cls, source: str, message: str, *, row: int | None = None, field: str | None = None,
               key_path: str | None = None) -> InputError:
        return cls([Problem(source, message, row=row, field=field, key_path=key_path)])

    def lines(self) -> list[str]:
        shown = [p.line() for p in self.problems[: self.MAX_REPORTED]]
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            shown.append(f"... and {hidden} more problem(s) not shown")
        return shown

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass(frozen=True)
class Breach:
    """A rule the places break: which step made them, which rule (cap, quota, maximum...) and its clause."""

    step: str
    rule: str
    clause: str
    message: str

    def line(self) -> str:
        when = "in the given places" if self.step == "given" else f"after step '{self.step}'"
        return visible(f"audit: {when}, {self.rule} is broken: {self.message} [{self.clause}]")


@dataclass
class AuditError(Exception):
    """The allocation breaks its own rules: a rule-file or engine inconsistency, never a result to show."""

    breaches: list[Breach] = field(default_factory=list)

    EXIT_CODE = 3

    def __post_init__(self) -> None:
        super().__init__(self.lines()[0] if self.breaches else "audit failed")

    def lines(self) -> list[str]:
        shown = [b.line() for b in self.breaches[: InputError.MAX_REPORTED]]
        hidden = len(self.breaches) - len(shown)
        if hidden > 0:
            shown.append(f"... and {hidden} more breach(es) not shown")
        return shown

    def __str__(self) -> str:
        return "\n".join(self.lines())
