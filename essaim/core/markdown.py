"""Markdown to safe HTML, and the ``@handle`` / ``#tag`` helpers that go with it.

``render_markdown`` is safe by construction, twice over:

1. markdown-it-py with the ``js-default`` preset never passes raw HTML through and refuses
   ``javascript:``/``vbscript:``/``data:`` links; linkify turns bare addresses into links;
2. nh3 (ammonia) then keeps only an allow-list of tags, attributes and URL schemes.

Mentions and hashtags are found in *text* only: never inside code spans, code blocks or an
existing link. Callers decide which ones become links (``mention_url`` / ``tag_url``), so an
unknown ``@nobody`` stays plain text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from essaim.core.text import fold

MENTION_RE = re.compile(r"(?<![\w@./-])@([a-z0-9](?:[a-z0-9._-]{0,38}[a-z0-9])?)(?![\w@-])", re.IGNORECASE)
HASHTAG_RE = re.compile(r"(?<![\w&#/])#([^\W\d_][\w-]{0,48}\w|[^\W\d_])(?![\w#])")
_LINKABLE_RE = re.compile(f"{MENTION_RE.pattern}|{HASHTAG_RE.pattern}", re.IGNORECASE)

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Only our own class names survive on links and code blocks.
_ALLOWED_CLASSES = {"a": {"mention", "hashtag"}, "code": set()}

LinkFor = Callable[[str], str | None]


def _scan_text_tokens(tokens: list[Token]) -> Iterator[tuple[Token, int, list[Token]]]:
    """Yield ``(text_token, index, siblings)`` for text that is outside links and code."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        depth = 0
        for index, child in enumerate(block.children):
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type == "text" and depth == 0:
                yield child, index, block.children


def _link_tokens(state_token: Token, text: str, href: str, css: str) -> list[Token]:
    opening = Token("link_open", "a", 1)
    opening.attrs = {"href": href, "class": css}
    inner = Token("text", "", 0)
    inner.content = text
    return [opening, inner, Token("link_close", "a", -1)]


def _plain(text: str) -> Token:
    token = Token("text", "", 0)
    token.content = text
    return token


def _link_mentions_and_tags(state: StateCore) -> None:
    """A core rule: the ``@handles`` and ``#tags`` that ``state.env["essaim_links"]``'s
    ``(mention_url, tag_url)`` give a link for become links; without it, nothing changes."""
    mention_url, tag_url = state.env.get("essaim_links", (None, None))
    if mention_url is None and tag_url is None:
        return
    replacements: list[tuple[list[Token], int, list[Token]]] = []
    for token, index, siblings in _scan_text_tokens(state.tokens):
        pieces: list[Token] = []
        cursor = 0
        for match in _LINKABLE_RE.finditer(token.content):
            handle, tag = match.group(1), match.group(2)
            href = mention_url(handle.lower()) if handle and mention_url else None
            if tag and tag_url:
                href = tag_url(fold(tag))
            if href is None:
                continue
            pieces.append(_plain(token.content[cursor : match.start()]))
            pieces.extend(_link_tokens(token, match.group(0), href, "mention" if handle else "hashtag"))
            cursor = match.end()
        if pieces:
            pieces.append(_plain(token.content[cursor:]))
            replacements.append((siblings, index, pieces))
    for siblings, index, pieces in reversed(replacements):
        siblings[index : index + 1] = pieces


def _parser() -> MarkdownIt:
    parser = MarkdownIt("js-default", {"linkify": True, "typographer": False}).enable("linkify")
    parser.core.ruler.push("essaim_links", _link_mentions_and_tags)
    return parser


# One parser for every call: building one (its rule chains) cost more than parsing a post. The
# links a call wants travel in the parse's ``env``, so the parser itself holds no state.
_PARSER = _parser()


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        allowed = _ALLOWED_CLASSES.get(tag, set())
        if tag == "code":
            return value if re.fullmatch(r"language-[\w+-]{1,30}", value) else None
        kept = [c for c in value.split() if c in allowed]
        return " ".join(kept) or None
    return value


def sanitise_html(html: str) -> str:
    """Keep only the allow-listed markup (tags, attributes, URL schemes)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_attribute_filter,
        strip_comments=True,
    )


def render_markdown(text: str, *, mention_url: LinkFor | None = None, tag_url: LinkFor | None = None) -> str:
    """Markdown source → sanitised HTML. ``mention_url(handle)`` / ``tag_url(folded)`` give a link or ``None``."""
    return sanitise_html(_PARSER.render(text, {"essaim_links": (mention_url, tag_url)}))


@functools.lru_cache(maxsize=16)
def _texts(text: str) -> tuple[str, ...]:
    """The text outside links and code, parsed once for both ``extract_mentions`` and
    ``extract_hashtags`` (a post asks both, about the same text)."""
    return tuple(token.content for token, _index, _siblings in _scan_text_tokens(_PARSER.parse(text)))


def extract_mentions(text: str) -> list[str]:
    """The ``@handles`` written in ``text`` (lower-cased, first-seen order, outside code and links)."""
    seen: dict[str, None] = {}
    for chunk in _texts(text):
        for match in MENTION_RE.finditer(chunk):
            seen.setdefault(match.group(1).lower(), None)
    return list(seen)


def extract_hashtags(text: str) -> list[str]:
    """The ``#tags`` written in ``text`` as typed (first-seen order of their folded form)."""
    seen: dict[str, str] = {}
    for chunk in _texts(text):
        for match in HASHTAG_RE.finditer(chunk):
            seen.setdefault(fold(match.group(1)), match.group(1))
    return list(seen.values())
