"""Small HTTP helpers shared by views: htmx-aware redirects and error rendering."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_htmx.http import HttpResponseClientRedirect


def redirect_or_htmx(request: HttpRequest, url: str) -> HttpResponse:
    """A normal redirect, or an ``HX-Redirect`` when the request came from htmx."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
