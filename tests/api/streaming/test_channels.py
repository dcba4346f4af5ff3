"""Mastodon's stream names, their parameters and scopes, and which live events each may carry (no database)."""

from __future__ import annotations

import pytest

from essaim.api.streaming.channels import BadChannelError, Channel, channel_for, handles, name_for_path
from essaim.realtime.messages import Reader, Row

READER = Reader(7, frozenset({"u7", "E", "s3", "f9"}))


def post(**data: object) -> Row:
    return Row(1, "post", [["E"]], {"post": "42", "space": None, "tags": [], "company": False, **data}, ["f9"])


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/streaming/user", "user"),
        ("/api/v1/streaming/user/notification", "user:notification"),
        ("/api/v1/streaming/public/local", "public:local"),
        ("/api/v1/streaming/hashtag/local", "hashtag:local"),
        ("/api/v1/streaming/list/", "list"),
        ("/api/v1/streaming", None),
    ],
)
def test_a_path_names_its_stream(path: str, name: str | None) -> None:
    assert name_for_path(path) == name


def test_the_streaming_paths_and_no_other() -> None:
    assert handles("/api/v1/streaming")
    assert handles("/api/v1/streaming/user")
    assert not handles("/api/v1/streamingx")
    assert not handles("/api/v1/statuses")


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("user", "read:statuses"),
        ("user:notification", "read:notifications"),
        ("public:local:media", "read:statuses"),
        ("hashtag", "read:statuses"),
        ("list", "read:statuses"),
    ],
)
def test_each_stream_needs_the_scope_the_scopes_table_gives(name: str, scope: str) -> None:
    assert Channel(name).scope == scope


def test_a_hashtag_is_folded_and_echoed_as_typed() -> None:
    channel = channel_for("hashtag", {"tag": "#Vélo"})
    assert (channel.tag, channel.wire) == ("velo", ["hashtag", "Vélo"])


@pytest.mark.parametrize(
    ("name", "params", "status"),
    [("direct", {}, 404), ("hashtag", {}, 400), ("list", {"list": "-1"}, 400), ("list", {}, 400)],
)
def test_what_cannot_be_opened(name: str, params: dict[str, str], status: int) -> None:
    with pytest.raises(BadChannelError) as refused:
        channel_for(name, params)
    assert refused.value.status == status


def test_a_new_post_goes_to_the_streams_it_belongs_to() -> None:
    followed = post()
    company = post(company=True, tags=["velo"])
    in_space = post(space="3")
    assert Channel("user").takes(followed, READER)  # the reader follows its author (home key f9)
    assert not Channel("public:local").takes(followed, READER)
    assert Channel("public:local").takes(company, READER)
    assert Channel("hashtag", tag="velo").takes(company, READER)
    assert not Channel("hashtag", tag="velo").takes(followed, READER)
    assert Channel("list", list_id=3).takes(in_space, READER)
    assert not Channel("list", list_id=4).takes(in_space, READER)
    assert not Channel("public:remote").takes(company, READER)
    assert not Channel("user:notification").takes(company, READER)


def test_bells_go_to_the_notification_streams_only() -> None:
    bell = Row(2, "bell", [["u7"]], {})
    assert Channel("user").takes(bell, READER)
    assert Channel("user:notification").takes(bell, READER)
    assert not Channel("public").takes(bell, READER)


def test_what_the_pages_alone_need_goes_to_no_stream() -> None:
    for kind in ("comment", "reactions", "keys", "reset"):
        assert not Channel("user").takes(Row(3, kind, [["u7"]], {"post": "42"}), READER)
