"""What a sign-in through the company's identity provider does once allauth has checked its answer: an
OpenID Connect ID token (``oidc.OidcProvider``) or a signed SAML assertion (``saml.SamlProvider``), both
``SsoProvider``s; for SAML the "claims" are the assertion's attributes (``saml.adapter.claims_of``).

- ``first_sign_in_check``: someone the provider signs in for the first time is linked to the account that
  has their address only when the provider says it verified it (``email_verified``), and gets a new account
  only where the provider's ``account_creation`` allows; otherwise a page says why, in their language.
- ``claims_apply``: at every sign-in, the claims the provider maps fill the profile (name, job title,
  department or groups, site, phone, manager, language), written by the provider as the directory
  (``actors.IdentityProviderActor``) through the same services as SCIM; a department goes through
  ``scim.services.department_for_name``, so the automatic membership rules apply.
- ``two_factor_from_claims``: an ID token that proves a second factor satisfies the network's policy.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from essaim.accounts import services as accounts_services
from essaim.accounts.models import User
from essaim.accounts.two_factor import claims_prove_mfa, mark_verified_by_idp
from essaim.oidc.actors import IdentityProviderActor
from essaim.oidc.models import AccountCreation

LANGUAGES = {"fr": "fr", "en": "en"}
MAX_GROUPS = 200  # a person in more groups than that: the first ones are looked at


class SsoProvider(Protocol):
    """What the sign-in reads of a provider, whatever its protocol."""

    slug: str
    label: str
    account_creation: str

    @property
    def protocol_name(self) -> str: ...

    def claim(self, field: str) -> str: ...


class RefusedError(Exception):
    """The sign-in stops here, with a message for the person (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def claims_of(extra_data: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims with the userinfo endpoint's on top (allauth keeps both in ``extra_data``)."""
    id_token = extra_data.get("id_token") or {}
    userinfo = extra_data.get("userinfo") or {}
    return {**id_token, **userinfo} if isinstance(id_token, dict) and isinstance(userinfo, dict) else {}


def email_verified(claims: dict[str, Any]) -> bool:
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _address(claims: dict[str, Any]) -> str:
    email = claims.get("email")
    return User.objects.normalize_email(email).strip().lower() if isinstance(email, str) else ""


def may_create(provider: SsoProvider, email: str) -> bool:
    from essaim.network.selectors import network_settings

    if provider.account_creation == AccountCreation.DIRECTORY_ONLY:
        return False
    network = network_settings()
    domains = network.signup_domain_list
    in_domains = email.rsplit("@", 1)[-1] in domains
    if provider.account_creation == AccountCreation.DOMAINS:
        return in_domains
    return network.signup_open and (not domains or in_domains)


def first_sign_in_check(*, provider: SsoProvider, claims: dict[str, Any]) -> User | None:
    """The account to link this provider's person to (``None``: allauth creates one), or ``RefusedError``."""
    email = _address(claims)
    if not email:
        raise RefusedError(
            _("Your identity provider did not give an e-mail address: ask your IT department to share it.")
        )
    verified = email_verified(claims)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if not verified:
            raise RefusedError(
                _(
                    "An account already uses %(email)s, but your identity provider did not confirm that this "
                    "address is yours, so it was not linked. Sign in with your password, or ask your IT "
                    "department to mark the address as verified."
                )
                % {"email": email}
            )
        if not existing.is_active:
            raise RefusedError(_("This account is deactivated. Ask an administrator of your network."))
        return existing
    if not verified:
        raise RefusedError(
            _("Your identity provider did not confirm the address %(email)s: no account can be made with it.")
            % {"email": email}
        )
    if not may_create(provider, email):
        raise RefusedError(
            _(
                "There is no account for %(email)s on this network, and signing in through %(provider)s does "
                "not create one. Ask an administrator of your network for an invitation."
            )
            % {"email": email, "provider": provider.label}
        )
    return None


def refusal_page(request: HttpRequest, message: str) -> Any:
    return render(request, "oidc/refused.html", {"message": message}, status=403)


def _text(claims: dict[str, Any], name: str) -> str | None:
    """The claim as text, or ``None`` when the provider does not map or send it (the field is left alone)."""
    if not name or name not in claims:
        return None
    value = claims[name]
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip() if value is not None else ""


def _department(actor: IdentityProviderActor, provider: SsoProvider, claims: dict[str, Any], current: Any) -> Any:
    from essaim.scim.services import department_among, department_for_name

    groups = claims.get(provider.claim("groups")) if provider.claim("groups") else None
    if isinstance(groups, list):  # the first group that is a department, as SCIM's groups are departments
        department = department_among([group for group in groups if isinstance(group, str)][:MAX_GROUPS])
        if department is not None:
            return department
    wanted = _text(claims, provider.claim("department"))
    if wanted is None:
        return current
    return department_for_name(actor=actor, name=wanted[:120])


def _manager(claims: dict[str, Any], provider: SsoProvider, user: User, current: Any) -> Any:
    value = _text(claims, provider.claim("manager"))
    if value is None:
        return current
    if not value:
        return None
    manager = User.objects.filter(email__iexact=value, is_active=True).exclude(pk=user.pk).first()
    return manager if manager is not None else current


def _site(claims: dict[str, Any], provider: SsoProvider, current: Any) -> Any:
    from essaim.people.models import Site

    value = _text(claims, provider.claim("site"))
    if value is None:
        return current
    return Site.objects.filter(name__iexact=value).first() if value else None


def _names(user: User, claims: dict[str, Any], provider: SsoProvider) -> tuple[str, str]:
    first = _text(claims, provider.claim("given_name"))
    last = _text(claims, provider.claim("family_name"))
    if first is None and last is None and isinstance(claims.get("name"), str):
        first, _sep, last = claims["name"].strip().partition(" ")
    return (first if first else user.first_name)[:150], (last if last else user.last_name)[:150]


@transaction.atomic
def claims_apply(*, provider: SsoProvider, user: User, claims: dict[str, Any]) -> None:
    """Fill ``user``'s profile from the claims the provider maps; a claim it does not send changes nothing."""
    from essaim.people import services as people_services
    from essaim.people.models import Profile

    actor = IdentityProviderActor(provider=provider)
    first_name, last_name = _names(user, claims, provider)
    if (first_name, last_name) != (user.first_name, user.last_name):
        accounts_services.user_directory_update(
            actor=actor, user=user, email=user.email, first_name=first_name, last_name=last_name
        )
    language = LANGUAGES.get((_text(claims, provider.claim("language")) or "")[:2].lower())
    if language and language != user.language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
    profile = people_services.profile_ensure(user=user)
    profile = Profile.objects.select_related("department", "site", "manager").get(pk=profile.pk)
    job_title = _text(claims, provider.claim("job_title"))
    phone = _text(claims, provider.claim("phone"))
    fields = {
        "job_title": profile.job_title if job_title is None else job_title[:120],
        "department": _department(actor, provider, claims, profile.department),
        "site": _site(claims, provider, profile.site),
        "phone": profile.phone if phone is None else phone[:40],
        "manager": _manager(claims, provider, user, profile.manager),
    }
    people_services.profile_directory_write(actor=actor, profile=profile, fields=fields)


def two_factor_from_claims(request: HttpRequest, claims: dict[str, Any]) -> None:
    if claims_prove_mfa(claims):
        mark_verified_by_idp(request)
