"""Horizontal bar charts as inline SVG drawn on the server (no JavaScript): one bar per row with its label and
number, so the chart reads without colour and the same numbers stand in the table beside it."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, ROW, LABEL = 320, 22, 130


def bar_chart(rows: list[tuple[str, int]], *, key: str, title: str) -> SafeString:
    """rows: (label, value). Bars scaled to the largest value."""
    if not rows:
        return SafeString("")
    top = max(value for _label, value in rows) or 1
    span = WIDTH - LABEL - 50
    height = ROW * len(rows) + 4
    bars = format_html_join(
        "",
        '<text x="0" y="{ty}" font-size="11" fill="currentColor">{label}</text>'
        '<rect x="{x}" y="{y}" width="{w}" height="14" rx="2" fill="#0b6e4f"></rect>'
        '<text x="{nx}" y="{ty}" font-size="11" fill="currentColor">{value}</text>',
        (
            {
                "label": label[:22],
                "x": LABEL,
                "y": index * ROW + 4,
                "ty": index * ROW + 15,
                "w": max(round(span * value / top, 1), 0.5 if value else 0),
                "nx": LABEL + max(round(span * value / top, 1), 0) + 4,
                "value": f"{value:,}".replace(",", "."),
            }
            for index, (label, value) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="{id}-t" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{title}</title>{bars}</svg>',
        w=WIDTH,
        h=height,
        id=key,
        title=title,
        bars=bars,
    )
