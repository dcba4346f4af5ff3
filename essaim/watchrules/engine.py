"""The watch rules' matcher: every active rule compiled once into one RE2 set, the text read in one pass.

RE2 (``google-re2``) runs in time linear in the text whatever the pattern: it has no backreferences nor
lookarounds, so no pattern an administrator writes can backtrack catastrophically (a rule that asks for them is
refused with a message, ``check_pattern``). Python's ``re`` with a time cap would still let a bad pattern hold a
request for the length of the cap on every post; RE2 never does.

A rule is one of three things (``Kind``): words and phrases (matched whole, ignoring case and accents), a pattern
(RE2 syntax, matched as written), or a built-in detector of personal data whose candidates are then checked:
an IBAN (ISO 13616 mod-97), a French social security number (NIR with its key), a payment card number (a
card network's prefix and length, and Luhn),
an e-mail address. The set says in one pass which rules matched; only those are read again, to check a
detector's candidates and cut the excerpt. Nothing here touches the database: ``screening`` feeds it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import re2

WORDS, PATTERN, IBAN, NIR, CARD, EMAIL = "words", "pattern", "iban", "nir", "card", "email"
DETECTORS = (IBAN, NIR, CARD, EMAIL)
PATTERN_MAX_CHARS = 500
EXCERPT_CONTEXT = 40  # characters kept on each side of a match
MAX_MEM = 64 << 20  # RE2's memory budget for the set's automaton (bytes)
_EDGE_BEFORE = r"(?:^|[^0-9A-Za-z_\x{C0}-\x{24F}])"  # Latin letters: a word goes on
_EDGE_AFTER = r"(?:$|[^0-9A-Za-z_\x{C0}-\x{24F}])"


class PatternError(ValueError):
    """A pattern RE2 does not accept, or one that matches everything; ``str()`` says which, in English."""


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_MEM
    return options


# --- detectors' checks ----------------------------------------------------------------------


def iban_valid(candidate: str) -> bool:
    """ISO 13616: the country and check digits moved to the end, letters as numbers, the whole ≡ 1 mod 97."""
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    digits = "".join(str(int(ch, 36)) for ch in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def _iban_in(candidate: str) -> bool:
    """A candidate may run on into the next words: any of its prefixes that is an IBAN counts."""
    compact = candidate.replace(" ", "")
    return any(iban_valid(compact[:end]) for end in range(len(compact), 14, -1))


def nir_valid(candidate: str) -> bool:
    """A French social security number: 13 characters and a key, 97 − (number mod 97); Corsica's 2A/2B count
    as 19 and 18."""
    compact = candidate.replace(" ", "").upper()
    if len(compact) != 15 or not compact[13:].isdigit():
        return False
    body = compact[:5] + compact[5:7].replace("2A", "19").replace("2B", "18") + compact[7:13]
    return body.isdigit() and int(compact[13:]) == 97 - int(body) % 97


# The card networks' number prefixes and lengths (Visa, Mastercard, American Express, Discover, JCB, Diners,
# UnionPay): a Luhn check alone lets one random number in ten through, and a French SIRET (14 digits) is
# Luhn-valid by design.
_CARD_BRANDS: tuple[tuple[tuple[str, ...], tuple[int, ...]], ...] = (
    (("4",), (13, 16, 19)),
    (("51", "52", "53", "54", "55", *(str(n) for n in range(2221, 2721))), (16,)),
    (("34", "37"), (15,)),
    (("6011", "65", *(str(n) for n in range(644, 650))), (16, 19)),
    (("35",), (16, 19)),
    (("36", "38", "300", "301", "302", "303", "304", "305"), (14,)),
    (("62",), (16, 17, 18, 19)),
)


def card_valid(candidate: str) -> bool:
    """A payment card number: a card network's prefix and length, and the Luhn check."""
    digits = "".join(ch for ch in candidate if ch.isdigit())
    brand = any(len(digits) in lengths and digits.startswith(prefixes) for prefixes, lengths in _CARD_BRANDS)
    return brand and luhn_valid(digits)


