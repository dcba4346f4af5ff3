"""Illustrated avatars drawn locally with Pillow for the demo company: a gradient, a head and shoulders."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

Colour = tuple[int, int, int]

BACKGROUNDS: list[tuple[Colour, Colour]] = [
    ((255, 209, 102), (239, 71, 111)),
    ((6, 214, 160), (17, 138, 178)),
    ((168, 218, 220), (69, 123, 157)),
    ((255, 183, 3), (251, 133, 0)),
    ((205, 180, 219), (162, 210, 255)),
    ((233, 196, 106), (42, 157, 143)),
    ((255, 200, 221), (189, 224, 254)),
    ((144, 190, 109), (67, 170, 139)),
    ((248, 150, 30), (249, 65, 68)),
    ((131, 56, 236), (58, 134, 255)),
]
SKIN: list[Colour] = [(255, 224, 196), (241, 194, 160), (224, 172, 130), (198, 134, 94), (141, 85, 54), (96, 60, 40)]
HAIR: list[Colour] = [(35, 28, 25), (86, 56, 37), (160, 110, 60), (222, 188, 120), (170, 170, 170), (150, 60, 35)]
CLOTHES: list[Colour] = [
    (38, 70, 83),
    (231, 111, 81),
    (42, 157, 143),
    (29, 53, 87),
    (230, 57, 70),
    (94, 84, 142),
    (255, 255, 255),
]


def _gradient(size: int, top: Colour, bottom: Colour) -> Image.Image:
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    for y in range(size):
        t = y / (size - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (size, y)], fill=colour)
    return image


def _darker(colour: Colour, factor: float = 0.8) -> Colour:
    r, g, b = (round(c * factor) for c in colour)
    return (r, g, b)


def avatar_jpeg(rng: random.Random, *, size: int = 256) -> bytes:
    """A pleasant head-and-shoulders portrait in random colours, as JPEG bytes (``size`` square)."""
    scale = 2  # draw large, then downsample: smooth edges without anti-aliasing primitives
    s = size * scale
    top, bottom = rng.choice(BACKGROUNDS)
    image = _gradient(s, top, bottom)
    draw = ImageDraw.Draw(image)
    skin, clothes = rng.choice(SKIN), rng.choice(CLOTHES)
    hair = rng.choice([h for h in HAIR if sum(abs(a - b) for a, b in zip(h, skin, strict=True)) > 150])
    cx = s // 2
    head_w, head_h = int(s * rng.uniform(0.36, 0.4)), int(s * rng.uniform(0.44, 0.48))
    head_top = int(s * 0.16)
    long_hair = rng.random() < 0.45
    if long_hair:  # hair behind the head and down to the shoulders
        draw.rounded_rectangle(
            [cx - head_w * 0.62, head_top - s * 0.02, cx + head_w * 0.62, head_top + head_h * 1.25],
            radius=int(head_w * 0.5),
            fill=hair,
        )
    # shoulders and neck
    draw.ellipse([cx - s * 0.44, s * 0.72, cx + s * 0.44, s * 1.3], fill=clothes)
    draw.rectangle([cx - head_w * 0.2, head_top + head_h * 0.8, cx + head_w * 0.2, s * 0.76], fill=_darker(skin, 0.92))
    if rng.random() < 0.5:  # a collar
        draw.polygon(
            [(cx - s * 0.09, s * 0.72), (cx, s * 0.82), (cx + s * 0.09, s * 0.72)], fill=_darker(clothes, 0.75)
        )
    # head and ears
    ear = head_w * 0.12
    for side in (-1, 1):
        ex = cx + side * head_w / 2
        draw.ellipse([ex - ear, head_top + head_h * 0.42, ex + ear, head_top + head_h * 0.62], fill=_darker(skin, 0.95))
    draw.ellipse([cx - head_w / 2, head_top, cx + head_w / 2, head_top + head_h], fill=skin)
    # hair on top
    style = rng.choice(["short", "side", "bun", "curly", "bald"]) if not long_hair else "fringe"
    if style != "bald":
        draw.chord(
            [cx - head_w * 0.56, head_top - head_h * 0.1, cx + head_w * 0.56, head_top + head_h * 0.75],
            start=180,
            end=360,
            fill=hair,
        )
    if style == "side":
        draw.polygon(
            [
                (cx - head_w * 0.5, head_top + head_h * 0.3),
                (cx + head_w * 0.2, head_top),
                (cx - head_w * 0.1, head_top),
            ],
            fill=hair,
        )
    elif style == "bun":
        r = head_w * 0.22
        draw.ellipse([cx - r, head_top - r * 1.6, cx + r, head_top + r * 0.4], fill=hair)
    elif style == "curly":
        r = head_w * 0.14
        for i in range(7):
            x = cx - head_w * 0.48 + i * head_w * 0.16
            draw.ellipse([x - r, head_top - r * 0.8, x + r, head_top + r * 1.2], fill=hair)
    # a calm face: eyes, smile, maybe glasses
    eye_y = head_top + head_h * 0.52
    eye_r = max(3, int(head_w * 0.035))
    for side in (-1, 1):
        ex = cx + side * head_w * 0.18
        draw.ellipse([ex - eye_r, eye_y - eye_r, ex + eye_r, eye_y + eye_r], fill=(40, 35, 35))
        if rng.random() < 0.25 and side == 1:
            for gx in (cx - head_w * 0.18, cx + head_w * 0.18):
                g = head_w * 0.11
                draw.ellipse([gx - g, eye_y - g, gx + g, eye_y + g], outline=(40, 40, 40), width=max(2, s // 170))
            draw.line(
                [(cx - head_w * 0.07, eye_y), (cx + head_w * 0.07, eye_y)], fill=(40, 40, 40), width=max(2, s // 170)
            )
    mouth_w = head_w * 0.22
    mouth_y = head_top + head_h * 0.7
    draw.arc(
        [cx - mouth_w / 2, mouth_y - mouth_w * 0.35, cx + mouth_w / 2, mouth_y + mouth_w * 0.35],
        start=20,
        end=160,
        fill=_darker(skin, 0.55),
        width=max(2, s // 128),
    )
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
