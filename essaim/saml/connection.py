""" "Test connection" for a SAML provider: read its metadata again (from its address when it has one, and keep
it when it is good), then check what a sign-in needs: its entity, a signing certificate that is valid now, a
sign-in address that answers. Said in words, in the administrator's language (``oidc.connection.Report``)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from essaim.oidc.connection import Report, fetch
from essaim.oidc.secrets import unseal
from essaim.saml.metadata import IdentityProvider, MetadataError, certificate_of, idp_from_metadata
from essaim.saml.models import SamlProvider

SOON = datetime.timedelta(days=30)


def metadata_problem(reason: str) -> str:
    """Why metadata cannot be used, in words (``metadata.MetadataError``'s reason)."""
    return {
        "too_large": _("The metadata is too large: give the metadata of this one identity provider."),
        "not_xml": _("The metadata is not SAML metadata (XML with an EntityDescriptor) for this entity id."),
        "no_idp": _("The metadata describes no identity provider (IDPSSODescriptor) with this entity id."),
    }.get(reason, reason)


def metadata_fetch(url: str) -> tuple[str, str]:
    """The metadata at ``url`` and ``""``, or ``""`` and why not, in words."""
    response, problem = fetch(url, "application/samlmetadata+xml, application/xml, text/xml")
    if response is None:
        return "", problem
    return response.text, ""


def _check_certificates(report: Report, idp: IdentityProvider) -> None:
    if not idp.certificates:
        report.add(False, _("The metadata gives no signing certificate: assertions cannot be checked."))
        return
    now = datetime.datetime.now(datetime.UTC)
    for encoded in idp.certificates:
        try:
            certificate = certificate_of(encoded)
        except ValueError:
            report.add(False, _("A signing certificate in the metadata cannot be read."))
            continue
        until = certificate.not_valid_after_utc
        subject = certificate.subject.rfc4514_string()
        if until < now or certificate.not_valid_before_utc > now:
            report.add(False, _("The signing certificate “%(subject)s” is not valid now.") % {"subject": subject})
        elif until - now < SOON:
            report.add(
                False,
                _("The signing certificate “%(subject)s” expires on %(date)s: ask for the next one.")
                % {"subject": subject, "date": until.date().isoformat()},
            )
        else:
            report.add(
                True,
                _("The signing certificate “%(subject)s” is valid until %(date)s.")
                % {"subject": subject, "date": until.date().isoformat()},
            )


def _check_endpoints(report: Report, idp: IdentityProvider) -> None:
    if not idp.sso_url:
        report.add(False, _("The metadata gives no sign-in address with the HTTP-Redirect binding."))
        return
    response, problem = fetch(idp.sso_url, "text/html")
    if response is None and "HTTP status" not in problem:  # any answer but a failure to connect will do
        report.add(False, problem)
    else:
        report.add(True, _("The sign-in address %(url)s answers.") % {"url": idp.sso_url})
    if idp.slo_url:
        report.add(True, _("The identity provider offers single logout."))
    else:
        report.add(
            True, _("The identity provider offers no single logout: signing out of Essaim signs out of Essaim only.")
        )


def connection_test(*, provider: SamlProvider) -> tuple[Report, str]:
    """What a sign-in needs from the provider, checked one by one, and the metadata to keep ("": keep as is)."""
    report = Report()
    xml = provider.metadata_xml
    fresh = ""
    if provider.metadata_url:
        fetched, problem = metadata_fetch(provider.metadata_url)
        if not fetched:
            report.add(False, problem)
            if not xml:
                return report, ""
        else:
            report.add(True, _("The metadata was read from %(url)s.") % {"url": provider.metadata_url})
            xml = fetched
    try:
        idp = idp_from_metadata(xml, provider.entity_id)
    except MetadataError as error:
        report.add(False, metadata_problem(str(error)))
        return report, ""
    fresh = xml if xml != provider.metadata_xml else ""
    report.add(True, _("The metadata describes the identity provider %(entity)s.") % {"entity": idp.entity_id})
    _check_certificates(report, idp)
    _check_endpoints(report, idp)
    if not unseal(provider.sp_key_sealed):
        report.add(
            False,
            _(
                "Essaim's private key for this provider cannot be read (the site's secret key changed?): delete the "
                "provider and add it again, then give the identity provider Essaim's new metadata."
            ),
        )
    return report, fresh
