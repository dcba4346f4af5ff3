"""``/healthz``, ``/readyz`` and ``/metrics``: for machines, so no session, no CSRF token, no cache.

GET and HEAD only. None of them needs the database to decide who may read it (``monitors``), and
``/healthz`` does not touch it at all: it says the process answers, and nothing more.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from essaim.health import metrics as exported
from essaim.health import readiness
from essaim.health.monitors import is_monitor


@csrf_exempt
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 while the process answers requests."""
    return JsonResponse({"status": "ok"})


@csrf_exempt
@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when every dependency answers, else 503; which one is down for anyone, the numbers and
    errors for monitors only (they name internal addresses)."""
    report = readiness.report()
    return JsonResponse(report.as_json(details=is_monitor(request)), status=200 if report.ready else 503)


@csrf_exempt
@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not is_monitor(request):
        return HttpResponse(
            _(
                "Metrics are for monitoring: they are served to the addresses of ESSAIM_METRICS_ALLOW connecting "
                "directly, or with the header “Authorization: Bearer” followed by ESSAIM_METRICS_TOKEN."
            ),
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(exported.exposition(), content_type=exported.CONTENT_TYPE)
