"""The permission matrix of Atom keys, muted sources and link cards: role × action → allowed / 403 / 404 / login.

* ``atom_key`` (``KEEP_ATOM_FEED``, network level): every signed-in person keeps their own key.
* ``mute_source`` (``MUTE_SOURCE``, network level): every signed-in person mutes sources for themselves.
* A key and a mute are their person's alone (``VIEW``, ``EDIT``/``DELETE``): anyone else gets 404.
* ``remove_card`` (``REMOVE_LINK_PREVIEW`` on a post): its author only; a reader who is not gets 403, someone who
  may not read the post 404 (the post's own rules: ``tests/access/test_rules_stream.py`` for reading).
"""

from __future__ import annotations

import pytest
from django.test import Client

from essaim import access
from essaim.access import Action
from essaim.accounts.services import feed_account_create
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from essaim.stream.models import SourceMute
from essaim.syndication import services as atom_services
from essaim.syndication.models import AtomKey
from tests.access.conftest import NETWORK_ROLES, network_actor, read_table
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory

#                anon guest employee communication compliance network_admin
NETWORK = read_table(
    """
    atom_key     403  ok    ok       ok            ok         ok
    mute_source  403  ok    ok       ok            ok         ok
    """,
    NETWORK_ROLES,
)
POST_ROLES = ["anonymous", "outsider", "reader", "author", "network_admin"]
#              anon outsider reader author netadm
CARD = read_table(
    """
    company    login 403     403    ok     403
    secret     login 404     403    ok     404
    """,
    POST_ROLES,
)


@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_network_rights(client: Client, db: None, role: str) -> None:
    actor = network_actor(role)
    assert access.can(actor, Action.KEEP_ATOM_FEED) is (NETWORK["atom_key", role] == "ok")
    assert access.can(actor, Action.MUTE_SOURCE) is (NETWORK["mute_source", role] == "ok")
    if role != "anonymous":
        client.force_login(actor)
    answers = {
        "atom_key": client.post("/accounts/atom/key", {"do": "make"}),
        "mute_source": client.post("/sources/mute", {"author": feed_account_create(name="Flux").handle}),
    }
    for name, response in answers.items():
        if role == "anonymous":
            assert response.status_code == 302, name
            assert "/accounts/login/" in response.url
        else:
            assert response.status_code == (302 if NETWORK[name, role] == "ok" else 403), name


def test_a_key_and_a_mute_are_their_persons_alone(client: Client, db: None) -> None:
    owner, other = UserFactory(), UserFactory()
    key = atom_services.atom_key_get_or_create(actor=owner)
    mute = stream_services.source_mute(actor=owner, author=feed_account_create(name="Flux"))
    for action in (Action.VIEW, Action.EDIT, Action.DELETE):
        assert access.can(owner, action, key)
        assert not access.can(other, action, key)
    assert access.can(owner, Action.DELETE, mute)
    assert not access.can(other, Action.DELETE, mute)
    assert list(access.visible(other, AtomKey.objects.all())) == []
    assert list(access.visible(other, SourceMute.objects.all())) == []
    assert list(access.visible(owner, SourceMute.objects.all())) == [mute]
    client.force_login(other)
    assert client.post(f"/sources/{mute.pk}/unmute").status_code == 404


@pytest.mark.parametrize("where", ["company", "secret"])
@pytest.mark.parametrize("role", POST_ROLES)
def test_removing_a_link_card(client: Client, db: None, role: str, where: str) -> None:
    author = UserFactory()
    users = {"outsider": UserFactory(), "reader": UserFactory(), "author": author,
             "network_admin": network_actor("network_admin")}  # fmt: skip
    space = None
    if where == "secret":
        space = SpaceFactory(visibility=Space.Visibility.SECRET)
        for member in (author, users["reader"]):
            Membership.objects.create(space=space, user=member, role=Membership.Role.MEMBER)
    post = stream_services.post_create(actor=author, body="Un lien", space=space)
    expected = CARD[where, role]
    if role == "anonymous":
        response = client.post(f"/posts/{post.pk}/link-preview/remove")
        assert response.status_code == 302
        assert "/accounts/login/" in response.url
        return
    actor = users[role]
    assert access.can(actor, Action.REMOVE_LINK_PREVIEW, post) is (expected == "ok")
    client.force_login(actor)
    response = client.post(f"/posts/{post.pk}/link-preview/remove")
    assert response.status_code == (302 if expected == "ok" else int(expected))
