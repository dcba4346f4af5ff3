"""The matcher: words whatever the case and accents, patterns in RE2, the detectors and their checks, and no
pattern that can make a check slow (hypothesis writes the patterns)."""

from __future__ import annotations

import time

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.watchrules import engine
from essaim.watchrules.engine import Matcher, RuleSpec

VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"
VALID_NIR = "1 85 05 78 006 084 91"
VALID_CARD = "4111 1111 1111 1111"


def one(kind: str, terms: str = "", action: str = "warn") -> Matcher:
    return Matcher([RuleSpec(1, "La règle", kind, terms, action, "Pourquoi")])


class TestWords:
    @pytest.mark.parametrize("text", ["Le PROJET  orion avance", "projet Orion.", "(Projet Orïon)", "projet\norion"])
    def test_a_phrase_matches_whatever_the_case_accents_and_spaces(self, text: str) -> None:
        assert [hit.rule_id for hit in one("words", "Projet Orion").match(text)] == [1]

    @pytest.mark.parametrize("text", ["projets orionis", "leprojet orion", "projet_orion", "Élans"])
    def test_only_whole_words_match(self, text: str) -> None:
        assert one("words", "Projet Orion\nélan").match(text) == []

    def test_an_accented_term_matches_the_plain_word_and_back(self) -> None:
        assert one("words", "Élan").match("un elan")
        assert one("words", "elan").match("UN ÉLAN")

    def test_one_term_a_line_or_separated_by_commas(self) -> None:
        matcher = one("words", "Acme, Globex\nInitech")
        assert all(matcher.match(f"Réunion avec {name} demain") for name in ("ACME", "globex", "Initech"))

    def test_the_hit_carries_the_rule_and_an_excerpt(self) -> None:
        (hit,) = one("words", "Acme", "hold").match("Signé hier avec Acme pour trois ans")
        assert (hit.name, hit.action, hit.explanation) == ("La règle", "hold", "Pourquoi")
        assert hit.excerpt == "Signé hier avec [Acme] pour trois ans"


class TestPatterns:
    def test_a_pattern_matches_as_written(self) -> None:
        matcher = one("pattern", r"PRJ-[0-9]{4}")
        assert matcher.match("voir PRJ-2024 ici")
        assert not matcher.match("voir prj-2024 ici")

    def test_case_insensitive_when_asked(self) -> None:
        assert one("pattern", r"(?i)PRJ-[0-9]{4}").match("voir prj-2024")

    @pytest.mark.parametrize(
        ("pattern", "reason"),
        [(r"(a)\1", "invalid escape"), (r"(?=x)y", "invalid perl operator"), ("(", "missing )"), ("", "empty")],
    )
    def test_backreferences_lookarounds_and_broken_patterns_are_refused(self, pattern: str, reason: str) -> None:
        with pytest.raises(engine.PatternError, match=reason.split(maxsplit=1)[0]):
            engine.check_pattern(pattern)

    @pytest.mark.parametrize("pattern", [".*", "a*", "x?|y?", "(?:)"])
    def test_a_pattern_matching_everything_is_refused(self, pattern: str) -> None:
        with pytest.raises(engine.PatternError, match="matches everything"):
            engine.check_pattern(pattern)

    def test_the_classic_catastrophic_patterns_run_in_linear_time(self) -> None:
        text = "a" * 20_000 + "!"
        for pattern in ["(a+)+$", "(a|aa)+$", "(a|a?)+b", "(.*a){12}"]:
            start = time.perf_counter()
            one("pattern", pattern).match(text)
            assert time.perf_counter() - start < 0.5, pattern

    def test_a_stored_pattern_that_no_longer_compiles_is_left_out_not_fatal(self) -> None:
        matcher = Matcher([RuleSpec(1, "bad", "pattern", r"(a)\1", "warn"), RuleSpec(2, "ok", "words", "Acme", "warn")])
        assert len(matcher) == 1
        assert [hit.rule_id for hit in matcher.match("Acme")] == [2]


