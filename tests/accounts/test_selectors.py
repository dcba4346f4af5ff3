from __future__ import annotations

import pytest
from django.http import Http404

from essaim.accounts import selectors, services
from essaim.accounts.models import User
from tests.accounts.factories import AdminFactory


class TestInvitationListFor:
    def test_only_network_admins_see_invitations(self, network_admin: User, employee: User) -> None:
        invitation = services.invitation_send(actor=network_admin, email="new@example.com")
        assert list(selectors.invitation_list_for(actor=network_admin)) == [invitation]
        assert list(selectors.invitation_list_for(actor=employee)) == []
        with pytest.raises(Http404):
            selectors.invitation_get_for(actor=employee, invitation_id=invitation.pk)


class TestUserListFor:
    def test_admins_see_deactivated_people_employees_do_not(
        self, network_admin: User, employee: User, colleague: User
    ) -> None:
        services.user_deactivate(actor=network_admin, user=colleague)
        assert colleague in selectors.user_list_for(actor=network_admin)
        assert colleague not in selectors.user_list_for(actor=employee)

    @pytest.mark.parametrize("query", ["eloise", "ÉLOÏSE", "dupre", "eloise.dupre"])
    def test_search_ignores_case_and_accents(self, network_admin: User, colleague: User, query: str) -> None:
        assert list(selectors.user_list_for(actor=network_admin, query=query)) == [colleague]

    def test_search_by_email(self, network_admin: User, colleague: User) -> None:
        local_part = colleague.email.split("@")[0] + "@"  # person1@ must not match person10@
        assert list(selectors.user_list_for(actor=network_admin, query=local_part)) == [colleague]

    @pytest.mark.parametrize("query", ["@eloise", "@eloise.dup", "dupré éloïse", "dup elo", "ELOISE.DUPRE"])
    def test_search_finds_words_in_any_order_and_handles_with_an_at(
        self, network_admin: User, colleague: User, employee: User, query: str
    ) -> None:
        assert list(selectors.user_list_for(actor=network_admin, query=query)) == [colleague]

    def test_search_finds_the_start_of_words_only(self, network_admin: User, colleague: User) -> None:
        assert list(selectors.user_list_for(actor=network_admin, query="loise")) == []


class TestInvitationBatches:
    def test_the_preview_checks_every_line(self, network_admin: User, employee: User) -> None:
        text = f"email;first name\nnew@example.com;N\n{employee.email};L\nbad;B\n"
        batch = services.invitation_batch_create(actor=network_admin, filename="f.csv", data=text.encode())
        preview = selectors.invitation_batch_preview(batch=batch)
        assert [line.email for line in preview.ready] == ["new@example.com"]
        assert [line.number for line in preview.wrong] == [3, 4]

    def test_a_file_is_its_uploaders_only(self, network_admin: User) -> None:
        batch = services.invitation_batch_create(actor=network_admin, filename="f.csv", data=b"a@example.com\n")
        assert selectors.invitation_batch_get_for(actor=network_admin, batch_id=batch.pk) == batch
        with pytest.raises(Http404):
            selectors.invitation_batch_get_for(actor=AdminFactory(), batch_id=batch.pk)
