"""Draw the app icons (static/pendamping/icons/icon-192.png and icon-512.png) with Pillow:
`.venv/bin/python -m pendamping.offline.make_icons`. The PNGs are committed; run this again only to change them."""

from pathlib import Path

from PIL import Image, ImageDraw

THEME = (11, 110, 79)  # #0b6e4f
ICONS = Path(__file__).resolve().parent.parent / "static" / "pendamping" / "icons"


def draw(size: int) -> Image.Image:
    """A green square (safe for maskable crops) with a white "P" drawn from rectangles and a ring."""
    image = Image.new("RGB", (size, size), THEME)
    pen = ImageDraw.Draw(image)
    unit = size / 16
    white = (255, 255, 255)
    pen.rectangle([5 * unit, 4 * unit, 7 * unit, 12 * unit], fill=white)  # the stem
    pen.ellipse([5 * unit, 4 * unit, 11.5 * unit, 9.5 * unit], fill=white)  # the bowl
    pen.ellipse([7 * unit, 5.6 * unit, 9.9 * unit, 7.9 * unit], fill=THEME)  # its hole
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(ICONS / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