class TestDetectors:
    def test_an_iban_with_a_good_checksum_matches_masked(self) -> None:
        (hit,) = one("iban").match(f"Virement sur {VALID_IBAN} merci")
        assert "3000" not in hit.excerpt
        assert "189]" in hit.excerpt

    def test_an_iban_with_a_bad_checksum_does_not(self) -> None:
        assert one("iban").match("Virement sur FR76 3000 6000 0112 3456 7890 188") == []

    def test_an_iban_followed_by_other_words_in_capitals(self) -> None:
        assert one("iban").match(f"IBAN {VALID_IBAN.replace(' ', '')} OK MERCI")

    def test_a_social_security_number_with_its_key(self) -> None:
        assert one("nir").match(f"NIR : {VALID_NIR}.")
        assert one("nir").match(VALID_NIR.replace(" ", ""))
        assert one("nir").match("NIR : 1 85 05 78 006 084 92") == []

    def test_corsica_counts_as_19_and_18(self) -> None:
        body = "18505" + "2A" + "006084"
        key = 97 - int(body.replace("2A", "19")) % 97
        assert engine.nir_valid(f"{body}{key:02d}")
        assert not engine.nir_valid(f"{body}{(key + 1) % 97:02d}")

    @pytest.mark.parametrize("number", [VALID_CARD, "4111-1111-1111-1111", "5555555555554444", "378282246310005"])
    def test_card_numbers_passing_luhn(self, number: str) -> None:
        assert one("card").match(f"ma carte {number} expire")

    @pytest.mark.parametrize(
        "text", ["4111 1111 1111 1112", "commande 1234567890123", "tel 01 23 45 67 89", "SIRET 732 829 320 00074"]
    )
    def test_numbers_failing_luhn_or_too_short_do_not(self, text: str) -> None:
        assert one("card").match(text) == []

    def test_a_siret_passes_luhn_but_is_no_card(self) -> None:
        assert engine.luhn_valid("73282932000074")
        assert not engine.card_valid("73282932000074")

    def test_email_addresses(self) -> None:
        assert one("email").match("écrivez à lea.martin@exemple.fr")
        assert one("email").match("écrivez à @lea.martin") == []


class TestOnePass:
    def test_every_matching_rule_is_found_in_one_text(self) -> None:
        specs = [
            RuleSpec(1, "clients", "words", "Acme", "report"),
            RuleSpec(2, "iban", "iban", "", "hold"),
            RuleSpec(3, "code", "pattern", "PRJ-[0-9]{4}", "warn"),
            RuleSpec(4, "other", "words", "Globex", "warn"),
        ]
        hits = Matcher(specs).match(f"Acme paie sur {VALID_IBAN} pour PRJ-0042")
        assert [hit.rule_id for hit in hits] == [1, 2, 3]

    def test_no_rule_no_hit(self) -> None:
        assert Matcher([]).match("Acme") == []


# --- hypothesis: whatever pattern is written, the check stays linear ----------------------------

ATOMS = st.sampled_from(["a", "b", ".", "[ab]", r"\d", r"\w", "(a|aa)", "(a|a?)", "(?:ab)", "x"])


@st.composite
def nested_patterns(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0:
        return draw(ATOMS)
    inner = draw(nested_patterns(depth=depth - 1))
    other = draw(nested_patterns(depth=depth - 1))
    quantifier = draw(st.sampled_from(["", "*", "+", "?", "{2,5}", "*?", "+?"]))
    shape = draw(st.sampled_from(["({a}){q}", "(?:{a}|{b}){q}", "{a}{b}{q}", "({a}{q}){q}"]))
    return shape.format(a=inner, b=other, q=quantifier)


@settings(max_examples=150, deadline=None)
@given(pattern=nested_patterns(), text=st.sampled_from(["a" * 5000 + "!", "ab" * 2500 + "c", "x" * 5000]))
def test_no_pattern_backtracks_catastrophically(pattern: str, text: str) -> None:
    """Nested quantifiers over overlapping alternatives (``(a|aa)+$``) take exponential time in a backtracking
    engine; RE2 compiles them to an automaton, so every check of a 5,000-character text stays far below the
    composer's budget, whatever the pattern."""
    try:
        engine.check_pattern(pattern)
    except engine.PatternError:
        return  # refused with a message: it never reaches the matcher
    matcher = one("pattern", pattern)
    start = time.perf_counter()
    matcher.match(text)
    assert time.perf_counter() - start < 0.25


@settings(max_examples=200, deadline=None)
@given(pattern=st.text(alphabet="ab()[]|*+?{}\\.^$-,0123", max_size=30))
def test_any_text_as_a_pattern_is_refused_or_compiles(pattern: str) -> None:
    """Whatever an administrator types, the form answers: a ``PatternError`` (its message shown), or a pattern
    RE2 compiled."""
    try:
        engine.check_pattern(pattern)
    except engine.PatternError as exc:
        message = str(exc)
    else:
        message = ""
        assert re2.compile(pattern) is not None
    assert message or engine.check_pattern(pattern) == pattern


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=5))
def test_any_words_compile_and_match_themselves(words: list[str]) -> None:
    """Words are escaped, never read as a pattern: any term an administrator writes matches itself."""
    terms = [term for term in words if engine.fold_term(term) and "," not in term and "\n" not in term]
    matcher = one("words", "\n".join(terms))
    for term in terms:
        if term.strip() and all(ch.isascii() and ch.isalpha() for ch in term.strip()):
            assert matcher.match(f" {term.strip()} "), term
