"""Server-rendered SVG (no JavaScript, works offline): a ranking list's points against its cut line, and a
season's progression race by race."""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from qualify.web.season_views import Series
from qualify.web.views import ListView

WIDTH, HEIGHT = 760, 210
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 30


def _points(value: float) -> str:
    return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"


ZOOM_ABOVE = 12  # entries shown above the cut in the close-up


def points_charts(view: ListView) -> Markup:
    """The whole list, and for a long list a close-up of the entries around the cut on their own scale."""
    whole = points_chart(view)
    if view.cut_after is None or len(view.entries) <= 2 * ZOOM_ABOVE:
        return whole
    start = max(0, view.cut_after - ZOOM_ABOVE)
    end = view.cut_after + max(sum(1 for e in view.entries if e.next_in_line), 1)
    close = points_chart(view, window=(start, end), title_prefix="Around the cut")
    return Markup(whole + close)


def points_chart(view: ListView, *, window: tuple[int, int] | None = None, title_prefix: str = "") -> Markup:
    """Bars of points by rank; the dashed line is the points of the last entry given a place from the list."""
    entries = [e for e in view.entries[slice(*window) if window else slice(None)] if e.entry.points is not None]
    if not entries:
        return Markup("")
    top = max(e.entry.points or 0.0 for e in entries) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(entries)
    bar = max(1.0, step * 0.78)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    title = f"{title_prefix or view.ranking.title}: points by rank"
    cut = view.cut_entry
    if cut is not None and cut.entry.points is not None:
        title += f"; cut line at {_points(cut.entry.points)} points (rank {cut.entry.rank})"
    css = "chart zoom" if window else "chart"
    parts = [f'<svg class="{css}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for fraction in (0.0, 0.5, 1.0):
        value = top * fraction
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
                     f'<text class="axis" x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
                     f'{_points(round(value, 1))}</text>')
    label_every = max(1, round(len(entries) / 20))
    for index, view_entry in enumerate(entries):
        points = view_entry.entry.points or 0.0
        x = LEFT + index * step + (step - bar) / 2
        status = "below" if view.cut_after is not None and view_entry.position > view.cut_after else (
            view_entry.status or "none")
        if view_entry.next_in_line:
            status = "next"
        tip = f"{view_entry.entry.rank}. {view_entry.who} ({view_entry.name}): {_points(points)} points"
        parts.append(f'<rect class="bar {status}" x="{x:.1f}" y="{y(points):.1f}" width="{bar:.1f}" '
                     f'height="{max(0.5, TOP + plot_h - y(points)):.1f}"><title>{escape(tip)}</title></rect>')
        if index % label_every == 0:
            parts.append(f'<text class="axis" x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                         f'text-anchor="middle">{view_entry.entry.rank}</text>')
    if cut is not None and cut.entry.points is not None:
        line_y = y(cut.entry.points)
        inside = [i for i, e in enumerate(entries) if e.position <= (view.cut_after or 0)]
        cut_x = LEFT + (inside[-1] + 1 if inside else 0) * step
        parts.append(f'<line class="cut" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{line_y:.1f}" y2="{line_y:.1f}"/>'
                     f'<line class="cut" x1="{cut_x:.1f}" x2="{cut_x:.1f}" y1="{TOP}" y2="{TOP + plot_h}"/>'
                     f'<text class="cut-label" x="{WIDTH - RIGHT - 4}" y="{line_y - 5:.1f}" text-anchor="end">'
                     f'cut: {_points(cut.entry.points)}</text>')
    parts.append(f'<text class="axis" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 2}" text-anchor="middle">rank</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


# --- a season race by race ----------------------------------------------------------------------------------------

LINE_WIDTH, LINE_HEIGHT = 760, 240
LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 52, 110, 16, 58


def progression_chart(races: list[str], series: list[Series], *, title: str, integers: bool = False,
                      steps: bool = False) -> Markup:
    """Values after each race (x: the races in calendar order), one line per series, labelled at its right end.

    ``steps``: a count holds until the next race changes it (places); otherwise points are joined by straight lines.
    A series without a value at a race (not on the list yet) has a gap there.
    """
    known = [v for s in series for v in s.values if v is not None]
    if not races or not known:
        return Markup("")
    ticks = _nice_ticks(max(known), integers)
    top = ticks[-1]
    plot_w, plot_h = LINE_WIDTH - LINE_LEFT - LINE_RIGHT, LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    step = plot_w / max(1, len(races) - 1) if len(races) > 1 else 0.0

    def x(index: int) -> float:
        return LINE_LEFT + (index * step if len(races) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return LINE_TOP + plot_h * (1 - value / top)

    parts = [f'<svg class="chart progression" viewBox="0 0 {LINE_WIDTH} {LINE_HEIGHT}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for value in ticks:
        parts.append(f'<line class="grid" x1="{LINE_LEFT}" x2="{LINE_WIDTH - LINE_RIGHT}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}"/><text class="axis" x="{LINE_LEFT - 6}" y="{y(value) + 4:.1f}" '
                     f'text-anchor="end">{_points(round(float(value), 1))}</text>')
    for index, race in enumerate(races):
        parts.append(f'<line class="tick" x1="{x(index):.1f}" x2="{x(index):.1f}" y1="{LINE_TOP + plot_h}" '
                     f'y2="{LINE_TOP + plot_h + 4}"/><text class="axis race" x="{x(index):.1f}" '
                     f'y="{LINE_TOP + plot_h + 14}" text-anchor="end" transform="rotate(-35 {x(index):.1f} '
                     f'{LINE_TOP + plot_h + 14})">{escape(race)}</text>')
    label_at: list[float] = []
    for number, line in enumerate(series):
        points = [(i, v) for i, v in enumerate(line.values) if v is not None]
        if not points:
            continue
        # Counts of several series often coincide (2 men, 2 women): each line is drawn a little apart so that
        # none hides another; the values in the tooltips are exact.
        shift = (number - (len(series) - 1) / 2) * 3.0 if steps else 0.0
        for run in _runs(points):
            coords: list[str] = []
            for n, (i, v) in enumerate(run):
                if steps and n:
                    coords.append(f"{x(i):.1f},{y(run[n - 1][1]) + shift:.1f}")
                coords.append(f"{x(i):.1f},{y(v) + shift:.1f}")
            parts.append(f'<polyline class="series {line.css}" points="{" ".join(coords)}"/>')
        for i, v in points:
            tip = f"{line.label} after {races[i]}: {_points(round(v, 1))}"
            parts.append(f'<circle class="dot {line.css}" cx="{x(i):.1f}" cy="{y(v) + shift:.1f}" r="3">'
                         f'<title>{escape(tip)}</title></circle>')
        last_i, last_v = points[-1]
        label_y = y(last_v) + shift + 4
        while any(abs(label_y - taken) < 11 for taken in label_at):  # keep end labels apart
            label_y += 11
        label_at.append(label_y)
        parts.append(f'<text class="series-label {line.css}" x="{x(last_i) + 8:.1f}" y="{label_y:.1f}">'
                     f'{escape(line.label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _runs(points: list[tuple[int, float]]) -> list[list[tuple[int, float]]]:
    """Consecutive races with a value: a gap in the data is a gap in the line."""
    runs: list[list[tuple[int, float]]] = []
    for i, v in points:
        if runs and runs[-1][-1][0] == i - 1:
            runs[-1].append((i, v))
        else:
            runs.append([(i, v)])
    return runs


def _nice_ticks(highest: float, integers: bool) -> list[float]:
    """Gridline values from 0 to at least ``highest`` in steps of 1, 2 or 5 times a power of ten (at most ~5)."""
    if highest <= 0:
        return [0.0, 1.0]
    raw = highest / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if integers:
        step = max(1.0, float(math.ceil(step)))
    count = math.ceil(highest / step - 1e-9)
    return [round(i * step, 6) for i in range(count + 1)]
