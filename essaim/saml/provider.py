"""allauth's SAML provider, with what the identity provider says of how the person signed in.

python3-saml reads the assertion's ``AuthnContextClassRef`` values once it has checked the signature
(``get_last_authn_contexts``); allauth keeps only the attributes. Essaim's provider class
(``SOCIALACCOUNT_PROVIDERS["saml"]["provider_class"]``) keeps those values too, under ``AUTHN_CONTEXTS`` in the
account's ``extra_data``, so that ``adapter.claims_of`` can tell a sign-in with a second factor.
"""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.saml.provider import SAMLProvider

AUTHN_CONTEXTS = "essaim:authn_contexts"  # not an attribute name an identity provider uses (no scheme)


class EssaimSAMLProvider(SAMLProvider):
    package = "allauth.socialaccount.providers.saml"  # allauth's URLs for it, not this app's

    def extract_extra_data(self, data: Any) -> dict[str, Any]:
        extra = dict(super().extract_extra_data(data) or {})
        extra[AUTHN_CONTEXTS] = [str(context) for context in data.get_last_authn_contexts() or []]
        return extra
