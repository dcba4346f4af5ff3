"""/charter/, /manage/charter/ (publish, preview, errors in the reader's language), the acceptances' CSV export
(logged), and a space's charter: its editor in the settings, its gate on the space's page, and posting."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.audit.models import AuditAction, AuditEntry
from essaim.charters import services
from essaim.charters.models import Charter, CharterAcceptance
from essaim.spaces.models import Membership
from essaim.stream import services as stream
from tests.accounts.factories import UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory

pytestmark = pytest.mark.django_db
MANAGE = reverse("charters:manage")
CHARTER = reverse("charters:accept")
EXPORT = reverse("charters:export")


def publish(actor: User, space: Any = None, *, major: bool = True) -> Charter:
    return services.charter_publish(
        actor=actor, space=space, body_fr="Soyez **courtois**.", body_en="Be **courteous**.", requires_acceptance=major
    )


class TestTheChartersPage:
    def test_without_a_charter(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        assert "No usage charter has been published yet." in client.get(CHARTER).text

    def test_the_text_in_the_readers_language_with_its_version(
        self, client: Client, employee: User, network_admin: User
    ) -> None:
        publish(network_admin)
        client.force_login(employee)
        page = client.get(CHARTER).text
        assert "Be <strong>courteous</strong>." in page
        assert "Version 1" in page
        assert "I accept" in page
        assert "I decline and sign out" in page
        employee.language = "fr"
        employee.save(update_fields=["language"])
        assert "Soyez <strong>courtois</strong>." in client.get(CHARTER).text

    def test_a_text_in_one_language_is_read_in_the_other(self, client: Client, network_admin: User) -> None:
        services.charter_publish(
            actor=network_admin, body_fr="Seulement en français.", body_en="", requires_acceptance=True
        )
        client.force_login(network_admin)
        assert "Seulement en français." in client.get(CHARTER).text

    def test_once_accepted_it_says_when(self, client: Client, employee: User, network_admin: User) -> None:
        charter = publish(network_admin)
        client.force_login(employee)
        client.post(CHARTER, {"charter": charter.pk})
        page = client.get(CHARTER).text
        assert "You accepted version 1 on" in page
        assert "I accept" not in page

    def test_a_stale_form_is_sent_back_to_read_the_new_version(
        self, client: Client, employee: User, network_admin: User
    ) -> None:
        first = publish(network_admin)
        publish(network_admin)
        client.force_login(employee)
        response = client.post(CHARTER, {"charter": first.pk}, follow=True)
        assert "A newer version of the charter was published" in response.text
        assert not CharterAcceptance.objects.filter(user=employee).exists()

    def test_an_outside_next_is_ignored(self, client: Client, employee: User, network_admin: User) -> None:
        charter = publish(network_admin)
        client.force_login(employee)
        assert client.post(CHARTER, {"charter": charter.pk, "next": "https://evil.example/"}).url == "/"

    def test_anonymous_visitors_sign_in_first(self, client: Client) -> None:
        assert client.get(CHARTER).url.startswith(reverse("account_login"))

    def test_the_account_menu_links_it(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        assert f'href="{CHARTER}"' in client.get("/").text


class TestManage:
    def test_the_first_version_asks_everyone_without_a_choice(self, client: Client, network_admin: User) -> None:
        client.force_login(network_admin)
        page = client.get(MANAGE).text
        assert "Publish the first version" in page
        assert 'name="requires_acceptance"' not in page
        response = client.post(MANAGE, {"body_fr": "Règle", "body_en": "Rule"})
        assert response.status_code == 302
        charter = Charter.objects.get()
        assert (charter.version, charter.requires_acceptance, charter.published_by) == (1, True, network_admin)

    def test_a_minor_version(self, client: Client, network_admin: User) -> None:
        publish(network_admin)
        client.force_login(network_admin)
        page = client.get(MANAGE).text
        assert "Ask everyone to accept this version again" in page
        assert "Soyez **courtois**." in page, "the form starts from the current text"
        response = client.post(MANAGE, {"body_fr": "Soyez courtois !", "body_en": "Be courteous!"}, follow=True)
        assert "Version 2 is published; nobody is asked to accept it again." in response.text
        assert Charter.objects.get(version=2).requires_acceptance is False

    def test_the_preview_publishes_nothing(self, client: Client, network_admin: User) -> None:
        client.force_login(network_admin)
        response = client.post(MANAGE, {"body_fr": "", "body_en": "A *new* rule", "preview": "1"})
        assert response.status_code == 200
        assert "A <em>new</em> rule" in response.text
        assert not Charter.objects.exists()

    def test_an_empty_text_is_refused_in_the_readers_language(self, client: Client, network_admin: User) -> None:
        client.force_login(network_admin)
        response = client.post(MANAGE, {"body_fr": "", "body_en": " "})
        assert response.status_code == 400
        assert "Write the charter&#x27;s text in French, in English, or in both." in response.text
        network_admin.language = "fr"
        network_admin.save(update_fields=["language"])
        assert client.post(MANAGE, {"body_fr": "", "body_en": ""}).status_code == 400

    def test_the_history_counts_acceptances(self, client: Client, network_admin: User, employee: User) -> None:
        charter = publish(network_admin)
        services.charter_accept(actor=employee, charter=charter)
        client.force_login(network_admin)
        assert "2 people" in client.get(MANAGE).text

    @pytest.mark.parametrize("kind", ["employee", "compliance", "guest"])
    def test_others_get_403(self, client: Client, kind: str) -> None:
        person = {
            "employee": UserFactory,
            "compliance": lambda: UserFactory(is_compliance_officer=True),
            "guest": lambda: UserFactory(kind=User.Kind.GUEST),
        }[kind]()
        client.force_login(person)
        assert client.get(MANAGE).status_code == 403
        assert client.post(MANAGE, {"body_fr": "x"}).status_code == 403
        assert not Charter.objects.exists()


class TestExport:
    def test_who_which_version_when_and_logged(self, client: Client, network_admin: User) -> None:
        lea = UserFactory(first_name="Léa", last_name="Martin", email="lea@example.com", handle="lea")
        services.charter_accept(actor=lea, charter=publish(network_admin))
        space = SpaceFactory(slug="atlas")
        services.charter_accept(actor=network_admin, charter=publish(network_admin, space))
        officer = UserFactory(is_compliance_officer=True)
        client.force_login(officer)
        assert client.post(EXPORT).url == CHARTER, "officers accept the charter too, first"
        client.post(CHARTER, {"charter": Charter.objects.get(space=None).pk})
        response = client.post(EXPORT)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="essaim-charter-acceptances-')
        text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [(r["handle"], r["charter"], r["version"]) for r in rows] == [
            (network_admin.handle, "network", "1"),
            ("lea", "network", "1"),
            (network_admin.handle, "atlas", "1"),
            (officer.handle, "network", "1"),
        ]
        assert rows[1]["name"] == "Léa Martin"
        assert rows[1]["email"] == "lea@example.com"
        assert rows[1]["accepted_at"]
        entry = AuditEntry.objects.filter(action=AuditAction.CHARTER_ACCEPTANCES_EXPORTED).get()
        assert entry.actor_id == officer.pk

    def test_a_name_is_never_a_formula(self, client: Client, network_admin: User) -> None:
        services.charter_accept(actor=UserFactory(first_name="=HYPERLINK(1)"), charter=publish(network_admin))
        client.force_login(network_admin)
        text = b"".join(client.post(EXPORT).streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        assert "'=HYPERLINK(1)" in text

    def test_employees_get_403_and_nothing_is_logged(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        assert client.post(EXPORT).status_code == 403
        assert client.get(EXPORT).status_code == 403
        assert not AuditEntry.objects.filter(action=AuditAction.CHARTER_ACCEPTANCES_EXPORTED).exists()


class TestSpaceCharter:
    @pytest.fixture
    def space(self) -> Any:
        return SpaceFactory(slug="atlas", name="Projet Atlas")

    @pytest.fixture
    def owner(self, space: Any) -> User:
        return MembershipFactory(space=space, role=Membership.Role.OWNER).user

    def test_the_owner_writes_it_in_the_settings(self, client: Client, space: Any, owner: User) -> None:
        client.force_login(owner)
        assert (
            reverse("spaces:space-charter-edit", kwargs={"slug": "atlas"}) in client.get("/spaces/atlas/settings/").text
        )
        response = client.post("/spaces/atlas/settings/charter/", {"body_fr": "Pas de secrets ici.", "body_en": ""})
        assert response.status_code == 302
        assert Charter.objects.get(space=space).version == 1

    def test_a_moderator_may_not(self, client: Client, space: Any) -> None:
        moderator = MembershipFactory(space=space, role=Membership.Role.MODERATOR).user
        client.force_login(moderator)
        assert client.get("/spaces/atlas/settings/charter/").status_code == 403

    def test_a_guest_accepts_before_entering(self, client: Client, space: Any, owner: User, guest: User) -> None:
        publish(owner, space)
        MembershipFactory(space=space, user=guest)
        client.force_login(guest)
        gate = client.get("/spaces/atlas/")
        assert gate.status_code == 200
        assert "Accept and enter" in gate.text
        assert "Be <strong>courteous</strong>." in gate.text
        assert 'id="space-stream"' not in gate.text
        charter = Charter.objects.get(space=space)
        assert client.post("/spaces/atlas/charter/", {"charter": charter.pk}).url == "/spaces/atlas/"
        page = client.get("/spaces/atlas/")
        assert 'id="space-stream"' in page.text
        assert 'href="/spaces/atlas/charter/"' in page.text, "to reread it"

    def test_nobody_posts_or_comments_before_accepting(self, space: Any, owner: User, employee: User) -> None:
        MembershipFactory(space=space, user=employee)
        post = stream.post_create(actor=owner, body="Bienvenue", space=space)
        publish(owner, space)
        with pytest.raises(PermissionDenied):
            stream.post_create(actor=employee, body="Bonjour", space=space)
        with pytest.raises(PermissionDenied):
            stream.comment_create(actor=employee, post=post, body="Merci")
        services.charter_accept(actor=employee, charter=Charter.objects.get(space=space))
        assert stream.post_create(actor=employee, body="Bonjour", space=space).space_id == space.pk

    def test_a_space_without_charter_has_no_charter_page(self, client: Client, space: Any, owner: User) -> None:
        client.force_login(owner)
        assert client.get("/spaces/atlas/charter/").status_code == 404
