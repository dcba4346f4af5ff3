from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from essaim.accounts.models import User
from essaim.network import services
from essaim.network.selectors import network_settings


def update(actor: User, **changes: object) -> None:
    values: dict[str, Any] = {
        "name": "Ruche",
        "accent_color": "#AA3300",
        "signup_open": True,
        "signup_domains": "Example.com, @example.fr example.com",
        "guests_allowed": True,
        **changes,
    }
    services.network_settings_update(actor=actor, **values)


class TestNetworkSettingsUpdate:
    def test_saves_and_refreshes_the_cached_settings(
        self, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        assert network_settings().name != "Ruche"  # cached now
        with django_capture_on_commit_callbacks(execute=True):
            update(network_admin)
        current = network_settings()
        assert current.name == "Ruche"
        assert current.accent_color == "#aa3300"
        assert current.signup_domains == "example.com, example.fr"

    def test_employees_cannot_change_the_settings(self, employee: User) -> None:
        with pytest.raises(PermissionDenied):
            update(employee)

    def test_a_bad_colour_is_refused(self, network_admin: User) -> None:
        with pytest.raises(ValidationError) as error:
            update(network_admin, accent_color="red")
        assert "accent_color" in error.value.message_dict


class TestNetworkRename:
    def test_renames_and_refreshes_the_cached_settings(
        self, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        assert network_settings().name == "Essaim"  # cached now
        with django_capture_on_commit_callbacks(execute=True):
            services.network_rename(actor=network_admin, name="  Atelier Boréal ")
        assert network_settings().name == "Atelier Boréal"

    def test_employees_cannot_rename(self, employee: User) -> None:
        with pytest.raises(PermissionDenied):
            services.network_rename(actor=employee, name="Hacked")

    def test_a_blank_name_is_refused(self, network_admin: User) -> None:
        with pytest.raises(ValidationError):
            services.network_rename(actor=network_admin, name=" ")
