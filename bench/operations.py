"""The measured operations: for each, a request factory built from dataset people, posts and spaces.

Where an operation has both an API form and a page form (post creation, reaction, a post into a
space), the API is preferred and the page form is the fallback, chosen by probing the server once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from bench.driver import Request, RequestFactory, send
from bench.identities import Identity

EMOJIS = ("👍", "❤️", "🎉", "😄", "😮", "🙏")
HOME_JSON = "/api/v1/timelines/home?limit=20"
SPACE_JSON = "/api/v1/spaces/{space_id}/statuses?limit=20"
LIST_TIMELINE = "/api/v1/timelines/list/{space_id}?limit=20"  # the same space, read by an app as a Mastodon list
SPACE_API_FIELD = "space_id"  # what POST /api/v1/statuses would take to post into a space (probed in the OpenAPI)


@dataclass
class Operation:
    name: str
    factory: RequestFactory
    writes: bool = False
    ok_statuses: frozenset[int] = frozenset(range(200, 300))
    via: str = "api"
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SpaceReader:
    """A member of a space with posts, who reads its stream."""

    who: Identity
    space_id: int
    slug: str


@dataclass(frozen=True)
class IdeaVoter:
    """A member of a space whose idea box has ideas: reads its board, votes for one of them."""

    who: Identity
    slug: str
    idea_id: int


@dataclass(frozen=True)
class Fixtures:
    readers: Sequence[Identity]
    writers: Sequence[Identity]
    cursors: dict[int, int]  # reader user id -> max_id for their second page
    post_ids: Sequence[int]  # company posts with comments, for the post page and reactions
    mention_handles: Sequence[str]
    tags: Sequence[str]
    space_readers: Sequence[SpaceReader] = ()
    search_queries: Sequence[str] = ()  # what people type in the space directory's search box
    idea_voters: Sequence[IdeaVoter] = ()  # members of spaces with an idea box (issue 20)


def search_queries(names: Sequence[str], *, count: int, seed: int) -> list[str]:
    """What people type in the space directory's search box: the start of a space's name from one of
    its words, as they go (2-3 letters: many spaces match; 4-7: fewer; 8-16, often over two words: a
    handful), half of them without accents or capitals (the search folds both)."""
    from essaim.core.text import fold

    rng = random.Random(seed)
    queries: list[str] = []
    while len(queries) < count:
        name = rng.choice(names)
        starts = [i for i, ch in enumerate(name) if ch.isalnum() and (i == 0 or name[i - 1] == " ")]
        start = rng.choice(starts)
        length = rng.choice((rng.randint(2, 3), rng.randint(4, 7), rng.randint(8, 16)))
        query = name[start : start + length].strip()
        if len(query) < 2:
            continue
        queries.append(fold(query) if rng.random() < 0.5 else query)
    return queries


def search_matches(names: Sequence[str], query: str) -> int:
    """How many of ``names`` the directory finds for ``query`` (``spaces.selectors.space_directory_for``'s rule)."""
    from essaim.core.text import fold

    q = fold(query)
    return sum(1 for name in names if (key := fold(name)).startswith(q) or f" {q}" in key)


def _post_body(fixtures: Fixtures, i: int) -> str:
    rng = random.Random(i)
    first, second = rng.sample(list(fixtures.mention_handles), 2)
    tag = rng.choice(list(fixtures.tags))
    return f"Benchmark post {i}: thanks @{first} and @{second} for the review #{tag}"


def read_operations(fixtures: Fixtures) -> list[Operation]:
    readers = fixtures.readers
    posts = fixtures.post_ids

    def home_html(i: int) -> Request:
        return Request("GET", "/", readers[i % len(readers)].session_headers())

    def home_json(i: int) -> Request:
        return Request("GET", HOME_JSON, readers[i % len(readers)].bearer_headers())

    def home_json_cursor(i: int) -> Request:
        reader = readers[i % len(readers)]
        return Request("GET", f"{HOME_JSON}&max_id={fixtures.cursors[reader.user_id]}", reader.bearer_headers())

    def post_page(i: int) -> Request:
        return Request("GET", f"/posts/{posts[i % len(posts)]}/", readers[i % len(readers)].session_headers())

    def bare(i: int) -> Request:
        return Request("GET", "/bench/bare")

    def notifications_html(i: int) -> Request:
        return Request("GET", "/notifications/", readers[i % len(readers)].session_headers())

    def notifications_json(i: int) -> Request:
        return Request("GET", "/api/v1/notifications?limit=20", readers[i % len(readers)].bearer_headers())

    def notifications_count(i: int) -> Request:
        return Request("GET", "/api/v1/notifications/unread_count", readers[i % len(readers)].bearer_headers())

    def verify_credentials(i: int) -> Request:
        return Request("GET", "/api/v1/accounts/verify_credentials", readers[i % len(readers)].bearer_headers())

    def account_json(i: int) -> Request:
        """Another person's account (the next reader), as an app shows an author's profile."""
        other = readers[(i + 1) % len(readers)]
        return Request("GET", f"/api/v1/accounts/{other.user_id}", readers[i % len(readers)].bearer_headers())

    def account_lookup(i: int) -> Request:
        other = readers[(i + 1) % len(readers)]
        return Request(
            "GET", f"/api/v1/accounts/lookup?acct={other.handle}", readers[i % len(readers)].bearer_headers()
        )

    def instance_json(i: int) -> Request:
        return Request("GET", "/api/v2/instance")

    return [
        Operation("bare", bare, via="page"),
        Operation("home_html", home_html, via="page"),
        Operation("home_json", home_json),
        Operation("home_json_cursor", home_json_cursor),
        Operation("post_page", post_page, via="page"),
        Operation("notifications_html", notifications_html, via="page"),
        Operation("notifications_json", notifications_json),
        Operation("notifications_count", notifications_count),
        Operation("verify_credentials", verify_credentials),
        Operation("account_json", account_json),
        Operation("account_lookup", account_lookup),
        Operation("instance_json", instance_json),
        *space_operations(fixtures),
        *idea_operations(fixtures),
    ]


IDEA_SORTS = ("votes", "trending", "recent")


def idea_operations(fixtures: Fixtures) -> list[Operation]:
    """A space's idea board (sorted three ways, by its members) and voting through the API (a vote, then taking
    it back: each request changes the count)."""
    voters = fixtures.idea_voters
    if not voters:
        return []

    def idea_board(i: int) -> Request:
        voter = voters[i % len(voters)]
        sort = IDEA_SORTS[(i // len(voters)) % len(IDEA_SORTS)]
        return Request("GET", f"/spaces/{voter.slug}/ideas/?sort={sort}", voter.who.session_headers())

    def idea_vote(i: int) -> Request:
        voter = voters[i % len(voters)]
        method = "POST" if (i // len(voters)) % 2 == 0 else "DELETE"
        return Request(method, f"/api/v1/ideas/{voter.idea_id}/vote", voter.who.bearer_headers())

    return [Operation("idea_board", idea_board, via="page"), Operation("idea_vote", idea_vote, writes=True)]


def space_operations(fixtures: Fixtures) -> list[Operation]:
    """A space's stream (JSON API, the same as a Mastodon list's timeline, and page) read by its members, and the
    directory's search as people type."""
    members, queries, readers = fixtures.space_readers, fixtures.search_queries, fixtures.readers
    operations = []

    def space_json(i: int) -> Request:
        reader = members[i % len(members)]
        return Request("GET", SPACE_JSON.format(space_id=reader.space_id), reader.who.bearer_headers())

    def list_timeline(i: int) -> Request:
        reader = members[i % len(members)]
        return Request("GET", LIST_TIMELINE.format(space_id=reader.space_id), reader.who.bearer_headers())

    def space_html(i: int) -> Request:
        reader = members[i % len(members)]
        return Request("GET", f"/spaces/{reader.slug}/", reader.who.session_headers())

    def space_search(i: int) -> Request:
        # The directory's form is a plain GET of the whole page (its search box has no htmx).
        query = urlencode({"q": queries[i % len(queries)], "scope": ""})
        return Request("GET", f"/spaces/?{query}", readers[(i * 7) % len(readers)].session_headers())

    if members:
        operations += [
            Operation("space_json", space_json),
            Operation("list_timeline", list_timeline),
            Operation("space_html", space_html, via="page"),
        ]
    if queries and readers:
        operations.append(Operation("space_search", space_search, via="page"))
    return operations


def space_post_request(author: Identity, space_id: int, body: str, *, via: str) -> Request:
    """A post into a space: ``POST /api/v1/statuses`` if the API takes a space, else the space page's composer."""
    if via == "api":
        payload = {"status": body, "visibility": "public", SPACE_API_FIELD: str(space_id)}
        return Request("POST", "/api/v1/statuses", author.bearer_headers(), json=payload)
    form = {"body": body, "space": str(space_id)}
    return Request("POST", "/posts/new", author.session_headers(csrf=True), form=form)


def api_takes_a_space(openapi: dict[str, Any]) -> bool:
    """Whether ``POST /api/v1/statuses`` documents ``SPACE_API_FIELD`` (an unknown field would be ignored,
    and the post would land outside the space: so ask the OpenAPI document, not the endpoint)."""
    operation = openapi.get("paths", {}).get("/api/v1/statuses", {}).get("post", {})
    for content in operation.get("requestBody", {}).get("content", {}).values():
        schema = content.get("schema", {})
        if "$ref" in schema:
            schema = openapi.get("components", {}).get("schemas", {}).get(schema["$ref"].rsplit("/", 1)[-1], {})
        if SPACE_API_FIELD in schema.get("properties", {}):
            return True
    return False


def post_create_candidates(fixtures: Fixtures) -> list[Operation]:
    writers = fixtures.writers

    def api(i: int) -> Request:
        body = {"status": _post_body(fixtures, i), "visibility": "public"}
        return Request("POST", "/api/v1/statuses", writers[i % len(writers)].bearer_headers(), json=body)

    def page(i: int) -> Request:
        form = {"body": _post_body(fixtures, i), "visibility": "company"}
        return Request("POST", "/posts/new", writers[i % len(writers)].session_headers(csrf=True), form=form)

    return [
        Operation("post_create", api, writes=True),
        Operation("post_create", page, writes=True, ok_statuses=frozenset({302}), via="page"),
    ]


def reaction_candidates(fixtures: Fixtures) -> list[Operation]:
    writers, posts = fixtures.writers, fixtures.post_ids

    def pick(i: int) -> tuple[Identity, int, str]:
        return writers[i % len(writers)], posts[(i // len(writers)) % len(posts)], EMOJIS[i % len(EMOJIS)]

    def api_reaction(i: int) -> Request:
        who, post, emoji = pick(i)
        return Request("PUT", f"/api/v1/essaim/statuses/{post}/reactions/{quote(emoji)}", who.bearer_headers())

    def api_favourite(i: int) -> Request:
        who, post, _emoji = pick(i)
        return Request("POST", f"/api/v1/statuses/{post}/favourite", who.bearer_headers())

    def page(i: int) -> Request:
        who, post, emoji = pick(i)
        headers = {**who.session_headers(csrf=True), "HX-Request": "true"}
        return Request("POST", f"/posts/{post}/react", headers, form={"emoji": emoji})

    return [
        Operation("reaction", api_reaction, writes=True),
        Operation("reaction", api_favourite, writes=True),
        Operation("reaction", page, writes=True, via="page"),
    ]


async def probe(base_url: str, candidates: Sequence[Operation], *, start: int) -> Operation | None:
    """The first candidate whose request the server accepts (tried once each, with a fresh index)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        for n, candidate in enumerate(candidates):
            response = await send(client, candidate.factory(start + n))
            if response.status_code in candidate.ok_statuses:
                return candidate
    return None
