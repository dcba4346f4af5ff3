"""The space operations' request factories and the directory queries they type (no server)."""

from __future__ import annotations

from bench.identities import Identity
from bench.operations import (
    SPACE_API_FIELD,
    Fixtures,
    SpaceReader,
    api_takes_a_space,
    search_matches,
    search_queries,
    space_operations,
    space_post_request,
)
from essaim.core.text import fold

NAMES = [
    "Équipe Ventes Lyon",
    "Projet Atlas – Paris",
    "Club vélo Besançon",
    "Communauté écoconception",
    "Atlas – Data Évry",
    "Projet Orion",
]
WHO = Identity(user_id=7, handle="ada", session_key="s" * 32, token="t" * 40)


def fixtures(**extra):  # type: ignore[no-untyped-def]
    return Fixtures(readers=[WHO], writers=[WHO], cursors={}, post_ids=[], mention_handles=[], tags=[], **extra)


def test_typed_queries_are_starts_of_words_of_real_names():
    queries = search_queries(NAMES, count=200, seed=1)
    assert len(queries) == 200
    assert all(search_matches(NAMES, q) >= 1 for q in queries)
    assert any(q != fold(q) for q in queries)  # some typed with accents or capitals
    assert any(q == fold(q) for q in queries)
    assert {len(q) <= 3 for q in queries} == {True, False}


def test_the_same_seed_types_the_same_queries():
    assert search_queries(NAMES, count=50, seed=2) == search_queries(NAMES, count=50, seed=2)


def test_matches_follow_the_directory_rule_accents_and_word_starts():
    assert search_matches(NAMES, "atl") == 2  # at the start of a name and after a space
    assert search_matches(NAMES, "ECO") == 1  # accent- and case-insensitive: "écoconception"
    assert search_matches(NAMES, "tlas") == 0  # not the start of a word
    assert search_matches(NAMES, "projet a") == 1


def test_space_operations_read_the_space_as_its_member_and_search_the_directory_page():
    reader = SpaceReader(WHO, space_id=42, slug="projet-atlas")
    ops = {op.name: op for op in space_operations(fixtures(space_readers=[reader], search_queries=["Équ"]))}
    assert ops["space_json"].factory(0).path == "/api/v1/spaces/42/statuses?limit=20"
    assert ops["space_json"].factory(0).headers == WHO.bearer_headers()
    assert ops["list_timeline"].factory(0).path == "/api/v1/timelines/list/42?limit=20"
    assert ops["list_timeline"].factory(0).headers == WHO.bearer_headers()
    assert ops["space_html"].factory(3).path == "/spaces/projet-atlas/"
    assert ops["space_search"].factory(0).path == "/spaces/?q=%C3%89qu&scope="


def test_without_spaces_there_is_no_space_operation():
    assert space_operations(fixtures()) == []


def test_a_post_into_a_space_goes_through_the_composer_unless_the_api_documents_a_space():
    page = space_post_request(WHO, 42, "Hello", via="page")
    assert (page.path, page.form) == ("/posts/new", {"body": "Hello", "space": "42"})
    api = space_post_request(WHO, 42, "Hello", via="api")
    assert api.json == {"status": "Hello", "visibility": "public", SPACE_API_FIELD: "42"}

    def openapi(properties):  # type: ignore[no-untyped-def]
        body = {"content": {"application/json": {"schema": {"properties": properties}}}}
        return {"paths": {"/api/v1/statuses": {"post": {"requestBody": body}}}}

    assert not api_takes_a_space(openapi({"status": {}, "visibility": {}}))
    assert api_takes_a_space(openapi({"status": {}, SPACE_API_FIELD: {}}))