def luhn_valid(candidate: str) -> bool:
    digits = [int(ch) for ch in candidate if ch.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if position % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


DETECTOR_PATTERNS: dict[str, tuple[str, Callable[[str], bool] | None]] = {
    IBAN: (r"(?:^|[^A-Za-z0-9])(?P<essaim_match>[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30})", _iban_in),
    NIR: (
        r"(?:^|[^0-9])(?P<essaim_match>[1-478] ?[0-9]{2} ?(?:0[1-9]|1[0-2]|[2-9][0-9]) ?(?:[0-9]{2}|2[AaBb])"
        r" ?[0-9]{3} ?[0-9]{3} ?[0-9]{2})(?:$|[^0-9])",
        nir_valid,
    ),
    CARD: (r"(?:^|[^0-9])(?P<essaim_match>[0-9](?:[ -]?[0-9]){12,18})(?:$|[^0-9])", card_valid),
    EMAIL: (r"(?P<essaim_match>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})", None),
}


# --- words and patterns ---------------------------------------------------------------------


@cache
def _variants() -> dict[str, str]:
    """Each ASCII letter and the accented Latin letters that fold to it (é, È, ç…)."""
    found: dict[str, set[str]] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
        if len(base) == 1 and "a" <= base <= "z":
            found.setdefault(base, set()).add(char)
    return {letter: "".join(sorted(chars)) for letter, chars in found.items()}


def fold_term(term: str) -> str:
    decomposed = unicodedata.normalize("NFKD", term)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _term_pattern(term: str) -> str:
    variants = _variants()
    parts = []
    for char in fold_term(term):
        if char == " ":
            parts.append(r"\s+")
        elif char in variants:
            parts.append(f"[{char}{char.upper()}{variants[char]}]")
        else:
            parts.append(re2.escape(char))
    return "".join(parts)


def terms_of(text: str) -> list[str]:
    """The words or phrases of a rule: one a line (commas also separate them), blanks dropped."""
    lines = (piece.strip() for line in text.splitlines() for piece in line.split(","))
    return list(dict.fromkeys(term for term in lines if fold_term(term)))


def words_pattern(terms: Sequence[str]) -> str:
    """Whole words or phrases, any case, any accent: ``Projet Orion`` matches ``PROJET  orion``, ``Élan`` ``elan``."""
    alternatives = "|".join(_term_pattern(term) for term in terms)
    return f"(?i){_EDGE_BEFORE}(?P<essaim_match>{alternatives}){_EDGE_AFTER}"


def check_pattern(pattern: str) -> str:
    """``pattern`` if RE2 compiles it and it cannot match an empty text; else ``PatternError``."""
    if not pattern.strip():
        raise PatternError("empty")
    if len(pattern) > PATTERN_MAX_CHARS:
        raise PatternError("too long")
    try:
        compiled = re2.compile(pattern, _options())
    except re2.error as exc:
        raise PatternError(_describe(exc)) from exc
    if compiled.search("") is not None:
        raise PatternError("matches everything")
    return pattern


def _describe(exc: Exception) -> str:
    message = exc.args[0] if exc.args else ""
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)


# --- the matcher ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSpec:
    """What the matcher needs of a rule (``models.WatchRule.spec``)."""

    id: int
    name: str
    kind: str
    terms: str
    action: str
    explanation: str = ""


@dataclass(frozen=True)
class Hit:
    rule_id: int
    name: str
    action: str
    explanation: str
    excerpt: str


@dataclass(frozen=True)
class _Compiled:
    spec: RuleSpec
    regex: Any
    check: Callable[[str], bool] | None


def rule_pattern(spec: RuleSpec) -> tuple[str, Callable[[str], bool] | None]:
    if spec.kind == WORDS:
        return words_pattern(terms_of(spec.terms)), None
    if spec.kind == PATTERN:
        return f"(?P<essaim_match>{check_pattern(spec.terms)})", None
    return DETECTOR_PATTERNS[spec.kind]


class Matcher:
    """The active rules, compiled once: ``match(text)`` reads the text once with the set, then only the rules
    that matched, to check candidates and cut excerpts. A rule that no longer compiles is left out (the form
    refuses such patterns; this guards against rows written otherwise)."""

    def __init__(self, specs: Sequence[RuleSpec]) -> None:
        self._rules: list[_Compiled] = []
        self._set = re2.Set.SearchSet(_options())
        for spec in specs:
            try:
                pattern, check = rule_pattern(spec)
                if spec.kind == WORDS and not terms_of(spec.terms):
                    continue
                regex = re2.compile(pattern, _options())
                self._set.Add(pattern)
            except (PatternError, re2.error):
                continue
            self._rules.append(_Compiled(spec, regex, check))
        self._set.Compile()

    def __len__(self) -> int:
        return len(self._rules)

    def match(self, text: str) -> list[Hit]:
        if not self._rules or not text:
            return []
        hits = []
        for index in sorted(self._set.Match(text) or ()):
            rule = self._rules[index]
            hit = self._confirm(rule, text)
            if hit is not None:
                hits.append(hit)
        return hits

    def _confirm(self, rule: _Compiled, text: str) -> Hit | None:
        group = rule.regex.groupindex["essaim_match"]
        for found in rule.regex.finditer(text):
            value = found.group(group)
            if rule.check is None or rule.check(value):
                start, end = found.span(group)
                spec = rule.spec
                return Hit(spec.id, spec.name, spec.action, spec.explanation, excerpt(text, start, end, spec.kind))
        return None


def excerpt(text: str, start: int, end: int, kind: str) -> str:
    """The match with ``EXCERPT_CONTEXT`` characters around it; a detector's personal number masked but its
    last four characters, so that the queue does not copy what it warns about."""
    found = text[start:end]
    if kind in {IBAN, NIR, CARD}:
        keep = len(found) - 4
        found = "".join("•" if ch.isalnum() and i < keep else ch for i, ch in enumerate(found))
    before = text[max(0, start - EXCERPT_CONTEXT) : start]
    after = text[end : end + EXCERPT_CONTEXT]
    lead = "…" if start > EXCERPT_CONTEXT else ""
    tail = "…" if end + EXCERPT_CONTEXT < len(text) else ""
    return " ".join(f"{lead}{before}[{found}]{after}{tail}".split())
