"""Atom feeds out: valid Atom (feedparser reads them without a warning), exactly what the key's person may read,
revocable keys, conditional GET; the page where a person keeps their key."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from essaim.stream.models import Visibility
from essaim.syndication import services
from essaim.syndication.models import AtomKey
from tests.spaces.factories import SpaceFactory

ATOM = "{http://www.w3.org/2005/Atom}"
pytestmark = pytest.mark.django_db


def _key(user: User) -> str:
    return services.atom_key_get_or_create(actor=user).token


def _parse(response: object) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(response.content)  # type: ignore[attr-defined]
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


class TestTheDocument:
    def test_a_persons_feed_is_valid_atom_with_every_required_element(
        self, client: Client, employee: User, colleague: User
    ) -> None:
        stream_services.post_create(actor=colleague, body="Bonjour **tout le monde** & <les autres>")
        stream_services.post_create(actor=colleague, body="Deuxième nouvelle #atlas")
        response = client.get(f"/atom/{_key(employee)}/@{colleague.handle}.atom")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        parsed = _parse(response)
        assert [e.title for e in parsed.entries] == ["Deuxième nouvelle #atlas", "Bonjour tout le monde & <les autres>"]
        assert "<strong>tout le monde</strong>" in parsed.entries[1].summary
        # RFC 4287 4.1.1 and 4.1.2: a feed has an id, a title and updated; each entry an id, a title, updated, an
        # author (its own here) and a link.
        root = ET.fromstring(response.content)  # noqa: S314 - our own document
        for name in ("id", "title", "updated"):
            assert root.find(ATOM + name) is not None, name
        assert root.find(f"{ATOM}link[@rel='self']") is not None
        entries = root.findall(ATOM + "entry")
        assert len(entries) == 2
        for entry in entries:
            for name in ("id", "title", "updated", "author/" + ATOM + "name", "link"):
                assert entry.find(ATOM + name) is not None, name
        assert parsed.entries[0].author == colleague.get_full_name()
        assert parsed.entries[0].link.startswith("http")
        assert "/posts/" in parsed.entries[0].link

    def test_a_post_behind_a_content_warning_shows_its_warning_never_its_text(
        self, client: Client, employee: User, colleague: User
    ) -> None:
        stream_services.post_create(actor=colleague, body="Le majordome est coupable", spoiler_text="Fin du film")
        response = client.get(f"/atom/{_key(employee)}/@{colleague.handle}.atom")
        [entry] = _parse(response).entries
        assert "Fin du film" in entry.title
        assert "Fin du film" in entry.summary
        assert "majordome" not in response.content.decode()

    def test_an_empty_feed_is_still_valid(self, client: Client, employee: User) -> None:
        parsed = _parse(client.get(f"/atom/{_key(employee)}/company.atom"))
        assert parsed.entries == []

    def test_every_kind_of_page_has_its_feed(self, client: Client, employee: User, colleague: User) -> None:
        space = SpaceFactory(slug="atlas")
        Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        stream_services.post_create(actor=employee, body="Dans l'espace #projet", space=space)
        stream_services.post_create(actor=colleague, body="Pour tous #projet")
        key = _key(employee)
        titles = {
            path: [e.title for e in _parse(client.get(f"/atom/{key}/{path}")).entries]
            for path in ("home.atom", "company.atom", "spaces/atlas.atom", "tags/projet.atom")
        }
        assert titles["spaces/atlas.atom"] == ["Dans l'espace #projet"]
        assert titles["company.atom"] == ["Pour tous #projet"]
        assert set(titles["tags/projet.atom"]) == {"Dans l'espace #projet", "Pour tous #projet"}
        assert "Dans l'espace #projet" in titles["home.atom"]


class TestWhatAKeyReads:
    def test_never_what_its_person_may_not_read(self, client: Client, employee: User, colleague: User) -> None:
        secret = SpaceFactory(slug="secret", visibility=Space.Visibility.SECRET)
        Membership.objects.create(space=secret, user=colleague, role=Membership.Role.MEMBER)
        stream_services.post_create(actor=colleague, body="Confidentiel #projet", space=secret)
        stream_services.post_create(actor=colleague, body="Pour mes abonnés", visibility=Visibility.FOLLOWERS)
        stream_services.post_create(actor=colleague, body="Public #projet")
        key = _key(employee)
        assert client.get(f"/atom/{key}/spaces/secret.atom").status_code == 404
        for path in (f"@{colleague.handle}.atom", "tags/projet.atom", "home.atom", "company.atom"):
            body = client.get(f"/atom/{key}/{path}").content
            assert b"Confidentiel" not in body, path
            assert "abonnés".encode() not in body, path
        assert b"Confidentiel" in client.get(f"/atom/{_key(colleague)}/spaces/secret.atom").content

    def test_a_member_who_leaves_reads_no_more(self, client: Client, employee: User, colleague: User) -> None:
        private = SpaceFactory(slug="prive", visibility=Space.Visibility.PRIVATE)
        Membership.objects.create(space=private, user=colleague, role=Membership.Role.MEMBER)
        membership = Membership.objects.create(space=private, user=employee, role=Membership.Role.MEMBER)
        stream_services.post_create(actor=colleague, body="Entre nous", space=private)
        key = _key(employee)
        assert b"Entre nous" in client.get(f"/atom/{key}/spaces/prive.atom").content
        membership.delete()
        assert client.get(f"/atom/{key}/spaces/prive.atom").status_code == 404

    def test_a_guest_has_no_company_feed(self, client: Client, guest: User) -> None:
        key = _key(guest)
        assert client.get(f"/atom/{key}/company.atom").status_code == 404
        assert client.get(f"/atom/{key}/home.atom").status_code == 200

    def test_a_changed_revoked_or_unknown_key_or_a_deactivated_person_is_a_404(
        self, client: Client, employee: User
    ) -> None:
        old = _key(employee)
        new = services.atom_key_regenerate(actor=employee).token
        assert client.get(f"/atom/{old}/home.atom").status_code == 404
        assert client.get(f"/atom/{new}/home.atom").status_code == 200
        assert client.get("/atom/nothing/home.atom").status_code == 404
        User.objects.filter(pk=employee.pk).update(is_active=False)
        assert client.get(f"/atom/{new}/home.atom").status_code == 404
        User.objects.filter(pk=employee.pk).update(is_active=True)
        services.atom_key_revoke(actor=employee)
        assert client.get(f"/atom/{new}/home.atom").status_code == 404


class TestConditionalGet:
    def test_etag_and_last_modified_answer_304_until_something_new(
        self, client: Client, employee: User, colleague: User
    ) -> None:
        stream_services.post_create(actor=colleague, body="Première")
        url = f"/atom/{_key(employee)}/company.atom"
        first = client.get(url)
        etag, modified = first["ETag"], first["Last-Modified"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
        stream_services.post_create(actor=colleague, body="Seconde")
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 200
        assert again["ETag"] != etag


class TestTheKeyPage:
    def test_make_see_change_and_turn_off_my_key(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        page = client.get("/accounts/atom/")
        assert page.status_code == 200
        assert "Get my feed key" in page.content.decode()
        assert client.post("/accounts/atom/key", {"do": "make", "for": "tag:projet"}).status_code == 302
        token = AtomKey.objects.get(user=employee).token
        page = client.get("/accounts/atom/?for=tag:projet").content.decode()
        assert f"/atom/{token}/home.atom" in page
        assert f"/atom/{token}/tags/projet.atom" in page
        client.post("/accounts/atom/key", {"do": "regenerate"})
        assert AtomKey.objects.get(user=employee).token != token
        client.post("/accounts/atom/key", {"do": "revoke"})
        assert not AtomKey.objects.exists()
        assert client.post("/accounts/atom/key", {"do": "?"}).status_code == 400

    def test_anonymous_visitors_are_sent_to_sign_in(self, client: Client) -> None:
        response = client.get("/accounts/atom/")
        assert response.status_code == 302
        assert "/accounts/login/" in response.url
