"""Error pages in the user's language and ``/favicon.ico`` (health checks: ``essaim.health``).

Essaim's own pages whatever ``DEBUG`` says for 400, 403 (CSRF failures included) and 404 with debug
off; the 500 page is standalone (no database, no session), since those may be what failed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _


def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(static("essaim/icons/favicon.ico"))


def _error(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    return render(request, "errors/error.html", {"status": status, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 403, str(exception) if exception.args else "")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token, or from a page kept open past its session: say what to do next."""
    return _error(request, 403, _("This form has expired. Go back, reload the page and send it again."))
