"""Words as the index keeps them: folded (lower case, no accents), then stemmed in French and English.

Both engines see the same words: SQLite's FTS5 gets them already stemmed here (Snowball, through
PyStemmer), PostgreSQL stems them itself with its ``french``/``english`` configurations after
``unaccent``. A text is stemmed in its author's language first; the other language's stems are kept
beside it (a lower weight), so that an English word in a French post, or a post written in the
"wrong" language, is still found — and a query is stemmed in both (docs/search.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import Stemmer

from essaim.core.text import fold

LANGUAGES = ("fr", "en")
_STEMMERS = {"fr": Stemmer.Stemmer("french"), "en": Stemmer.Stemmer("english")}
# FTS5's ``unicode61`` keeps letters and digits together and splits on everything else (``_`` too).
WORD = re.compile(r"[^\W_]+")
MAX_WORD = 40


# The combining marks ``core.text.fold`` drops, as one pattern (its per-character test was most of the
# time of a reindex): the diacritical marks' blocks.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fast_fold(text: str) -> str:
    """``core.text.fold`` for long texts: lower case, no accents (``œ`` → ``oe``)."""
    if text.isascii():
        return text.casefold()
    stripped = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return stripped.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae").casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text``, as FTS5's ``unicode61 remove_diacritics 2`` would cut them."""
    return [w[:MAX_WORD] for w in WORD.findall(fast_fold(text))] if text else []


def language_of(code: str | None) -> str:
    """``fr``/``en`` from a person's language setting (``fr-ca`` → ``fr``); French by default."""
    short = (code or "").split("-")[0].lower()
    return short if short in LANGUAGES else "fr"


def other(language: str) -> str:
    return "en" if language == "fr" else "fr"


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    return str(_STEMMERS[language].stemWord(word))


def stems(word: str) -> tuple[str, ...]:
    """A folded query word's stems in both languages (one when they agree)."""
    fr, en = stem(word, "fr"), stem(word, "en")
    return (fr,) if fr == en else (fr, en)


def terms(text: str, language: str) -> tuple[str, str]:
    """What SQLite indexes for ``text``: its words stemmed in ``language``, and the other language's stems
    where they differ (empty strings when there are none)."""
    primary: list[str] = []
    alternate: list[str] = []
    second = other(language)
    for w in words(text):
        main = stem(w, language)
        primary.append(main)
        alt = stem(w, second)
        if alt != main:
            alternate.append(alt)
    return " ".join(primary), " ".join(alternate)


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Each word of the original ``text`` with where it is: ``(start, end, folded word)``."""
    for match in WORD.finditer(text):
        folded = fold(match.group())
        if folded:
            yield match.start(), match.end(), folded
