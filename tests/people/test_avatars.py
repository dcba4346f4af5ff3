from __future__ import annotations

import io
import random

from PIL import Image

from essaim.people.avatars import avatar_jpeg


def test_avatars_are_square_jpegs_and_deterministic_for_a_seed():
    first = avatar_jpeg(random.Random(1), size=128)
    assert first == avatar_jpeg(random.Random(1), size=128)
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.size) == ("JPEG", (128, 128))


def test_avatars_vary_between_people():
    rng = random.Random(5)
    assert len({avatar_jpeg(rng, size=64) for _ in range(8)}) == 8
