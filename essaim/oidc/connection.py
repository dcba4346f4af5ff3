""" "Test connection" for a provider: fetch its discovery document and its signing keys, as a sign-in would,
and say in words what works and what does not (never an exception page).

Requests to the provider go through allauth's requests session (``SocialAccountAdapter.get_requests_session``),
the same one the sign-in uses: a provider is trusted configuration that only a network administrator sets,
so it may live on the company's own network (docs/identity.md).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from essaim.core.connection_report import Report
from essaim.oidc.models import OidcProvider
from essaim.oidc.secrets import unseal

WELL_KNOWN = "/.well-known/openid-configuration"
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def discovery_url(issuer: str) -> str:
    return issuer if "/.well-known/" in issuer else issuer.rstrip("/") + WELL_KNOWN


def fetch(url: str, accept: str) -> tuple[requests.Response | None, str]:
    """The answer at ``url`` when it is a 200, or ``None`` and why not, in words (also SAML's metadata)."""
    from allauth.socialaccount.adapter import get_adapter

    try:
        with get_adapter().get_requests_session() as session:
            response = session.get(url, headers={"Accept": accept})
    except requests.Timeout:
        return None, _("%(url)s did not answer in time.") % {"url": url}
    except requests.RequestException as error:
        return None, _("%(url)s cannot be reached (%(reason)s).") % {"url": url, "reason": type(error).__name__}
    if response.status_code != 200:
        return None, _("%(url)s answered with the HTTP status %(status)s.") % {
            "url": url,
            "status": response.status_code,
        }
    return response, ""


def _get_json(url: str) -> tuple[Any, str]:
    """The JSON document at ``url``, or ``None`` and why not, in words."""
    response, problem = fetch(url, "application/json")
    if response is None:
        return None, problem
    try:
        return response.json(), ""
    except ValueError:
        return None, _("%(url)s did not answer with JSON.") % {"url": url}


def _check_discovery(report: Report, provider: OidcProvider, config: Any) -> bool:
    if not isinstance(config, dict):
        return report.add(False, _("The discovery document is not a JSON object."))
    issuer = str(config.get("issuer", ""))
    if issuer.rstrip("/") != provider.issuer.rstrip("/"):
        report.add(
            False,
            _(
                "The provider calls itself “%(found)s”, not “%(expected)s”: its ID tokens would be refused. "
                "Use its issuer as it says it."
            )
            % {"found": issuer, "expected": provider.issuer},
        )
    missing = [name for name in REQUIRED_ENDPOINTS if not config.get(name)]
    if missing:
        return report.add(False, _("The discovery document lacks %(names)s.") % {"names": ", ".join(missing)})
    report.add(True, _("The discovery document names the sign-in, token and key addresses."))
    if _origin(str(config["authorization_endpoint"])) != _origin(provider.issuer):
        report.add(
            False,
            _(
                "The provider signs people in at %(origin)s, another site than its issuer's: browsers will not "
                "follow the sign-in button there. Ask for its issuer on that site."
            )
            % {"origin": _origin(str(config["authorization_endpoint"]))},
        )
    methods = config.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        report.add(False, _("The provider does not offer PKCE with S256, which Essaim uses for every sign-in."))
    elif methods is None:
        report.add(True, _("The provider does not say whether it supports PKCE; Essaim sends it anyway."))
    else:
        report.add(True, _("PKCE (S256) is supported."))
    return True


def _check_keys(report: Report, jwks: Any) -> None:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        report.add(False, _("The signing keys document has no list of keys."))
        return
    signing = [key for key in keys if isinstance(key, dict) and key.get("use", "sig") == "sig" and key.get("kid")]
    if not signing:
        report.add(
            False, _("The provider publishes no signing key with an identifier (kid): ID tokens cannot be checked.")
        )
        return
    text = ngettext(
        "%(count)s signing key found to check ID tokens with.",
        "%(count)s signing keys found to check ID tokens with.",
        len(signing),
    )
    report.add(True, text % {"count": len(signing)})


def connection_test(*, provider: OidcProvider) -> Report:
    """What a sign-in needs from the provider, checked one by one."""
    report = Report()
    config, problem = _get_json(discovery_url(provider.issuer))
    if config is None:
        report.add(False, problem)
        return report
    report.add(True, _("The discovery document was read from %(url)s.") % {"url": discovery_url(provider.issuer)})
    if not _check_discovery(report, provider, config):
        return report
    jwks, problem = _get_json(str(config["jwks_uri"]))
    if jwks is None:
        report.add(False, problem)
    else:
        _check_keys(report, jwks)
    if not unseal(provider.secret_sealed):
        report.add(False, _("The client secret cannot be read (the site's secret key changed?): enter it again."))
    return report
