"""The role heat map as inline SVG, drawn on the server (no JavaScript, no style attributes: colours are SVG fill
attributes, so the page keeps to the content security policy). Each cell is shaded by the role's share of the row's
contacts and shows its count; the page gives the same numbers in a table for screen readers and print."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

LABEL_WIDTH, CELL_W, CELL_H, HEADER_H, GAP = 150, 26, 22, 70, 8
LOW, HIGH = (246, 247, 249), (11, 110, 79)  # the page background to the brand colour


def shade(percent: float) -> str:
    """The fill of a cell: from the page background at 0% to the brand colour at 100%."""
    t = max(0.0, min(1.0, percent / 100))
    return "#" + "".join(f"{round(lo + (hi - lo) * t):02x}" for lo, hi in zip(LOW, HIGH, strict=True))


def _clip(text: str, length: int = 22) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def heat_map(matrix, columns: list[dict], *, key: str, title: str, description: str = "") -> SafeString:
    """`matrix.rows` (with their `cells` in the order of `columns`) and its totals row, one square per role; a gap
    between the six roles of Zastrow and the 14 TKS roles."""
    rows = [*matrix.rows, matrix.total]
    if not matrix.rows:
        return SafeString("")

    def x_of(index: int) -> int:
        return LABEL_WIDTH + index * CELL_W + (GAP if columns[index]["scheme"] != columns[0]["scheme"] else 0)

    width = x_of(len(columns) - 1) + CELL_W + 4
    height = HEADER_H + len(rows) * CELL_H + 4
    heads = format_html_join(
        "",
        '<text x="{}" y="{}" transform="rotate(-60 {} {})" font-size="10" fill="currentColor"><title>{}</title>{}'
        "</text>",
        (
            (x_of(i) + CELL_W / 2, HEADER_H - 4, x_of(i) + CELL_W / 2, HEADER_H - 4, c["label"], _clip(c["short"], 14))
            for i, c in enumerate(columns)
        ),
    )
    parts = []
    for r, row in enumerate(rows):
        y = HEADER_H + r * CELL_H
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" fill="currentColor"{}><title>{}</title>{}</text>',
                LABEL_WIDTH - 6,
                y + CELL_H * 0.7,
                SafeString(' text-anchor="end" font-weight="bold"' if row is matrix.total else ' text-anchor="end"'),
                f"{row.label} ({row.contacts})",
                _clip(row.label),
            )
        )
        for i, cell in enumerate(row.cells):
            x = x_of(i)
            parts.append(
                format_html(
                    '<g><title>{}: {} ({} · {}%)</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                    'stroke="#ffffff"></rect><text x="{}" y="{}" font-size="10" text-anchor="middle" fill="{}">{}'
                    "</text></g>",
                    row.label,
                    columns[i]["label"],
                    cell.count,
                    cell.share,
                    x,
                    y,
                    CELL_W,
                    CELL_H,
                    shade(cell.share),
                    x + CELL_W / 2,
                    y + CELL_H * 0.68,
                    "#ffffff" if cell.share >= 50 else "#1d2630",
                    cell.count or "",
                )
            )
    return format_html(
        '<svg class="heatmap" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="heat-{id}-t heat-{id}-d" xmlns="http://www.w3.org/2000/svg">'
        '<title id="heat-{id}-t">{title}</title><desc id="heat-{id}-d">{desc}</desc>{heads}{cells}</svg>',
        w=width,
        h=height,
        id=key,
        title=title,
        desc=description,
        heads=heads,
        cells=SafeString("".join(parts)),
    )
