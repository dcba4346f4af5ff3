from __future__ import annotations

from collections.abc import Callable

import pytest

from essaim.search import selectors
from essaim.stream import services
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


# --- the window: the newest matches a page is drawn from ---------------------------------------


@pytest.fixture
def window_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "WINDOW", 2)


def test_below_the_window_counts_and_facets_are_exact(corpus: Corpus) -> None:
    results = selectors.search_for(actor=corpus.author, q="réunion ")
    assert (results.counts["posts"], results.more["posts"]) == (3, False)
    assert {(f.value, f.count) for f in results.facets["author"]} == {("camille.roux", 3)}
    assert {(f.value, f.count) for f in results.facets["space"]} == {("fusion", 1)}


@pytest.mark.usefixtures("window_of_two")
def test_past_the_window_counts_say_there_are_more_and_relevance_ranks_the_newest(corpus: Corpus) -> None:
    results = selectors.search_for(actor=corpus.author, q="réunion ")
    assert (results.counts["posts"], results.more["posts"]) == (2, True)
    assert {h.post for h in results.hits} == {corpus.posts["secret"], corpus.posts["reunions"]}
    assert sum(f.count for f in results.facets["author"]) == 2


@pytest.mark.usefixtures("window_of_two")
def test_past_the_window_by_date_still_reads_every_match_in_order(corpus: Corpus) -> None:
    first = selectors.search_for(actor=corpus.author, q="réunion ", sort="date", size=2)
    second = selectors.search_for(actor=corpus.author, q="réunion ", sort="date", size=2, cursor=first.next_cursor)
    assert [h.post for h in first.hits + second.hits] == [
        corpus.posts["secret"],
        corpus.posts["reunions"],
        corpus.posts["reunion"],
    ]


@pytest.mark.usefixtures("window_of_two")
def test_the_window_holds_only_what_the_reader_may_see(corpus: Corpus) -> None:
    results = selectors.search_for(actor=corpus.reader, q="réunion ")
    assert (results.counts["posts"], results.more["posts"]) == (2, False)
    assert {h.post for h in results.hits} == {corpus.posts["reunion"], corpus.posts["reunions"]}


@pytest.mark.usefixtures("window_of_two")
def test_an_edited_post_is_the_newest_of_the_window_and_by_date_keeps_its_place(
    corpus: Corpus, drain_outbox: Callable[[], int]
) -> None:
    services.post_edit(actor=corpus.author, post=corpus.posts["reunion"], body="La réunion d'équipe #planning")
    drain_outbox()
    by_relevance = selectors.search_for(actor=corpus.author, q="réunion ")
    assert corpus.posts["reunion"] in {h.post for h in by_relevance.hits}
    by_date = selectors.search_for(actor=corpus.author, q="réunion ", sort="date", size=2)
    assert [h.post for h in by_date.hits] == [corpus.posts["secret"], corpus.posts["reunions"]]


def test_a_post_behind_a_content_warning_is_found_but_its_snippet_is_the_warning(
    corpus: Corpus, drain_outbox: Callable[[], int]
) -> None:
    services.post_create(actor=corpus.author, body="Le majordome est le coupable", spoiler_text="Fin du film")
    drain_outbox()
    results = selectors.search_for(actor=corpus.reader, q="majordome ")
    [hit] = results.hits
    assert "Fin du film" in hit.snippet
    assert "majordome" not in hit.snippet
