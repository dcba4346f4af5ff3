"""The statuses every operation may answer, added to the OpenAPI document once rather than on each operation.

Each operation declares what its own code answers (``response={200: X, **errors(403, 404)}``); what the API
answers around any operation is added here, from what the operation is:

* to every operation: 400 (a NUL character in the path or the query), 401 (each needs a session or a
  personal token), 429 (the rate limit, with ``Retry-After``);
* to unsafe methods: 403 (a session without its CSRF token);
* where a request body is read: 413 (too large) and 422 (invalid).

Every error response is the :class:`~essaim.api.errors.Error` schema.
"""

from __future__ import annotations

from typing import Any

from essaim.api.errors import Error

ERROR_REF = "#/components/schemas/Error"
UNSAFE_METHODS = {"post", "put", "patch", "delete"}
DESCRIPTIONS = {
    400: "Bad request: a pagination parameter the server cannot read, or text it cannot store (a NUL "
    "character), or an unreadable body.",
    401: "Not signed in: no valid session cookie or personal token (Authorization: Bearer).",
    403: "Forbidden: not allowed to do this, or a session sent no CSRF token (X-CSRFToken).",
    404: "Not found: missing, or not visible to you (the two are indistinguishable).",
    413: "Request too large: the body is over the upload limit.",
    415: "Unsupported media type: send the body as the content type the operation documents.",
    422: "Validation failed: the input is invalid (the error names the fields).",
    429: "Too many requests: wait the number of seconds in Retry-After.",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the limit resets.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}


def common_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses the API itself may answer for ``operation``, whatever its code does."""
    statuses = [400, 429]
    if operation.get("security"):
        statuses.append(401)
    if method in UNSAFE_METHODS:
        statuses.append(403)
    if "requestBody" in operation:
        statuses.extend((413, 422))
    return statuses


def error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS.get(status, "Error"),
        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
    }
    if status == 429:
        response["headers"] = RETRY_AFTER
    return response


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Give every operation of ``document`` the common error statuses, each error one description and the
    :class:`Error` schema, in the order of their codes."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", Error.model_json_schema(ref_template="#/components/schemas/{model}"))
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            failures = {*common_statuses(method, operation), *(int(s) for s in responses if int(s) >= 400)}
            successes = {status: response for status, response in responses.items() if int(status) < 400}
            operation["responses"] = successes | {str(status): error_response(status) for status in sorted(failures)}
    return document
