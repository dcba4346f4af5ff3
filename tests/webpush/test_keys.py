"""The network's VAPID key pair: made once, on first use; its private half sealed with SECRET_KEY; a new pair when
SECRET_KEY changed (and the subscriptions made with the old one dropped); or the operator's own key."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from essaim.accounts.models import User
from essaim.webpush import keys
from essaim.webpush.models import PushSubscription, VapidKey
from tests.webpush.conftest import app_client, subscribe
from tests.webpush.push_service import PushService


def test_made_once_on_first_use_and_kept(db: None) -> None:
    assert not VapidKey.objects.exists()
    first = keys.public_key()
    assert keys.public_key() == first
    assert VapidKey.objects.count() == 1
    assert keys.raw_public(keys.signer().public_key) == first


def test_the_private_key_is_not_stored_in_clear(db: None) -> None:
    keys.public_key()
    raw = keys.raw_private(keys.signer().private_key)
    assert raw not in VapidKey.objects.get().private_key_sealed


def test_a_new_secret_key_makes_a_new_pair_and_drops_the_old_subscriptions(
    settings: object, push: PushService, colleague: User
) -> None:
    subscribe(app_client(colleague), push)
    before = keys.public_key()
    settings.SECRET_KEY = "another-secret-key-" * 3  # type: ignore[attr-defined]
    after = keys.public_key()
    assert after != before
    assert keys.raw_public(keys.signer().public_key) == after
    assert not PushSubscription.objects.exists()


def test_the_operators_own_key_wins(settings: object, db: None) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = keys.raw_private(private)  # type: ignore[attr-defined]
    assert keys.public_key() == keys.raw_public(private.public_key())
    assert not VapidKey.objects.exists()
    signed = keys.signer().sign({"sub": "mailto:ops@example.com", "aud": "https://push.example.net"})
    assert Vapid02.verify(signed["Authorization"])


def test_the_subject_is_the_senders_address_unless_given(settings: object) -> None:
    settings.DEFAULT_FROM_EMAIL = "Atlas <rse@atlas.example>"  # type: ignore[attr-defined]
    assert keys.subject() == "mailto:rse@atlas.example"
    settings.VAPID_SUBJECT = "https://rse.atlas.example"  # type: ignore[attr-defined]
    assert keys.subject() == "https://rse.atlas.example"
