"""Reply and posting addresses: signed, case-insensitive, short enough for a mail address, expiring for replies."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from essaim.mailgate import addresses

TODAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _domain(settings: Any) -> None:
    settings.MAIL_IN_DOMAIN = "rse.example.com"


def test_a_reply_address_names_the_person_the_post_and_the_thread() -> None:
    address = addresses.reply_address(user_id=7, post_id=388201582179533151, parent_id=388201582179533999, today=TODAY)
    local, domain = address.split("@")
    assert domain == "rse.example.com"
    assert local.startswith("reply-")
    assert len(local) <= 64, "RFC 5321's limit for a local part"
    assert addresses.read(address) == addresses.Target(
        kind="reply", user_id=7, post_id=388201582179533151, parent_id=388201582179533999, issued=TODAY
    )


def test_a_posting_address_names_the_person_and_the_space() -> None:
    address = addresses.post_address(user_id=7, space_id=12)
    assert addresses.read(address) == addresses.Target(kind="post", user_id=7, space_id=12)
    assert addresses.read(address.upper()) == addresses.read(address), "mail systems may change case"
    assert addresses.read(f"<{address}>") == addresses.read(address)


def test_a_reply_address_expires_a_posting_address_does_not() -> None:
    reply = addresses.read(addresses.reply_address(user_id=7, post_id=1, today=TODAY))
    assert not addresses.expired(reply, today=TODAY + timedelta(days=30))
    assert addresses.expired(reply, today=TODAY + timedelta(days=31))
    assert not addresses.expired(addresses.read(addresses.post_address(user_id=7, space_id=12)), today=date(2099, 1, 1))


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("reply-abc@elsewhere.example.com", "unknown"),
        ("hello@rse.example.com", "unknown"),
        ("reply-@rse.example.com", "unknown"),
        ("reply-!!!@rse.example.com", "forged"),
        ("post-aaaaaaaaaaaaaaaaaaaaaaaaaaaa@rse.example.com", "forged"),
    ],
)
def test_what_is_not_ours_is_refused(address: str, code: str) -> None:
    with pytest.raises(addresses.AddressError) as refused:
        addresses.read(address)
    assert refused.value.code == code


def test_changing_any_character_breaks_the_signature() -> None:
    address = addresses.post_address(user_id=7, space_id=12)
    local, domain = address.split("@")
    for index in range(len("post-"), len(local)):
        changed = local[:index] + ("a" if local[index] != "a" else "b") + local[index + 1 :]
        with pytest.raises(addresses.AddressError):
            addresses.read(f"{changed}@{domain}")


def test_a_reply_address_for_one_kind_is_not_read_as_the_other() -> None:
    token = addresses.post_address(user_id=7, space_id=12).split("-", 1)[1]
    with pytest.raises(addresses.AddressError):
        addresses.read(f"reply-{token}")


def test_without_a_mail_domain_there_are_no_addresses(settings: Any) -> None:
    settings.MAIL_IN_DOMAIN = ""
    assert addresses.reply_address(user_id=7, post_id=1) == ""
    assert addresses.post_address(user_id=7, space_id=1) == ""
