"""A loopback receiver for outgoing webhooks that verifies each delivery with the ``standardwebhooks`` library."""

from __future__ import annotations

from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

from tests.core.loopback import LoopbackServer


@dataclass
class Receiver:
    server: LoopbackServer
    secret: str = ""
    status: int = 200
    verified: list[dict[str, Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    refused: int = 0
    ports: list[int] = field(default_factory=list)  # the sender's side of each request's connection

    def url(self) -> str:
        return self.server.url("/hook")

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        seen = self.server.requests[-1]
        self.ports.append(request.client_address[1])
        try:
            self.verified.append(Webhook(self.secret).verify(seen.body, seen.headers))
            self.ids.append(seen.headers["webhook-id"])
        except WebhookVerificationError:
            self.refused += 1
        answer = b'{"thanks": true}'
        request.send_response(self.status)
        request.send_header("Content-Length", str(len(answer)))
        request.end_headers()
        request.wfile.write(answer)


def start(server: LoopbackServer) -> Receiver:
    receiver = Receiver(server)
    server.route("/hook", handler=receiver.handle)
    return receiver
