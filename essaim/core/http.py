"""Small HTTP helpers shared by views: htmx-aware redirects and error rendering."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect


def redirect_or_htmx(request: HttpRequest, url: str) -> HttpResponse:
    """A normal redirect, or an ``HX-Redirect`` when the request came from htmx."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def site_root(request: HttpRequest) -> str:
    """``https://host`` of the request, computed once per request (``build_absolute_uri`` checks the
    host against ``ALLOWED_HOSTS`` each time: a timeline page of 20 statuses called it 60 times)."""
    root: str | None = request.__dict__.get("_essaim_root")
    if root is None:
        root = request.__dict__["_essaim_root"] = request.build_absolute_uri("/")[:-1]
    return root


def absolute_url(request: HttpRequest, url: str) -> str:
    """``url`` made absolute like ``request.build_absolute_uri``; already absolute URLs pass unchanged."""
    return site_root(request) + url if url.startswith("/") and not url.startswith("//") else url


def error_response(request: HttpRequest, error: ValidationError, status: int = 400) -> HttpResponse:
    """A refused action without a form: the service's message, in the user's language, with a 4xx status."""
    context: dict[str, Any] = {"status": status, "message": " ".join(error.messages)}
    return render(request, "errors/error.html", context, status=status)


def add_service_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` next to the matching form field (or on top of the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
