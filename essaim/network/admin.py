from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from essaim.network import services
from essaim.network.models import NetworkSettings


@admin.register(NetworkSettings)
class NetworkSettingsAdmin(admin.ModelAdmin[NetworkSettings]):
    list_display = ("name", "signup_open", "signup_domains", "guests_allowed")
    exclude = ("logo",)  # uploaded from /manage/network/, where the picture is checked and resized

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not NetworkSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: NetworkSettings | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: NetworkSettings, form: forms.ModelForm[NetworkSettings], change: bool
    ) -> None:
        services.network_settings_update(
            actor=request.user,
            name=obj.name,
            accent_color=obj.accent_color,
            signup_open=obj.signup_open,
            signup_domains=obj.signup_domains,
            guests_allowed=obj.guests_allowed,
        )
