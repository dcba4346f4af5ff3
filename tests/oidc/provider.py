"""A small, real OpenID Provider for the tests: a WSGI app served over HTTP on loopback from a thread.

It speaks the authorization code flow as a provider does: a discovery document, its signing keys (JWKS), an
authorization endpoint that signs in ``next_claims`` at once (no login form: the person is "already signed in
at the company"), a token endpoint that checks the client's secret and PKCE (S256) and returns an RS256 ID
token signed with ``cryptography``/``pyjwt``, and a userinfo endpoint. Knobs make it misbehave the ways a
sign-in must survive: a wrong audience, a foreign signing key, an unsigned token, an expired one.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "essaim-tests"
CLIENT_SECRET = "s3cret-of-the-tests"


@functools.cache
def _keys() -> tuple[Any, Any]:
    """The provider's key and a foreign one, made once per test process (making RSA keys is slow)."""
    return tuple(rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))


def _key() -> Any:
    return _keys()[0]


def _foreign_key() -> Any:
    return _keys()[1]


@dataclass
class Grant:
    claims: dict[str, Any]
    challenge: str
    redirect_uri: str
    nonce: str


@dataclass
class OpenIdProvider:
    issuer: str = ""
    next_claims: dict[str, Any] = field(default_factory=dict)
    userinfo_claims: dict[str, Any] | None = None  # None: the same as the ID token's
    audience: str = CLIENT_ID
    sign_with_foreign_key: bool = False
    unsigned: bool = False
    expired: bool = False
    broken_jwks: bool = False
    key: Any = field(default_factory=_key)
    foreign_key: Any = field(default_factory=_foreign_key)
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)

    # --- the endpoints

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        routes = {
            "/.well-known/openid-configuration": self.discovery,
            "/jwks": self.jwks,
            "/authorize": self.authorize,
            "/token": self.token,
            "/userinfo": self.userinfo,
        }
        handler = routes.get(path)
        if handler is None:
            status, headers, body = "404 Not Found", [], b"not found"
        else:
            status, headers, body = handler(environ)
        start_response(status, headers)
        return [body]

    @staticmethod
    def _json(data: Any, status: str = "200 OK") -> tuple[str, list[tuple[str, str]], bytes]:
        return status, [("Content-Type", "application/json")], json.dumps(data).encode()

    def discovery(self, environ: dict[str, Any]) -> Any:
        return self._json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            }
        )

    def jwks(self, environ: dict[str, Any]) -> Any:
        if self.broken_jwks:
            return "500 Internal Server Error", [], b"oops"
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return self._json({"keys": [{**jwk, "kid": "test-key", "use": "sig", "alg": "RS256"}]})

    def authorize(self, environ: dict[str, Any]) -> Any:
        query = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
        self.log.append({"endpoint": "authorize", **query})
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return "400 Bad Request", [], b"bad client or response type"
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            claims=dict(self.next_claims),
            challenge=query.get("code_challenge", "") if query.get("code_challenge_method") == "S256" else "",
            redirect_uri=query["redirect_uri"],
            nonce=query.get("nonce", ""),
        )
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        return "302 Found", [("Location", target)], b""

    def _client_ok(self, environ: dict[str, Any], form: dict[str, str]) -> bool:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if auth.startswith("Basic "):
            client_id, _sep, secret = base64.b64decode(auth[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        return client_id == CLIENT_ID and secret == CLIENT_SECRET

    def token(self, environ: dict[str, Any]) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        self.log.append({"endpoint": "token", **{k: v for k, v in form.items() if k != "client_secret"}})
        if not self._client_ok(environ, form):
            return self._json({"error": "invalid_client"}, "401 Unauthorized")
        grant = self.grants.pop(form.get("code", ""), None)
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            return self._json({"error": "invalid_grant"}, "400 Bad Request")
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not grant.challenge or digest != grant.challenge:
            return self._json({"error": "invalid_grant", "error_description": "PKCE"}, "400 Bad Request")
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant.claims
        return self._json(
            {"access_token": access, "token_type": "Bearer", "expires_in": 300, "id_token": self.id_token(grant)}
        )

    def id_token(self, grant: Grant) -> str:
        now = int(time.time()) - (7200 if self.expired else 0)
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + 600,
            "jti": secrets.token_hex(8),
            **({"nonce": grant.nonce} if grant.nonce else {}),
            **grant.claims,
        }
        if self.unsigned:
            return jwt.encode(payload, key=None, algorithm="none", headers={"kid": "test-key"})
        key = self.foreign_key if self.sign_with_foreign_key else self.key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "test-key"})

    def userinfo(self, environ: dict[str, Any]) -> Any:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        claims = self.tokens.get(auth.removeprefix("Bearer "))
        if claims is None:
            return self._json({"error": "invalid_token"}, "401 Unauthorized")
        if self.userinfo_claims is not None:
            return self._json({"sub": claims["sub"], **self.userinfo_claims})
        return self._json({k: v for k, v in claims.items() if k not in {"amr", "acr"}})


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve() -> Iterator[OpenIdProvider]:
    """Start a provider on 127.0.0.1 on a free port, in a thread; stop it afterwards."""
    provider = OpenIdProvider()
    server: WSGIServer = make_server("127.0.0.1", 0, provider, handler_class=_Quiet)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
