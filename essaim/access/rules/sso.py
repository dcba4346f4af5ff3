"""The company's single sign-on providers (``oidc.OidcProvider``, ``saml.SamlProvider``) and its LDAP directory
(``ldap.LdapDirectory``): network administrators see, change, test and delete them (and sync the directory),
nobody else (``Action.MANAGE_SSO`` in ``rules/network.py`` for the pages)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor


class OidcProviderPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return action in {Action.VIEW, Action.EDIT, Action.DELETE} and roles.is_network_admin(actor)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if roles.is_network_admin(actor) else queryset.none()


class LdapDirectoryPolicy(OidcProviderPolicy):
    """The directory is configured, tested and synced like a provider, and never deleted (it is disabled)."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return action in {Action.VIEW, Action.EDIT} and roles.is_network_admin(actor)


register("oidc.OidcProvider", OidcProviderPolicy())
register("sso_saml.SamlProvider", OidcProviderPolicy())
register("ldap.LdapDirectory", LdapDirectoryPolicy())
