"""Fixtures for API tests: a personal token and an authenticated client."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.api import services


class TokenClient(Client):
    """A test client that sends ``Authorization: Bearer <token>`` on every request."""

    def __init__(self, raw_token: str, **kwargs: Any) -> None:
        super().__init__(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw_token}"}, **kwargs)


@pytest.fixture
def employee_token(employee: User) -> str:
    _token, raw = services.personal_token_create(actor=employee, name="Script")
    return raw


@pytest.fixture
def api_client(employee_token: str) -> TokenClient:
    """Acts as ``employee`` through a personal token (CSRF enforced, as for any client)."""
    return TokenClient(employee_token)


def token_client_for(user: User) -> TokenClient:
    _token, raw = services.personal_token_create(actor=user, name="Script")
    return TokenClient(raw)
