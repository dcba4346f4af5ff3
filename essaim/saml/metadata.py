"""The SAML side of a provider: its identity provider's metadata read into what a sign-in needs, Essaim's own
key pair as service provider, and the allauth app (``social_app``) that python3-saml is configured from.

Signed assertions are always required (``want_assertion_signed``); Essaim signs its authentication and logout
requests; identity-provider-initiated sign-ins are accepted (their assertion is checked the same way, and
allauth keeps what they let in to the sign-in's own rules).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.socialaccount.models import SocialApp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.errors import OneLogin_Saml2_Error
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from essaim.oidc.secrets import unseal
from essaim.saml.models import SamlProvider

PROVIDER = "saml"
MAX_METADATA = 1_000_000  # bytes: a federation's whole metadata is refused; one entity's is a few kB


class MetadataError(ValueError):
    """The metadata cannot be used; the message names the reason (translated by the caller)."""


@dataclass(frozen=True)
class IdentityProvider:
    entity_id: str
    sso_url: str
    slo_url: str
    certificates: list[str]  # signing certificates, base64 DER


def idp_from_metadata(xml: str, entity_id: str) -> IdentityProvider:
    """What a sign-in needs from the metadata (``MetadataError``: the metadata does not give it)."""
    if len(xml.encode()) > MAX_METADATA:
        raise MetadataError("too_large")
    try:
        data = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id or None)
    except (OneLogin_Saml2_Error, ValueError, SyntaxError) as error:
        raise MetadataError("not_xml") from error
    idp = data.get("idp")
    if not idp:
        raise MetadataError("no_idp")
    certificates = idp.get("x509certMulti", {}).get("signing") or ([idp["x509cert"]] if idp.get("x509cert") else [])
    return IdentityProvider(
        entity_id=idp.get("entityId", ""),
        sso_url=idp.get("singleSignOnService", {}).get("url", ""),
        slo_url=idp.get("singleLogoutService", {}).get("url", ""),
        certificates=certificates,
    )


def certificate_of(der_base64: str) -> x509.Certificate:
    pem = OneLogin_Saml2_Utils.format_cert(der_base64)
    return x509.load_pem_x509_certificate(pem.encode())


def sp_key_pair(common_name: str) -> tuple[str, str]:
    """A new private key (PEM) and a self-signed certificate (PEM) for Essaim as service provider."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "essaim")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


def attribute_mapping(provider: SamlProvider) -> dict[str, list[str]]:
    """allauth's mapping: the address and the names it reads itself (``uid`` left out: the NameID)."""
    fields = {
        "email": "email",
        "email_verified": "email_verified",
        "first_name": "given_name",
        "last_name": "family_name",
    }
    return {key: [provider.claim(field)] for key, field in fields.items() if provider.claim(field)}


def social_app(provider: SamlProvider) -> SocialApp:
    """The allauth app of a provider (a provider whose metadata cannot be read has none: no button)."""
    idp = idp_from_metadata(provider.metadata_xml, provider.entity_id)
    return SocialApp(
        provider=PROVIDER,
        provider_id=provider.account_provider,
        name=provider.label,
        client_id=provider.slug,
        settings={
            "idp": {
                "entity_id": idp.entity_id,
                "sso_url": idp.sso_url,
                "slo_url": idp.slo_url,
                "x509cert": idp.certificates[0] if idp.certificates else "",
            },
            "attribute_mapping": attribute_mapping(provider),
            "advanced": {
                "strict": True,
                "want_assertion_signed": True,
                "want_name_id": True,
                "authn_request_signed": True,
                "logout_request_signed": True,
                "logout_response_signed": True,
                "reject_idp_initiated_sso": False,
                "allow_single_label_domains": True,  # an intranet host ("essaim"), the tests' "testserver"
                "private_key": unseal(provider.sp_key_sealed),
                "x509cert": provider.sp_certificate,
            },
        },
    )
