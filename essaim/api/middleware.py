"""Personal tokens open the read-only pages too: an API client downloads the attachments it lists."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from essaim.api import selectors

BEARER = "bearer "


class BearerTokenMiddleware:
    """On GET/HEAD outside ``/api/`` (which authenticates by itself), ``Authorization: Bearer`` signs the
    request in as the token's owner, without a session. Unsafe methods never: pages keep their CSRF rules.
    A wrong token is ignored here: the page then answers as it does to anyone not signed in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if (
            request.method in {"GET", "HEAD"}
            and header[: len(BEARER)].lower() == BEARER
            and not request.path.startswith("/api/")
        ):
            token = selectors.personal_token_authenticate(raw=header[len(BEARER) :].strip())
            if token is not None:
                request.user = token.user
        return self.get_response(request)
