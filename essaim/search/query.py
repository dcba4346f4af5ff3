"""Queries as people type them, parsed into words, phrases and filters that no input can break.

``parse`` never raises: quotes left open close at the end, operators with nothing to act on are
dropped, characters an engine would read as syntax are only word separators (every word is folded
and cut to letters and digits before it reaches an engine), and the input is cut to
``MAX_QUERY_CHARS`` and ``MAX_CLAUSES``. What it understands:

* words (stemmed in French and English, accents and case ignored), the last one also as a prefix
  when the query does not end with a space (the word being typed);
* ``"a phrase"``; ``-word`` or ``-"a phrase"`` to exclude; ``a OR b``;
* ``from:@handle``, ``in:space-slug``, ``#tag``, ``has:file`` (``has:image``, ``has:pdf``… a kind of
  file), ``before:2026-12-01``, ``after:2026-11-01``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from essaim.core.text import fold
from essaim.search.text import words

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 12
MAX_FILTER_VALUES = 5
FILE_KINDS = ("pdf", "document", "spreadsheet", "presentation", "image", "text", "archive", "other")

_TOKEN = re.compile(r'(-?)(?:"([^"]*)(?:"|$)|(\S+))')
_FILTER = re.compile(r"^(from|in|has|before|after):(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """One searched thing: a word (``words`` of one), or a phrase (several, in order); ``prefix``: the
    last word may be the start of a longer one."""

    words: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Clause:
    """Terms any one of which is enough (``a OR b``); a query needs every clause."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Query:
    clauses: tuple[Clause, ...] = ()
    excluded: tuple[Term, ...] = ()
    authors: tuple[str, ...] = ()  # handles, folded
    spaces: tuple[str, ...] = ()  # slugs
    tags: tuple[str, ...] = ()  # folded names
    has_file: bool = False
    file_kinds: tuple[str, ...] = ()
    before: date | None = None
    after: date | None = None
    raw: str = field(default="", compare=False)

    @property
    def has_words(self) -> bool:
        return bool(self.clauses)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.authors or self.spaces or self.tags or self.has_file or self.file_kinds or self.before or self.after
        )

    @property
    def is_empty(self) -> bool:
        """Nothing to look for: no word and no filter (an exclusion alone finds nothing)."""
        return not self.has_words and not self.has_filters

    def text(self) -> str:
        """The searched words only (what the people, spaces and tags tabs look for)."""
        return " ".join(w for c in self.clauses for t in c.terms for w in t.words)

    def all_words(self) -> list[Term]:
        return [t for c in self.clauses for t in c.terms]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


class _Parser:
    """The state of one ``parse``: clauses, exclusions and filters read so far."""

    def __init__(self) -> None:
        self.clauses: list[list[Term]] = []
        self.excluded: list[Term] = []
        self.filters: dict[str, list[str]] = {"from": [], "in": [], "tag": [], "kind": []}
        self.has_file = False
        self.before: date | None = None
        self.after: date | None = None
        self.join_next = False
        self.last_is_word = False

    def token(self, negated: bool, quoted: str | None, bare: str | None) -> None:
        self.last_is_word = False
        if quoted is None and bare is not None and not negated:
            if bare == "OR":
                self.join_next = bool(self.clauses)
                return
            if (filtered := _FILTER.match(bare)) is not None:
                self.filter(filtered.group(1).lower(), filtered.group(2))
                return
            if bare.startswith("#"):
                if tag := fold(bare.lstrip("#")).strip(".,;:!?()[]'\"")[:100]:
                    self.filters["tag"].append(tag)
                return
        self.text(negated, quoted, bare or "")

    def filter(self, name: str, value: str) -> None:
        if name == "from" and (handle := fold(value.lstrip("@"))):
            self.filters["from"].append(handle[:150])
        elif name == "in" and (slug := fold(value.lstrip("&"))):
            self.filters["in"].append(slug[:140])
        elif name == "has":
            kind = fold(value)
            if kind in {"file", "files", "attachment", "fichier", "fichiers"}:
                self.has_file = True
            elif kind in FILE_KINDS:
                self.filters["kind"].append(kind)
        elif name == "before":
            self.before = _date(value) or self.before
        elif name == "after":
            self.after = _date(value) or self.after

    def text(self, negated: bool, quoted: str | None, bare: str) -> None:
        found = words(quoted if quoted is not None else bare)
        if not found:
            return
        is_phrase = quoted is not None and len(found) > 1
        terms = [Term(tuple(found), phrase=True)] if is_phrase else [Term((w,)) for w in found]
        if negated:
            self.excluded.extend(terms)
        elif self.join_next and self.clauses:
            first, *rest = terms
            self.clauses[-1].append(first)
            self.clauses.extend([t] for t in rest)
        else:
            self.clauses.extend([t] for t in terms)
        self.join_next = False
        self.last_is_word = not negated and quoted is None

    def query(self, text: str, typing: bool) -> Query:
        if typing and self.last_is_word and self.clauses:
            self.clauses[-1][-1] = replace(self.clauses[-1][-1], prefix=True)
        f = self.filters
        return Query(
            clauses=tuple(Clause(tuple(c)) for c in self.clauses[:MAX_CLAUSES]),
            excluded=tuple(self.excluded[:MAX_CLAUSES]),
            authors=tuple(dict.fromkeys(f["from"]))[:MAX_FILTER_VALUES],
            spaces=tuple(dict.fromkeys(f["in"]))[:MAX_FILTER_VALUES],
            tags=tuple(dict.fromkeys(f["tag"]))[:MAX_FILTER_VALUES],
            has_file=self.has_file,
            file_kinds=tuple(dict.fromkeys(f["kind"]))[:MAX_FILTER_VALUES],
            before=self.before,
            after=self.after,
            raw=text,
        )


def parse(raw: str) -> Query:
    """The query ``raw`` says; never raises (see the module's docstring)."""
    text = (raw or "")[:MAX_QUERY_CHARS].replace("\x00", " ")
    parser = _Parser()
    for match in _TOKEN.finditer(text):
        parser.token(match.group(1) == "-", match.group(2), match.group(3))
    return parser.query(text, typing=bool(text) and not text[-1].isspace())
