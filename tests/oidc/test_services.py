"""Single sign-on's services and claim mapping, without HTTP: audit entries, the sign-up policies, claims."""

from __future__ import annotations

import pytest

from essaim.audit.models import AuditAction, AuditEntry
from essaim.network.selectors import network_settings
from essaim.oidc import services, signin
from essaim.oidc.models import AccountCreation, OidcProvider
from essaim.people.models import Profile
from tests.accounts.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider() -> OidcProvider:
    return services.provider_create(
        actor=AdminFactory(),
        slug="acme",
        secret="s",
        label="Acme SSO",
        issuer="https://idp.example.com/",
        client_id="c",
        enabled=True,
        account_creation=AccountCreation.NETWORK,
        claims=OidcProvider().claims,
    )


def test_a_change_that_changes_nothing_leaves_no_entry(provider: OidcProvider) -> None:
    services.provider_update(
        actor=AdminFactory(), provider=provider, label="Acme SSO", issuer="https://idp.example.com"
    )
    assert not AuditEntry.objects.filter(action=AuditAction.SSO_PROVIDER_CHANGED).exists()


def test_only_network_admins_change_providers(provider: OidcProvider) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.provider_update(actor=UserFactory(), provider=provider, label="Hacked")
    with pytest.raises(PermissionDenied):
        services.provider_delete(actor=UserFactory(), provider=provider)


def test_a_department_made_from_a_claim_is_audited_under_the_provider(provider: OidcProvider) -> None:
    person = UserFactory()
    signin.claims_apply(provider=provider, user=person, claims={"department": "Logistique"})
    assert Profile.objects.get(user=person).department.name == "Logistique"  # type: ignore[union-attr]
    entry = AuditEntry.objects.get(action=AuditAction.DEPARTMENT_PROVISIONED)
    assert entry.actor_name == "OpenID Connect: Acme SSO (acme)"
    assert entry.actor_id is None


def test_a_manager_loop_is_skipped_and_the_rest_kept(provider: OidcProvider) -> None:
    person, boss = UserFactory(), UserFactory(email="boss@example.com")
    Profile.objects.filter(user=boss).update(manager=person)
    signin.claims_apply(provider=provider, user=person, claims={"manager": "boss@example.com", "job_title": "Chef"})
    profile = Profile.objects.get(user=person)
    assert profile.manager is None  # the loop is refused by the profile's own rule
    assert profile.job_title == "Chef"


@pytest.mark.parametrize(
    ("creation", "open_", "domains", "email", "allowed"),
    [
        (AccountCreation.NETWORK, True, "", "a@anywhere.com", True),
        (AccountCreation.NETWORK, True, "boreal.fr", "a@anywhere.com", False),
        (AccountCreation.NETWORK, True, "boreal.fr", "a@boreal.fr", True),
        (AccountCreation.NETWORK, False, "boreal.fr", "a@boreal.fr", False),
        (AccountCreation.DOMAINS, False, "boreal.fr", "a@boreal.fr", True),
        (AccountCreation.DOMAINS, False, "", "a@boreal.fr", False),
        (AccountCreation.DIRECTORY_ONLY, True, "", "a@boreal.fr", False),
    ],
)
def test_who_may_get_an_account(
    provider: OidcProvider, *, creation: str, open_: bool, domains: str, email: str, allowed: bool
) -> None:
    settings = network_settings()
    settings.signup_open, settings.signup_domains = open_, domains
    settings.save()
    from django.core.cache import cache

    cache.clear()
    provider.account_creation = creation
    assert signin.may_create(provider, email) is allowed


@pytest.mark.parametrize(
    ("value", "verified"), [(True, True), ("true", True), (False, False), ("1", False), (None, False)]
)
def test_only_a_true_email_verified_counts(value: object, verified: bool) -> None:
    assert signin.email_verified({"email_verified": value}) is verified
