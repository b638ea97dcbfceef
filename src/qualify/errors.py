"""The one error type that input problems may raise.

Every failure caused by the user's files (data, rule files, declines, published tables) is an
``InputError``. The CLI prints each as one line and exits with code 2; anything else is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
        return f"{', '.join(where)}: {self.message}"


@dataclass
class InputError(Exception):
    """One or more problems with the user's input; nothing was allocated or written."""

    problems: list[Problem] = field(default_factory=list)

    MAX_REPORTED = 20

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
