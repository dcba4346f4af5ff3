"""Every API error answers Mastodon's JSON shape, in the reader's language.

``{"error": "<short message>", "error_description": "<what to do next>"}`` with the right
status: 400 bad request, 401 not signed in, 403 forbidden, 404 missing or not visible,
413 body too large, 422 invalid input (as Mastodon answers validation failures), 429 too many
requests.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from essaim.core.ratelimits import RateLimited
from essaim.core.storage_full import StorageFullMiddleware

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("django.request")

TOO_LARGE_CODES = {"too_large"}
BAD_REQUEST_CODES = {"bad_cursor", "bad_limit"}


class Error(Schema):
    """Every error's body, in Mastodon's shape and in the reader's language."""

    error: str = Field(description="What went wrong, in a few words.")
    error_description: str = Field(description="More detail, or what to do next.")


def errors(*statuses: int) -> dict[int, type[Error]]:
    """``response={200: Status, **errors(403, 404)}``: the error statuses an operation's own code answers.

    The statuses the API answers around any operation (400, 401 and 429 to all, 403 to unsafe methods, 413
    and 422 where a body is read) are added to the OpenAPI document by ``essaim.api.openapi``.
    """
    return dict.fromkeys(statuses, Error)


class ApiError(Exception):
    """Raise from an endpoint to answer ``status`` with a translated message."""

    def __init__(self, status: int, error: str, description: str = "") -> None:
        self.status = status
        self.error = error
        self.description = description
        super().__init__(error)


class CsrfFailedError(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


def error_body(error: str, description: str = "") -> dict[str, str]:
    return {"error": error, "error_description": description or error}


def standard_message(status: int) -> tuple[str, str]:
    """``(error, error_description)`` for an error answered the same wherever it is raised."""
    if status == 404:
        return _("Record not found"), _("It does not exist, or you are not allowed to see it.")
    if status == 405:
        return _("Method not allowed"), _(
            "This address does not answer this HTTP method: the Allow header lists those it does."
        )
    if status == 413:
        return _("The request is too large"), _("Send a smaller body or file.")
    if status >= 500:
        return _("Something went wrong on our side"), _("Try again in a moment.")
    if status == 403:
        return _("You are not allowed to do this."), ""
    if status == 400:
        return _("Bad request"), _("The request could not be read.")
    return HTTPStatus(status).phrase, ""


def storage_full_or_raise(request: HttpRequest, exc: Any) -> HttpResponse:
    """A full disk (``core.storage_full``) answers the same 503 as on the pages; anything else is an error."""
    response = StorageFullMiddleware(lambda _request: HttpResponse()).process_exception(request, exc)
    if response is None:
        raise exc
    return response


def json_error(status: int, description: str = "") -> HttpResponse:
    """An error in the API's shape outside ninja (``essaim.api.middleware.ApiEdgeMiddleware``)."""
    error, standard_description = standard_message(status)
    return JsonResponse(error_body(error, description or standard_description), status=status)


def _respond(api: NinjaAPI, request: HttpRequest, status: int, error: str, description: str = "") -> HttpResponse:
    return api.create_response(request, error_body(error, description), status=status)


def _validation_messages(exc: DjangoValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(message) for messages in exc.message_dict.values() for message in messages]
    return [str(message) for message in exc.messages]


def _codes(exc: DjangoValidationError) -> set[str]:
    return {error.code for error in exc.error_list if error.code} if hasattr(exc, "error_list") else set()


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc[1:] if not isinstance(part, int)] or [str(part) for part in loc]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api`` (ninja types ``exc`` as the class or an instance: it is an instance)."""

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 404, *standard_message(404))

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc) if exc.args else _("You are not allowed to do this.")
        return _respond(api, request, 403, message)

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        messages = _validation_messages(exc)
        codes = _codes(exc)
        if codes & BAD_REQUEST_CODES:
            return _respond(api, request, 400, _("Invalid pagination"), " ".join(messages))
        status = 413 if codes & TOO_LARGE_CODES else 422
        return _respond(
            api,
            request,
            status,
            _("Validation failed: %(errors)s") % {"errors": " ".join(messages)},
            " ".join(messages),
        )

    def invalid_params(request: HttpRequest, exc: Any) -> HttpResponse:
        fields = sorted({_field_name(error.get("loc", ())) for error in exc.errors})
        details = "; ".join(f"{_field_name(e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors)
        return _respond(
            api,
            request,
            422,
            _("Validation failed: check these fields: %(fields)s.") % {"fields": ", ".join(fields)},
            details,
        )

    def api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, exc.status, exc.error, exc.description)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, AuthenticationError):
            return _respond(
                api,
                request,
                401,
                _("The access token is invalid"),
                _("Sign in, or send a valid personal token as “Authorization: Bearer <token>”."),
            )
        if isinstance(exc, Throttled):
            return _respond(api, request, 429, _("Too many requests"), _("Wait a moment before sending more requests."))
        if isinstance(exc, CsrfFailedError):
            return _respond(
                api,
                request,
                403,
                _("CSRF verification failed"),
                _("Send the X-CSRFToken header with the csrftoken cookie's value, or use a personal token."),
            )
        return _respond(api, request, exc.status_code, exc.message)

    def rate_limited(request: HttpRequest, exc: Any) -> HttpResponse:
        """A service's limit (``core.ratelimits``: posts, comments, reactions… per person), with ``Retry-After``."""
        response = _respond(api, request, 429, _("Too many requests"), exc.message())
        response["Retry-After"] = str(exc.retry_after)
        return response

    def too_large(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 413, *standard_message(413))

    def bad_request(request: HttpRequest, exc: Any) -> HttpResponse:
        """Django's ``BadRequest`` (with a message for the client), an unreadable multipart body, or a
        ``SuspiciousOperation`` (too many fields…, whose message is for the logs)."""
        error, description = standard_message(400)
        if isinstance(exc, BadRequest) and exc.args:
            description = str(exc)
        return _respond(api, request, 400, error, description)

    def unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.error("API error on %s", request.path, exc_info=exc)
        return _respond(api, request, 500, *standard_message(500))

    api.add_exception_handler(DatabaseError, storage_full_or_raise)
    api.add_exception_handler(OSError, storage_full_or_raise)
    api.add_exception_handler(RateLimited, rate_limited)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(DjangoValidationError, invalid)
    api.add_exception_handler(NinjaValidationError, invalid_params)
    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(RequestDataTooBig, too_large)
    api.add_exception_handler(SuspiciousOperation, bad_request)
    api.add_exception_handler(BadRequest, bad_request)
    api.add_exception_handler(MultiPartParserError, bad_request)
    api.add_exception_handler(Exception, unexpected)
