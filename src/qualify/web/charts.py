"""Server-rendered SVG: a ranking list's points against its cut line (no JavaScript, works offline)."""

from __future__ import annotations

from markupsafe import Markup, escape

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
