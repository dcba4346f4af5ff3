from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from essaim.accounts.models import User
from essaim.api import selectors, services
from essaim.api.models import PersonalToken


class TestPersonalTokenCreate:
    def test_the_secret_is_returned_once_and_only_its_hash_is_stored(self, employee: User) -> None:
        token, raw = services.personal_token_create(actor=employee, name="  Weekly report  ")
        stored = PersonalToken.objects.get(pk=token.pk)
        assert raw.startswith("essaim_")
        assert len(raw) > 40
        assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw not in {stored.token_hash, stored.prefix, stored.name}
        assert raw.startswith(stored.prefix)
        assert stored.name == "Weekly report"
        assert stored.user == employee

    def test_two_tokens_never_share_a_secret(self, employee: User) -> None:
        _a, first = services.personal_token_create(actor=employee, name="A")
        _b, second = services.personal_token_create(actor=employee, name="B")
        assert first != second

    def test_anonymous_cannot_create_a_token(self, db: None) -> None:
        from django.contrib.auth.models import AnonymousUser

        with pytest.raises(PermissionDenied):
            services.personal_token_create(actor=AnonymousUser(), name="x")


class TestPersonalTokenRevoke:
    def test_owner_revokes_and_the_token_stops_authenticating(self, employee: User) -> None:
        token, raw = services.personal_token_create(actor=employee, name="A")
        services.personal_token_revoke(actor=employee, token=token)
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert selectors.personal_token_authenticate(raw=raw) is None

    def test_someone_else_gets_404_for_my_token(self, employee: User, colleague: User) -> None:
        token, _raw = services.personal_token_create(actor=employee, name="A")
        with pytest.raises(Http404):
            services.personal_token_revoke(actor=colleague, token=token)


class TestPersonalTokenTouch:
    def test_last_use_is_recorded_at_most_once_a_minute(self, employee: User) -> None:
        token, _raw = services.personal_token_create(actor=employee, name="A")
        services.personal_token_touch(token=token)
        first = PersonalToken.objects.get(pk=token.pk).last_used_at
        assert first is not None
        services.personal_token_touch(token=token)
        assert PersonalToken.objects.get(pk=token.pk).last_used_at == first
