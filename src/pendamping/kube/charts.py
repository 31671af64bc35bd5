"""Small line charts as inline SVG, drawn on the server (no JavaScript). Each chart has a title and description for
screen readers; the page shows the same numbers in a table beside it."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, PAD = 300, 90, 6


def line_chart(values: list[int], *, key: str, title: str, description: str = "") -> SafeString:
    """A line over `values` (oldest first), with a dot at each value and a dashed line at zero when the values
    cross it (a loss)."""
    if not values:
        return SafeString("")
    low, high = min(0, *values), max(0, *values)
    span = (high - low) or 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y(value: int) -> float:
        return round(HEIGHT - PAD - (value - low) * (HEIGHT - 2 * PAD) / span, 1)

    points = [(round(PAD + index * step, 1), y(value)) for index, value in enumerate(values)]
    line = " ".join(f"{x},{yy}" for x, yy in points)
    zero = y(0)
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="2.5" fill="currentColor"></circle>', points)
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" height="{h}" role="img" aria-labelledby="{id}-t {id}-d" '
        'preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        '<line x1="0" y1="{zero}" x2="{w}" y2="{zero}" stroke="currentColor" stroke-opacity="0.35" '
        'stroke-dasharray="3 3"></line>'
        '<polyline points="{line}" fill="none" stroke="currentColor" stroke-width="2" '
        'vector-effect="non-scaling-stroke"></polyline>{dots}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=f"chart-{key}",
        title=title,
        desc=description,
        zero=zero,
        line=line,
        dots=dots,
    )
