"""A real push service on loopback, and the browser (or phone) that subscribed to it.

``Browser`` makes a real P-256 key pair and authentication secret, as the Push API does for a subscription.
``PushService`` answers each push with the next status of its script (201 once the script is done), checks the
VAPID header (RFC 8292: the JWT's signature with the key in ``k``, its ``aud`` and ``sub``) and decrypts the body
with ``http_ece`` and the browser's private key (RFC 8291, ``aes128gcm``): what the tests read is what an app
would read.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from tests.core.loopback import LoopbackServer, Seen


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """The subscribing side: its keys are what an app sends in ``subscription[keys]``."""

    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: __import__("os").urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm")
        return json.loads(plain)


@dataclass
class Push:
    """One push as the service saw it: headers, the decrypted payload, the JWT's claims and key."""

    seen: Seen
    payload: dict[str, Any]
    claims: dict[str, Any]
    vapid_key: str


@dataclass
class PushService:
    server: LoopbackServer
    browser: Browser
    script: list[int] = field(default_factory=list)  # the statuses to answer, in order; then 201
    pushes: list[Push] = field(default_factory=list)

    def endpoint(self, name: str = "device-1") -> str:
        return self.server.url(f"/push/{name}")

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        seen = self.server.requests[-1]
        self.pushes.append(self._read(seen))
        status = self.script.pop(0) if self.script else 201
        request.send_response(status)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def _read(self, seen: Seen) -> Push:
        authorization = seen.headers["authorization"]
        assert Vapid02.verify(authorization), "the VAPID signature does not verify"
        parts = dict(part.split("=", 1) for part in authorization.removeprefix("vapid ").split(","))
        jwt_claims = parts["t"].split(".")[1]
        claims = json.loads(b64url_decode(jwt_claims))
        return Push(seen=seen, payload=self.browser.decrypt(seen.body), claims=claims, vapid_key=parts["k"])


def start(server: LoopbackServer, browser: Browser, names: tuple[str, ...] = ("device-1", "device-2")) -> PushService:
    service = PushService(server, browser)
    for name in names:
        server.route(f"/push/{name}", handler=service.handle)
    return service
