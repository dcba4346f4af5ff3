"""Exactly the permission model: the search finds, counts, facets and quotes only what ``access.visible`` lets
each reader see. The world is the permission matrix's (``tests/access/test_visible_among.py``): every kind of
post (company, followers-only, mentioned-only, hidden, in public, private, secret, archived and sub-spaces)
× every kind of reader (employee, guest member, administrators, compliance, moderator, deactivated, anonymous)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from essaim import access
from essaim.search import indexing, selectors
from essaim.search.models import SearchDocument
from essaim.stream import services
from essaim.stream.models import Comment, Post
from tests.access.test_visible_among import ACTORS, World, world  # noqa: F401  (the matrix's world)
from tests.search.conftest import Corpus

pytestmark = pytest.mark.django_db
WORD = "pamplemousse"


@pytest.fixture
def indexed_world(world: World) -> World:  # noqa: F811
    Post.objects.update(body=f"{WORD} du jour")
    Comment.objects.update(body=f"Un {WORD} en commentaire")
    indexing.sync_posts(list(Post.objects.values_list("pk", flat=True)))
    return world


def _all(actor: object, tab: str) -> list[selectors.Hit]:
    hits: list[selectors.Hit] = []
    cursor = None
    while True:
        page = selectors.search_for(actor=actor, q=WORD, tab=tab, sort="date", cursor=cursor, size=50)  # type: ignore[arg-type]
        hits += page.hits
        if not (cursor := page.next_cursor):
            return hits


@pytest.mark.parametrize("actor_name", ACTORS)
def test_results_and_counts_are_exactly_what_the_reader_may_see(indexed_world: World, actor_name: str) -> None:
    actor = indexed_world.actors[actor_name]
    visible = set(access.visible(actor, Post.objects.all()).values_list("pk", flat=True))
    comments = set(Comment.objects.filter(post_id__in=visible).values_list("pk", flat=True))
    hits = _all(actor, "posts")
    assert {h.post.pk for h in hits if h.kind == "post"} == visible
    assert {h.comment.pk for h in hits if h.comment is not None} == comments
    results = selectors.search_for(actor=actor, q=WORD)  # type: ignore[arg-type]
    assert results.counts["posts"] == len(visible) + len(comments)
    facet_total = sum(f.count for f in results.facets.get("space", []))
    assert facet_total <= len(visible) + len(comments)
    facet_spaces = {f.value for f in results.facets.get("space", [])}
    visible_spaces = set(Post.objects.filter(pk__in=visible, space__isnull=False).values_list("space__slug", flat=True))
    assert facet_spaces <= visible_spaces


@pytest.mark.parametrize("actor_name", ACTORS)
def test_experts_cite_only_readable_posts(indexed_world: World, actor_name: str) -> None:
    actor = indexed_world.actors[actor_name]
    visible = set(access.visible(actor, Post.objects.all()).values_list("pk", flat=True))
    for expert in selectors.experts_for(actor=actor, q=WORD):  # type: ignore[arg-type]
        assert {h.post.pk for h in expert.evidence} <= visible


def test_a_word_edited_away_is_no_longer_found(corpus: Corpus, drain_outbox: Callable[[], int]) -> None:
    post = corpus.posts["budget"]
    services.post_edit(actor=corpus.author, post=post, body="Le plan de l'atelier pour 2027")
    drain_outbox()
    found = selectors.search_for(actor=corpus.author, q="budget ")
    assert found.hits == []
    assert found.counts["posts"] == 0
    assert selectors.search_for(actor=corpus.author, q="atelier ").hits[0].post == post


def test_a_hidden_post_leaves_the_results_of_everyone_but_its_author_and_moderators(
    corpus: Corpus, network_admin: object
) -> None:
    post = corpus.posts["meeting"]
    services.post_hide(actor=network_admin, post=post)  # type: ignore[arg-type]
    assert selectors.search_for(actor=corpus.reader, q="meeting ").hits == []
    assert selectors.search_for(actor=corpus.english, q="meeting ").hits[0].post == post


def test_a_deleted_post_and_its_comments_leave_the_index(corpus: Corpus, drain_outbox: Callable[[], int]) -> None:
    post = corpus.posts["reunion"]
    services.comment_create(actor=corpus.reader, post=post, body="Merci pour la réunion")
    drain_outbox()
    assert SearchDocument.objects.filter(post_id=post.pk).count() == 2
    services.post_delete(actor=corpus.author, post=post)
    assert not SearchDocument.objects.filter(post_id=post.pk).exists()
    drain_outbox()
    assert post.pk not in {h.post.pk for h in selectors.search_for(actor=corpus.author, q="réunion ").hits}


def test_deleting_a_person_removes_what_they_wrote_from_the_index(corpus: Corpus) -> None:
    corpus.english.delete()
    assert selectors.search_for(actor=corpus.author, q="meeting ").hits == []
    assert not SearchDocument.objects.filter(author_id=corpus.english.pk).exists()
    from django.db import connection

    if connection.vendor == "sqlite":  # the FTS5 table forgot the words too (its triggers)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'meet'")
            assert cursor.fetchone()[0] == 0
