"""The stylesheet's dark mode: one set of tokens, applied when the device asks (unless the person chose
light) and when the person chose dark (``<html data-theme>``, ``accounts.User.theme``).

A rule written for dark mode alone, inside ``@media (prefers-color-scheme: dark)``, would ignore the
person's choice: rules use the tokens, and only the two token blocks name the scheme.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

CSS = Path(settings.BASE_DIR) / "essaim" / "static" / "essaim" / "essaim.css"
FOLLOWED = ":root:not([data-theme=light])"
FORCED = ":root[data-theme=dark]"


def _declarations(body: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in body.split(";") if part.strip())
    return {name.strip(): value.strip() for name, value in pairs}


def _block(css: str, selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match is not None, f"no {selector} block"
    return match.group(1)


def test_only_the_token_block_follows_the_device() -> None:
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    media = re.findall(r"@media\s*\(prefers-color-scheme:\s*dark\)\s*\{((?:[^{}]|\{[^{}]*\})*)\}", css)
    assert len(media) == 1, "dark mode is the tokens only: rules use var(--…), not their own media query"
    assert re.fullmatch(r"\s*" + re.escape(FOLLOWED) + r"\s*\{[^{}]*\}\s*", media[0])
    assert "prefers-color-scheme" not in css.replace("@media (prefers-color-scheme: dark)", "", 1), (
        "another rule follows the device's scheme and would ignore the person's choice"
    )


def test_the_forced_dark_theme_sets_the_same_tokens() -> None:
    css = CSS.read_text(encoding="utf-8")
    followed = _declarations(_block(css, FOLLOWED))
    forced = _declarations(_block(css, FORCED))
    assert forced.pop("color-scheme") == "dark"
    assert forced == followed
    assert _declarations(_block(css, ":root[data-theme=light]")) == {"color-scheme": "light"}
