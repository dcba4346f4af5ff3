"""How django-allauth behaves in Essaim: sign-up policy and redirects."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        from essaim.network.selectors import network_settings

        return network_settings().signup_open
