from __future__ import annotations

import pytest

from essaim.search import selectors
from tests.search.conftest import Corpus

pytestmark = pytest.mark.django_db


def found(corpus: Corpus, q: str, **kwargs: object) -> set[str]:
    actor = kwargs.pop("actor", corpus.author)
    results = selectors.search_for(actor=actor, q=q, **kwargs)  # type: ignore[arg-type]
    names = {post.pk: name for name, post in corpus.posts.items()}
    return {names[h.post.pk] for h in results.hits}


# The relevance table: query → what must be found (and what must not), in both languages.
RELEVANCE = [
    ("réunion ", {"reunion", "reunions", "secret"}),
    ("reunions ", {"reunion", "reunions", "secret"}),
    ("RÉUNIONS ", {"reunion", "reunions", "secret"}),
    ("meeting ", {"meeting"}),
    ("meetings ", {"meeting"}),
    ('"plan de charge" ', {"budget", "charge"}),
    ('"plan de charge" -budget ', {"charge"}),
    ("budget OR vendredi ", {"budget", "reunions"}),
    ("réu", {"reunion", "reunions", "secret"}),
    ("meet", {"meeting"}),
    ("plan in:projet-atlas ", {"budget", "charge"}),
    ("from:@john.smith ", {"meeting"}),
    ("#planning", {"reunion"}),
    ("compte #planning", {"reunion"}),
]


@pytest.mark.parametrize(("q", "expected"), RELEVANCE)
def test_queries_find_what_people_mean(corpus: Corpus, q: str, expected: set[str]) -> None:
    assert found(corpus, q) == expected


def test_the_best_match_comes_first(corpus: Corpus) -> None:
    results = selectors.search_for(actor=corpus.author, q="plan de charge atlas ")
    assert results.hits[0].post == corpus.posts["charge"]


def test_a_secret_space_post_is_never_found_by_a_non_member(corpus: Corpus) -> None:
    results = selectors.search_for(actor=corpus.reader, q="réunion ")
    assert {h.post.pk for h in results.hits} == {corpus.posts["reunion"].pk, corpus.posts["reunions"].pk}
    assert results.counts["posts"] == 2
    assert "fusion" not in str([f.value for f in results.facets["space"]])


def test_snippets_mark_the_matched_words(corpus: Corpus) -> None:
    results = selectors.search_for(actor=corpus.author, q="meetings ")
    assert "<mark>Meeting</mark>" in results.hits[0].snippet
    assert "<mark>meetings</mark>" in results.hits[0].snippet


def test_sort_by_date_and_pages(corpus: Corpus) -> None:
    first = selectors.search_for(actor=corpus.author, q="réunion ", sort="date", size=2)
    assert [h.post for h in first.hits] == [corpus.posts["secret"], corpus.posts["reunions"]]
    second = selectors.search_for(actor=corpus.author, q="réunion ", sort="date", size=2, cursor=first.next_cursor)
    assert [h.post for h in second.hits] == [corpus.posts["reunion"]]
    assert second.next_cursor is None
    by_score = selectors.search_for(actor=corpus.author, q="réunion ", size=2)
    rest = selectors.search_for(actor=corpus.author, q="réunion ", size=2, cursor=by_score.next_cursor)
    assert len({h.post.pk for h in by_score.hits + rest.hits}) == 3
