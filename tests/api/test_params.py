"""The formats the OpenAPI document states once for every router."""

from __future__ import annotations

import re
import sys

import pytest

from essaim.api.params import NOT_BLANK


@pytest.mark.parametrize("flags", [0, re.ASCII])
def test_not_blank_is_what_python_does_not_strip_under_either_reading(flags: int) -> None:
    """Services strip text with ``str.strip()``; the schema's pattern must accept exactly the text that keeps a
    character, whether a tool reads it as Python (Unicode) or as JavaScript (schemathesis reads it with re.ASCII)."""
    pattern = re.compile(NOT_BLANK, flags)
    characters = (chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert [hex(ord(ch)) for ch in characters if bool(pattern.search(ch)) == ch.isspace()] == []
