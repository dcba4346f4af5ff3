"""``manage.py make_icons``: the favicon and touch icons, drawn from Essaim's brand mark.

The mark is the top bar's: a white hexagon (lucide's ``hexagon``, ISC licence, stroke 2 on a 24-unit
grid) centred on a 32-unit square of the default accent colour with 8-unit rounded corners. This
command writes the SVG favicon and, drawn with Pillow at eight times their size then reduced, the PNG
icons and ``favicon.ico``, into ``essaim/static/essaim/icons/``. Run it when the mark changes and
commit what it writes (a test checks the committed files match it).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from PIL import Image, ImageDraw

ACCENT = "#2f5bd3"  # network.models.NetworkSettings.accent_color's default
INK = "#ffffff"
HEXAGON = (  # node_modules/lucide-static/icons/hexagon.svg's path
    "M21 16V8a2 2 0 0 0-1-1.73l-7-4a2 2 0 0 0-2 0l-7 4A2 2 0 0 0 3 8v8"
    "a2 2 0 0 0 1 1.73l7 4a2 2 0 0 0 2 0l7-4A2 2 0 0 0 21 16z"
)
# The same hexagon's sharp corners (its sides continued), rounded with a radius of 2 when drawn.
CORNERS: list[tuple[float, float]] = [(12, 1.70), (21, 6.84), (21, 17.16), (12, 22.30), (3, 17.16), (3, 6.84)]
SUPERSAMPLE = 8
# name: (size in pixels, rounded corners: False for Apple's icon, which iOS rounds itself)
PNG_ICONS = {"apple-touch-icon.png": (180, False), "icon-192.png": (192, True), "icon-512.png": (512, True)}
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]
FOLDER = Path(settings.BASE_DIR) / "essaim" / "static" / "essaim" / "icons"


def svg() -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="8" fill="{ACCENT}"/>'
        f'<path transform="translate(4 4)" d="{HEXAGON}" fill="none" stroke="{INK}" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round"/></svg>\n'
    )


def rounded(
    corners: list[tuple[float, float]], radius: float, *, grow: float = 0.0, steps: int = 16
) -> list[tuple[float, float]]:
    """The outline of a convex polygon whose corners are arcs of ``radius``, pushed out by ``grow``, as points."""
    points: list[tuple[float, float]] = []
    for i, (x, y) in enumerate(corners):
        (px, py), (nx, ny) = corners[i - 1], corners[(i + 1) % len(corners)]
        a = math.atan2(py - y, px - x)  # towards the previous corner
        b = math.atan2(ny - y, nx - x)  # towards the next one
        half = abs((b - a + math.pi) % (2 * math.pi) - math.pi) / 2
        reach, away = radius / math.tan(half), radius / math.sin(half)
        bisector = math.atan2(math.sin(a) + math.sin(b), math.cos(a) + math.cos(b))
        cx, cy = x + away * math.cos(bisector), y + away * math.sin(bisector)
        start = math.atan2(y + reach * math.sin(a) - cy, x + reach * math.cos(a) - cx)
        end = math.atan2(y + reach * math.sin(b) - cy, x + reach * math.cos(b) - cx)
        sweep = (end - start + math.pi) % (2 * math.pi) - math.pi
        far = radius + grow
        points += [
            (cx + far * math.cos(start + sweep * k / steps), cy + far * math.sin(start + sweep * k / steps))
            for k in range(steps + 1)
        ]
    return points


def drawing(size: int, *, round_corners: bool = True) -> Image.Image:
    """The mark at ``size`` pixels: drawn eight times larger, then reduced (smooth edges)."""
    big = size * SUPERSAMPLE
    unit = big / 32
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=8 * unit if round_corners else 0, fill=ACCENT)
    # The stroke, 2 units wide on the outline: the outline pushed out by 1 in ink, pulled in by 1 in the accent.
    for grow, colour in ((1, INK), (-1, ACCENT)):
        draw.polygon([((4 + x) * unit, (4 + y) * unit) for x, y in rounded(CORNERS, 2, grow=grow)], fill=colour)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "favicon.svg"]
    written[0].write_text(svg())
    for name, (size, round_corners) in PNG_ICONS.items():
        image = drawing(size, round_corners=round_corners)
        if not round_corners:
            image = image.convert("RGB")
        image.save(folder / name, optimize=True)
        written.append(folder / name)
    drawing(256).save(folder / "favicon.ico", sizes=ICO_SIZES)
    written.append(folder / "favicon.ico")
    return written


class Command(BaseCommand):
    help = "Draw the favicon and touch icons from the brand mark into essaim/static/essaim/icons/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--folder", type=Path, default=FOLDER)

    def handle(self, *args: Any, **options: Any) -> None:
        for path in write_icons(options["folder"]):
            self.stdout.write(f"{path} ({path.stat().st_size} bytes)")
