"""The measured operations: for each, a request factory built from dataset people and posts.

Where an operation has both an API form and a page form (post creation, reaction), the
API is preferred and the page form is the fallback, chosen by probing the server once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

from bench.driver import Request, RequestFactory, send
from bench.identities import Identity

EMOJIS = ("👍", "❤️", "🎉", "😄", "😮", "🙏")
HOME_JSON = "/api/v1/timelines/home?limit=20"


@dataclass
class Operation:
    name: str
    factory: RequestFactory
    writes: bool = False
    ok_statuses: frozenset[int] = frozenset(range(200, 300))
    via: str = "api"
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Fixtures:
    readers: Sequence[Identity]
    writers: Sequence[Identity]
    cursors: dict[int, int]  # reader user id -> max_id for their second page
    post_ids: Sequence[int]  # company posts with comments, for the post page and reactions
    mention_handles: Sequence[str]
    tags: Sequence[str]


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

    return [
        Operation("bare", bare, via="page"),
        Operation("home_html", home_html, via="page"),
        Operation("home_json", home_json),
        Operation("home_json_cursor", home_json_cursor),
        Operation("post_page", post_page, via="page"),
    ]


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
