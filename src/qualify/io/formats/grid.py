"""A plain-text table for the terminal that fits a width by splitting and wrapping, never by hiding.

Rich's tables fit a width by shrinking columns (to zero at worst, or to an ellipsis) and cannot span one heading
over several columns. This grid keeps every value whole:

* columns that share a ``group`` form a block under one spanning heading (the published two-row header);
* lines never exceed the width: when all blocks do not fit side by side, the table is split into several
  tables of whole blocks, each repeating the row labels (the first column, the "stub");
* only columns marked ``wrap`` (long lists of names) may take several lines per row; numbers never wrap.

When even one block cannot fit, it is shown anyway, wider than asked: a long line is better than a lost value.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Literal

from rich.cells import cell_len
from rich.text import Text

Align = Literal["left", "right", "center"]

BLOCK_SEPARATOR = " │ "
RULE_SEPARATOR = "─┼─"
COLUMN_GAP = " "


@dataclass(frozen=True)
class Column:
    label: str
    group: str | None = None
    align: Align = "right"
    wrap: bool = False
    min_width: int = 16  # the narrowest a wrapping column may get (never narrower than its label)


@dataclass(frozen=True)
class Wrapped:
    """A cell that may take several lines: items joined by ``separator``, or one item per line."""

    items: tuple[str, ...]
    separator: str = ", "
    one_per_line: bool = False

    def joined(self) -> str:
        return self.separator.join(self.items)


CellValue = Text | str | Wrapped


def _width(value: CellValue) -> int:
    """The width of a cell when nothing wraps."""
    if isinstance(value, Wrapped):
        if value.one_per_line:
            return max((cell_len(item) for item in value.items), default=0)
        return cell_len(value.joined())
    return cell_len(value.plain if isinstance(value, Text) else value)


def _as_text(value: CellValue) -> Text:
    if isinstance(value, Text):
        return value
    return Text(value.joined() if isinstance(value, Wrapped) else value)


def _fold(item: str, width: int) -> list[str]:
    """One item over as many lines as it needs, broken between words (inside a word only if it must)."""
    if cell_len(item) <= width:
        return [item]
    indent = item[: len(item) - len(item.lstrip())]
    return textwrap.wrap(item.lstrip(), width, initial_indent=indent, subsequent_indent=indent + " ",
                         break_on_hyphens=False) or [item]


def wrap_items(items: tuple[str, ...] | list[str], width: int, separator: str = ", ",
               one_per_line: bool = False) -> list[str]:
    """Pack items into lines of at most ``width`` cells, breaking between items where possible.

    The separator stays at the end of a line ("France (1)," then "Spain (2)"), so a reader sees the list goes on.
    """
    lines: list[str] = []
    current = ""
    for index, item in enumerate(items):
        if one_per_line:
            lines += _fold(item, width)
            continue
        candidate = f"{current}{separator if current else ''}{item}"
        if current and cell_len(candidate + separator.rstrip() * (index < len(items) - 1)) <= width:
            current = candidate
            continue
        if current:
            lines.append(current + separator.rstrip())
        folded = _fold(item, width)
        lines += folded[:-1]
        current = folded[-1]
    if current:
        lines.append(current)
    return lines


def _cell_lines(value: CellValue, column: Column, width: int) -> list[Text]:
    if isinstance(value, Wrapped) and column.wrap:
        return [Text(line) for line in wrap_items(value.items, width, value.separator, value.one_per_line)]
    if isinstance(value, str) and column.wrap and cell_len(value) > width:
        return [Text(line) for line in _fold(value, width)]
    return [_as_text(value)]


def _aligned(text: Text, width: int, align: Align) -> Text:
    gap = max(0, width - cell_len(text.plain))
    if align == "right":
        left = gap
    elif align == "center":
        left = gap // 2
    else:
        left = 0
    return Text(" " * left) + text + Text(" " * (gap - left))


@dataclass
class Grid:
    """A table: row labels (``stub``), columns in blocks, body rows and footer rows (totals)."""

    stub: Column
    columns: list[Column]
    rows: list[list[CellValue]]  # each: the stub cell, then one cell per column
    footer: list[list[CellValue]] = field(default_factory=list)
    title: str | None = None

    # --- measuring ---------------------------------------------------------------------------------------

    def blocks(self) -> list[list[int]]:
        """Column indexes (after the stub) in blocks: a run of columns sharing a group, or one ungrouped column."""
        blocks: list[list[int]] = []
        for index, column in enumerate(self.columns):
            previous = self.columns[index - 1].group if index else None
            if blocks and column.group is not None and column.group == previous:
                blocks[-1].append(index)
            else:
                blocks.append([index])
        return blocks

    def _cells(self, position: int) -> list[CellValue]:
        """Every cell of one column; position 0 is the stub, 1.. the columns."""
        return [row[position] for row in self.rows + self.footer]

    def _natural(self, position: int) -> int:
        column = self.stub if position == 0 else self.columns[position - 1]
        return max([cell_len(column.label)] + [_width(cell) for cell in self._cells(position)])

    def _least(self, position: int) -> int:
        column = self.stub if position == 0 else self.columns[position - 1]
        natural = self._natural(position)
        if not column.wrap:
            return natural
        return max(cell_len(column.label), min(natural, column.min_width))

    def _block_width(self, block: list[int], widths: dict[int, int]) -> int:
        inner = sum(widths[i + 1] for i in block) + cell_len(COLUMN_GAP) * (len(block) - 1)
        group = self.columns[block[0]].group
        return max(inner, cell_len(group) + 4) if group else inner

    def _width_of(self, blocks: list[list[int]], widths: dict[int, int]) -> int:
        return widths[0] + sum(cell_len(BLOCK_SEPARATOR) + self._block_width(b, widths) for b in blocks)

    def least_width(self, blocks: list[list[int]] | None = None) -> int:
        """The narrowest these blocks (all, by default) can be laid out side by side."""
        blocks = self.blocks() if blocks is None else blocks
        positions = [0] + [i + 1 for block in blocks for i in block]
        return self._width_of(blocks, {p: self._least(p) for p in positions})

    def split(self, width: int) -> list[list[list[int]]]:
        """Whole blocks packed greedily into as few side-by-side parts as fit the width (fewest parts)."""
        parts: list[list[list[int]]] = []
        for block in self.blocks():
            if parts and self.least_width(parts[-1] + [block]) <= width:
                parts[-1].append(block)
            else:
                parts.append([block])
        return parts

    # --- drawing -----------------------------------------------------------------------------------------

    def _widths(self, blocks: list[list[int]], width: int) -> dict[int, int]:
        positions = [0] + [i + 1 for block in blocks for i in block]
        widths = {p: self._natural(p) for p in positions}
        least = {p: self._least(p) for p in positions}
        # Narrow the widest wrapping column one cell at a time until the part fits (or nothing can give).
        while self._width_of(blocks, widths) > width:
            candidates = [p for p in positions if widths[p] > least[p]]
            if not candidates:
                break
            # Row labels give way last: long lists of names are the columns meant to wrap.
            widest = max(candidates, key=lambda p: (p != 0, widths[p] - least[p]))
            widths[widest] -= 1
        return widths

    def render(self, width: int) -> list[Text]:
        """The table as lines of at most ``width`` cells (unless a single block is wider), split if need be."""
        parts = [self.blocks()] if self.least_width() <= width else self.split(width)
        lines: list[Text] = []
        for number, blocks in enumerate(parts):
            if self.title:
                if number:
                    lines.append(Text(""))
                suffix = f" (part {number + 1} of {len(parts)})" if len(parts) > 1 else ""
                lines += [Text(line, style="bold") for line in wrap_items((self.title + suffix).split(" "), width,
                                                                          separator=" ")]
            lines += self._render_part(blocks, self._widths(blocks, width))
        return lines

    def _render_part(self, blocks: list[list[int]], widths: dict[int, int]) -> list[Text]:
        block_widths = [self._block_width(block, widths) for block in blocks]
        lines: list[Text] = []
        if any(self.columns[block[0]].group for block in blocks):
            heading = Text(" " * widths[0])
            for block, block_width in zip(blocks, block_widths, strict=True):
                group = self.columns[block[0]].group
                heading += Text(BLOCK_SEPARATOR)
                if group:
                    label = f" {group} "
                    left = (block_width - cell_len(label)) // 2
                    heading += Text("─" * left) + Text(label, style="bold") + Text(
                        "─" * (block_width - left - cell_len(label)))
                else:
                    heading += Text(" " * block_width)
            heading.rstrip()
            lines.append(heading)
        labels = [Text(self.stub.label, style="bold")] + [Text(c.label, style="bold") for c in self.columns]
        lines.append(self._line(blocks, widths, block_widths, [[label] for label in labels]))
        rule = "─" * widths[0] + "".join(RULE_SEPARATOR + "─" * w for w in block_widths)
        lines.append(Text(rule))
        for row in self.rows:
            lines += self._row(blocks, widths, block_widths, row)
        if self.footer:
            lines.append(Text(rule))
            for row in self.footer:
                lines += [Text.assemble(line, style="bold") for line in self._row(blocks, widths, block_widths, row)]
        return lines

    def _row(self, blocks: list[list[int]], widths: dict[int, int], block_widths: list[int],
             row: list[CellValue]) -> list[Text]:
        columns = [self.stub] + self.columns
        cells = [_cell_lines(row[p], columns[p], widths[p]) if p == 0 or any(p - 1 in b for b in blocks) else []
                 for p in range(len(columns))]
        height = max(len(lines) for lines in cells)
        out = []
        for index in range(height):
            out.append(self._line(blocks, widths, block_widths,
                                  [[lines[index]] if index < len(lines) else [Text("")] for lines in cells]))
        return out

    def _line(self, blocks: list[list[int]], widths: dict[int, int], block_widths: list[int],
              cells: list[list[Text]]) -> Text:
        columns = [self.stub] + self.columns
        line = _aligned(cells[0][0], widths[0], "left")
        for block, block_width in zip(blocks, block_widths, strict=True):
            line += Text(BLOCK_SEPARATOR)
            inner = Text(COLUMN_GAP).join(_aligned(cells[i + 1][0], widths[i + 1], columns[i + 1].align)
                                          for i in block)
            line += _aligned(inner, block_width, "right")
        line.rstrip()
        return line
