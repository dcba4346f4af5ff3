"""Raw data administration (/django-admin/) for accounts: an email-login UserAdmin, invitations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from essaim.accounts import services
from essaim.accounts.models import Invitation, User
from essaim.people import services as people_services


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "kind")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationAdminForm
    form = UserChangeAdminForm
    list_display = ("email", "first_name", "last_name", "handle", "kind", "is_active", "is_network_admin")
    list_filter = ("kind", "is_active", "is_network_admin", "is_communication_team", "is_compliance_officer")
    search_fields = ("email", "first_name", "last_name", "handle")
    ordering = ("last_name", "first_name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identity"), {"fields": ("first_name", "last_name", "handle", "kind")}),
        (
            _("Roles"),
            {"fields": ("is_active", "is_network_admin", "is_communication_team", "is_compliance_officer")},
        ),
        (_("Django admin"), {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Preferences"), {"fields": ("language", "timezone")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "kind", "usable_password", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm[User], change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            people_services.profile_refresh_keys(user=obj)  # the name or handle may have changed
            if "is_active" in form.changed_data and not obj.is_active:  # a deactivation, as on /manage/
                services.user_credentials_revoke(user=obj)
            return
        # New people go through the service so that they get a profile like everyone else.
        created = services.user_create(
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            kind=form.cleaned_data["kind"],
            password=form.cleaned_data.get("password1") or None,
            email_verified=True,
        )
        obj.pk = created.pk
        obj.handle = created.handle
        obj.password = created.password
        obj._state.adding = False
        obj._state.db = created._state.db


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Read-only here: invitations are sent from /manage/invitations/ so that the e-mail goes out."""

    list_display = ("email", "first_name", "last_name", "kind", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = (
        "email",
        "first_name",
        "last_name",
        "kind",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
        "user",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
