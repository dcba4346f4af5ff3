from __future__ import annotations

import pytest
from django.http import Http404

from essaim.accounts.models import User
from essaim.api import selectors, services
from essaim.people.models import Profile


class TestPersonalTokenAuthenticate:
    def test_finds_an_active_token_by_its_secret(self, employee: User) -> None:
        token, raw = services.personal_token_create(actor=employee, name="A")
        assert selectors.personal_token_authenticate(raw=raw) == token

    @pytest.mark.parametrize("raw", ["", "essaim_wrong", "not-even-ours", "essaim_" + "x" * 300])
    def test_unknown_secrets_find_nothing(self, employee: User, raw: str) -> None:
        services.personal_token_create(actor=employee, name="A")
        assert selectors.personal_token_authenticate(raw=raw) is None

    def test_a_revoked_token_finds_nothing(self, employee: User) -> None:
        token, raw = services.personal_token_create(actor=employee, name="A")
        services.personal_token_revoke(actor=employee, token=token)
        assert selectors.personal_token_authenticate(raw=raw) is None

    def test_one_query_gives_the_token_with_its_owner(self, employee: User, django_assert_num_queries: object) -> None:
        token, raw = services.personal_token_create(actor=employee, name="A")
        with django_assert_num_queries(1):  # type: ignore[operator]
            found = selectors.personal_token_authenticate(raw=raw)
            assert found is not None
            assert found.user == employee
            assert found.user.is_active is True
        assert found.token_hash == token.token_hash
        assert found.created_at == token.created_at

    def test_the_owners_profile_comes_in_the_same_query(
        self, employee: User, django_assert_num_queries: object
    ) -> None:
        _token, raw = services.personal_token_create(actor=employee, name="A")
        Profile.objects.update_or_create(user=employee, defaults={"job_title": "Buyer"})
        with django_assert_num_queries(1):  # type: ignore[operator]
            found = selectors.personal_token_authenticate(raw=raw)
            assert found is not None
            assert found.user.profile.job_title == "Buyer"
            assert found.user.profile.user is found.user

    def test_a_deactivated_persons_token_finds_nothing(self, employee: User) -> None:
        _token, raw = services.personal_token_create(actor=employee, name="A")
        User.objects.filter(pk=employee.pk).update(is_active=False)
        assert selectors.personal_token_authenticate(raw=raw) is None


class TestPersonalTokenList:
    def test_people_see_only_their_own_tokens(self, employee: User, colleague: User) -> None:
        mine, _ = services.personal_token_create(actor=employee, name="Mine")
        services.personal_token_create(actor=colleague, name="Theirs")
        assert list(selectors.personal_token_list_for(actor=employee)) == [mine]
        with pytest.raises(Http404):
            selectors.personal_token_get_for(actor=colleague, token_id=mine.pk)
