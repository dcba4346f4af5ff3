"""Highlighted passages: the words of a text that a query matched, marked, in a window around the first.

Done here from the original text for both engines (the same stems as the index: ``search.text``),
so a snippet shows exactly the words that made a row match, escaped, with ``<mark>`` around them.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from essaim.search import text
from essaim.search.query import Query

WINDOW_CHARS = 240


class Matcher:
    """Whether a folded word of a text is one the query looks for (by stem, or as the word being typed)."""

    def __init__(self, query: Query) -> None:
        self.stems: set[str] = set()
        self.prefixes: set[str] = set()
        for term in query.all_words():
            for word in term.words:
                self.stems.update(text.stems(word))
            if term.prefix:
                self.prefixes.add(term.words[0])
                self.prefixes.update(text.stems(term.words[0]))

    def __bool__(self) -> bool:
        return bool(self.stems)

    def matches(self, word: str) -> bool:
        if any(s in self.stems for s in text.stems(word)):
            return True
        return any(word.startswith(p) for p in self.prefixes)


def highlight(content: str, matcher: Matcher, *, window: int = WINDOW_CHARS) -> SafeString:
    """A passage of ``content`` (about ``window`` characters) around its first matched word, matched words
    in ``<mark>``; the start of the text when nothing matched."""
    content = " ".join(content.split())
    found = [(start, end) for start, end, word in text.spans(content) if matcher and matcher.matches(word)]
    begin = 0
    if found and found[0][0] > window // 3:
        begin = content.rfind(" ", 0, found[0][0] - window // 3) + 1
    end = min(len(content), begin + window)
    if end < len(content):
        end = max(content.rfind(" ", begin, end), begin + window // 2)
    parts: list[str] = ["…"] if begin > 0 else []
    cursor = begin
    for start, stop in found:
        if start < begin or stop > end:
            continue
        parts += [escape(content[cursor:start]), "<mark>", escape(content[start:stop]), "</mark>"]
        cursor = stop
    parts.append(escape(content[cursor:end]))
    if end < len(content):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 — every piece of the text is escaped above
