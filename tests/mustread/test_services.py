from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from essaim.core.pagination import Cursor
from essaim.mustread import selectors, services
from essaim.mustread.models import ReadConfirmation
from essaim.notifications.models import Notification
from essaim.people.models import Department
from essaim.stream import selectors as stream_selectors
from essaim.stream import services as stream_services
from tests.accounts.factories import UserFactory


@pytest.fixture
def comms(db):
    return UserFactory(first_name="Camille", last_name="Comm", handle="camille.comm", is_communication_team=True)


@pytest.fixture
def policy(comms):
    return stream_services.post_create(actor=comms, body="Nouvelle politique de sécurité : lisez-la.")


@pytest.fixture
def must_read(comms, policy):
    return services.must_read_require(actor=comms, post=policy)


class TestRequire:
    def test_asking_pins_the_post_as_an_announcement(self, must_read, policy):
        policy.refresh_from_db()
        assert policy.is_active_announcement
        assert must_read.required_by_id == policy.author_id

    def test_an_employee_cannot_ask(self, employee, colleague):
        post = stream_services.post_create(actor=colleague, body="Mon post")
        with pytest.raises(PermissionDenied):
            services.must_read_require(actor=employee, post=post)


class TestConfirm:
    def test_pinned_until_confirmed(self, employee, must_read):
        pinned, _page = stream_selectors.feed_home(actor=employee, cursor=Cursor())
        assert [p.pk for p in pinned] == [must_read.pk]
        assert pinned[0].must_read_state.targeted
        assert not pinned[0].must_read_state.confirmed
        services.read_confirm(actor=employee, must_read=must_read)
        services.read_confirm(actor=employee, must_read=must_read)  # twice: nothing more
        assert ReadConfirmation.objects.count() == 1
        pinned, _page = stream_selectors.feed_home(actor=employee, cursor=Cursor())
        assert pinned == []

    def test_a_department_must_read_asks_only_that_department(self, comms, policy, employee, colleague):
        sales = Department.objects.create(name="Ventes")
        employee.profile.department = sales
        employee.profile.save()
        must_read = services.must_read_require(actor=comms, post=policy, department=sales)
        with pytest.raises(PermissionDenied):
            services.read_confirm(actor=colleague, must_read=must_read)
        services.read_confirm(actor=employee, must_read=must_read)
        found = selectors.confirmations_for(actor=comms, must_read=must_read)
        assert (found.confirmed_count, found.pending_count) == (1, 0)


class TestConfirmations:
    def test_the_author_sees_who_confirmed_and_who_has_not_and_reminds_them(
        self, comms, must_read, employee, colleague, drain_outbox
    ):
        services.read_confirm(actor=employee, must_read=must_read)
        found = selectors.confirmations_for(actor=comms, must_read=must_read)
        assert [u.pk for u, _when in found.confirmed] == [employee.pk]
        assert colleague in found.pending
        assert comms in found.pending or found.pending_count >= 1
        services.read_remind(actor=comms, must_read=must_read)
        drain_outbox()
        reminded = set(Notification.objects.filter(kind="must_read").values_list("recipient_id", flat=True))
        assert colleague.pk in reminded
        assert employee.pk not in reminded

    def test_an_employee_cannot_see_the_list_nor_remind(self, employee, must_read):
        with pytest.raises(PermissionDenied):
            selectors.confirmations_for(actor=employee, must_read=must_read)
        with pytest.raises(PermissionDenied):
            services.read_remind(actor=employee, must_read=must_read)

    def test_the_csv_lists_everyone_asked(self, client, comms, must_read, employee, colleague):
        services.read_confirm(actor=employee, must_read=must_read)
        client.force_login(comms)
        response = client.get(reverse("mustread:export", kwargs={"post_id": must_read.pk}))
        assert response.status_code == 200
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        assert lines[0] == "name,email,handle,confirmed,confirmed_at"
        rows = {line.split(",")[2]: line.split(",")[3] for line in lines[1:]}
        assert rows[employee.handle] == "yes"
        assert rows[colleague.handle] == "no"

    def test_the_csv_is_refused_to_an_employee(self, client, employee, must_read):
        client.force_login(employee)
        assert client.get(reverse("mustread:export", kwargs={"post_id": must_read.pk})).status_code == 403

    def test_the_pages(self, client, comms, must_read, employee, colleague):
        client.force_login(employee)
        home = client.get("/").content.decode()
        assert "I have read it" in home
        client.post(reverse("mustread:confirm", kwargs={"post_id": must_read.pk}))
        assert "I have read it" not in client.get("/").content.decode()
        client.force_login(comms)
        page = client.get(reverse("mustread:confirmations", kwargs={"post_id": must_read.pk})).content.decode()
        assert "1 person confirmed" in page
        assert "Remind the" in page
