"""A real SAML 2.0 identity provider for the tests: pysaml2's ``Server`` behind a small WSGI app, served over
HTTP on loopback from a thread, signing with xmlsec1 (Debian's).

It publishes its metadata (``/metadata``), answers an AuthnRequest on its single sign-on address
(``/sso``, HTTP-Redirect binding) for ``next_user`` at once (no login form: the person is "already signed in
at the company") with the HTML form that posts the response to Essaim's assertion consumer service, and
answers a LogoutRequest on ``/slo``. ``response_for`` makes an IdP-initiated response. Knobs make it misbehave
the ways a sign-in must survive: an unsigned assertion, an expired one, another audience.
"""

from __future__ import annotations

import functools
import html
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from essaim.saml.metadata import sp_key_pair


@functools.cache
def _key_files() -> tuple[str, str]:
    folder = Path(tempfile.mkdtemp(prefix="essaim-idp-"))
    key, certificate = sp_key_pair("Essaim test IdP")
    (folder / "idp.key").write_text(key)
    (folder / "idp.crt").write_text(certificate)
    return str(folder / "idp.key"), str(folder / "idp.crt")


def user(email: str = "lea.martin@example.com", **attributes: Any) -> dict[str, Any]:
    """A person of the company's directory, as the identity provider sends them (Entra ID's attribute names)."""
    claims = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
    return {
        "email": email,
        "attributes": {
            claims + "emailaddress": [email],
            claims + "givenname": ["Léa"],
            claims + "surname": ["Martin"],
            **{name: value if isinstance(value, list) else [value] for name, value in attributes.items()},
        },
    }


FORM = re.compile(r'name="(SAMLResponse|RelayState)" value="([^"]*)"')
ACTION = re.compile(r'<form action="([^"]+)" method="post"')


def form_fields(page: str) -> tuple[str, dict[str, str]]:
    """The action and fields of the identity provider's auto-posting form."""
    action = ACTION.search(page)
    assert action, page
    return html.unescape(action.group(1)), {name: html.unescape(value) for name, value in FORM.findall(page)}


PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


@dataclass
class IdentityProvider:
    base: str = ""
    next_user: dict[str, Any] = field(default_factory=user)
    unsigned: bool = False
    expired: bool = False
    audience: str = ""  # another audience than the service provider's entity id
    class_ref: str = PASSWORD  # how the person signed in, as the assertion's AuthnContextClassRef says
    sp_metadata: list[str] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    _server: Server | None = None

    @property
    def entity_id(self) -> str:
        return self.base + "/metadata"

    def config(self) -> IdPConfig:
        key, certificate = _key_files()
        lifetime = {"minutes": -30} if self.expired else {"minutes": 15}
        settings = {
            "entityid": self.entity_id,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": key,
            "cert_file": certificate,
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(self.base + "/sso", BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(self.base + "/slo", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    "policy": {"default": {"lifetime": lifetime, "name_form": NAME_FORMAT_URI}},
                }
            },
            "metadata": {"inline": self.sp_metadata} if self.sp_metadata else {},
        }
        config = IdPConfig()
        config.load(settings)
        return config

    def server(self) -> Server:
        return Server(config=self.config())

    def metadata(self) -> str:
        return str(entity_descriptor(self.config()))

    def trust(self, sp_metadata: str) -> None:
        """Know Essaim as a service provider (its metadata, as an administrator would load it)."""
        self.sp_metadata = [sp_metadata]

    def response_for(
        self, *, acs: str, sp_entity_id: str, in_response_to: str | None = None, relay_state: str = ""
    ) -> str:
        """The HTML page whose form posts a response for ``next_user`` to ``acs``."""
        person = self.next_user
        server = self.server()
        response = server.create_authn_response(
            identity=person["attributes"],
            in_response_to=in_response_to,
            destination=acs,
            sp_entity_id=self.audience or sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=person["email"]),
            sign_assertion=not self.unsigned,
            sign_response=False,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            authn={"class_ref": self.class_ref},
        )
        info = server.apply_binding(
            BINDING_HTTP_POST, str(response), destination=acs, relay_state=relay_state, response=True
        )
        return str(info["data"])

    def logout_request_url(self, *, sp_entity_id: str, email: str) -> str:
        """Essaim's single logout address with a signed LogoutRequest for ``email`` (logout started here)."""
        server = self.server()
        sls = self.sls_of(sp_entity_id)
        _id, request = server.create_logout_request(
            sls,
            sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            sign=False,
        )
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT, str(request), destination=sls, relay_state="", sigalg=SIG_RSA_SHA256
        )
        return str(dict(info["headers"])["Location"])

    # --- the endpoints

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if path == "/metadata":
            body, kind = self.metadata(), "application/samlmetadata+xml"
        elif path == "/sso" and "SAMLRequest" in query:
            body, kind = self.sso(query), "text/html"
        elif path == "/slo" and "SAMLRequest" in query:
            return self.slo(query, start_response)
        elif path == "/sso":
            body, kind = "<p>Sign in at the company</p>", "text/html"
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", kind + "; charset=utf-8")])
        return [body.encode()]

    def sso(self, query: dict[str, str]) -> str:
        server = self.server()
        request = server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        message = request.message
        self.log.append(
            {"endpoint": "sso", "id": message.id, "signed": "Signature" in query, "issuer": message.issuer.text}
        )
        return self.response_for(
            acs=message.assertion_consumer_service_url,
            sp_entity_id=message.issuer.text,
            in_response_to=message.id,
            relay_state=query.get("RelayState", ""),
        )

    def slo(self, query: dict[str, str], start_response: Any) -> Iterable[bytes]:
        server = self.server()
        request = server.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        message = request.message
        self.log.append({"endpoint": "slo", "name_id": message.name_id.text, "signed": "Signature" in query})
        response = server.create_logout_response(
            message, [BINDING_HTTP_REDIRECT], sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
        )
        sls = self.sls_of(message.issuer.text)
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            destination=sls,
            relay_state=query.get("RelayState", ""),
            response=True,
        )
        location = dict(info["headers"])["Location"]
        start_response("302 Found", [("Location", location)])
        return [b""]

    def sls_of(self, sp_entity_id: str) -> str:
        server = self.server()
        services = server.metadata.single_logout_service(sp_entity_id, BINDING_HTTP_REDIRECT, "spsso")
        return str(services[0]["location"])


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def serve() -> Iterator[IdentityProvider]:
    """An identity provider on a free loopback port for the time of one test."""
    idp = IdentityProvider()
    server = make_server("127.0.0.1", 0, idp, server_class=WSGIServer, handler_class=_QuietHandler)
    idp.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        server.shutdown()
        server.server_close()
