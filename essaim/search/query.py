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


def parse(raw: str) -> Query:
    """The query ``raw`` says; never raises (see the module's docstring)."""
    text = (raw or "")[:MAX_QUERY_CHARS].replace("\x00", " ")
    typing = bool(text) and not text[-1].isspace() and not text.rstrip().endswith('"')
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    filters: dict[str, list[str]] = {"from": [], "in": [], "tag": [], "kind": []}
    has_file = False
    before = after = None
    join_next = False
    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.group(1) == "-", match.group(2), match.group(3)
        if quoted is None and bare is not None:
            if bare == "OR" and not negated:
                join_next = bool(clauses)
                continue
            filtered = _FILTER.match(bare)
            if filtered and not negated:
                name, value = filtered.group(1).lower(), filtered.group(2)
                if name == "from" and (handle := fold(value.lstrip("@"))):
                    filters["from"].append(handle[:150])
                elif name == "in" and (slug := fold(value.lstrip("&"))):
                    filters["in"].append(slug[:140])
                elif name == "has":
                    kind = fold(value)
                    if kind in {"file", "files", "attachment", "fichier", "fichiers"}:
                        has_file = True
                    elif kind in FILE_KINDS:
                        filters["kind"].append(kind)
                elif name == "before":
                    before = _date(value) or before
                elif name == "after":
                    after = _date(value) or after
                continue
            if bare.startswith("#") and not negated:
                tag = fold(bare.lstrip("#")).strip()
                if tag and (tag_words := words(tag)):
                    filters["tag"].append("".join(tag_words)[:100] if len(tag_words) == 1 else tag[:100])
                continue
        found = words(quoted if quoted is not None else (bare or ""))
        if not found:
            continue
        is_phrase = quoted is not None and len(found) > 1
        terms = [Term(tuple(found), phrase=True)] if is_phrase else [Term((w,)) for w in found]
        if negated:
            excluded.extend(terms[:1] if is_phrase else terms)
            join_next = False
            continue
        if join_next and clauses:
            first, *rest = terms
            clauses[-1].append(first)
            clauses.extend([t] for t in rest)
        else:
            clauses.extend([t] for t in terms)
        join_next = False
    if typing and clauses:
        last = clauses[-1][-1]
        if not last.phrase:
            clauses[-1][-1] = replace(last, prefix=True)
    return Query(
        clauses=tuple(Clause(tuple(c)) for c in clauses[:MAX_CLAUSES]),
        excluded=tuple(excluded[:MAX_CLAUSES]),
        authors=tuple(dict.fromkeys(filters["from"]))[:MAX_FILTER_VALUES],
        spaces=tuple(dict.fromkeys(filters["in"]))[:MAX_FILTER_VALUES],
        tags=tuple(dict.fromkeys(filters["tag"]))[:MAX_FILTER_VALUES],
        has_file=has_file,
        file_kinds=tuple(dict.fromkeys(filters["kind"]))[:MAX_FILTER_VALUES],
        before=before,
        after=after,
        raw=text,
    )
