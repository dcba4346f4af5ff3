from __future__ import annotations

import pytest
from django.http import Http404

from essaim.accounts import selectors, services
from essaim.accounts.models import User


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
