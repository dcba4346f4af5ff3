"""/manage/audit/: the log of privileged actions, filtered, a page at a time, and exported as CSV or JSON.

Network administrators and compliance officers (``Action.VIEW_AUDIT_LOG``, asked first as on every /manage/
page). An export is itself a privileged action: it is logged, with its filters, before the file is sent.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.audit import exports, presenting, selectors
from essaim.audit.forms import AuditFilterForm
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.core.pagination import parse_cursor

FILTER_NAMES = ("actor", "action", "target", "since", "until")
PAGE = 30  # entries a page


def _filter_query(data: QueryDict) -> dict[str, str]:
    return {name: str(data.get(name, "")) for name in FILTER_NAMES if data.get(name)}


@page_requires(Action.VIEW_AUDIT_LOG)
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "filters": _filter_query(request.GET), "page": None}
    if form.is_bound and not form.is_valid():
        return render(request, "audit/entry_list.html", context, status=400)
    try:
        cursor = parse_cursor(request.GET, default_limit=PAGE, max_limit=200)
    except ValidationError as error:
        context["cursor_error"] = " ".join(error.messages)
        return render(request, "audit/entry_list.html", context, status=400)
    filters = form.filters() if form.is_bound else selectors.Filters()
    page = selectors.entries_for(actor=request.user, filters=filters, cursor=cursor)
    context["page"] = page
    context["rows"] = [
        (entry, presenting.action_label(entry.action), presenting.details(entry)) for entry in page.items
    ]
    if page.next_max_id is not None:
        context["older_query"] = urlencode({**context["filters"], "max_id": page.next_max_id})
    return render(request, "audit/entry_list.html", context)


@page_requires(Action.VIEW_AUDIT_LOG)
@require_POST
def entry_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    form = AuditFilterForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "filters": _filter_query(request.POST), "page": None}
        return render(request, "audit/entry_list.html", context, status=400)
    filters = form.filters()
    with transaction.atomic():
        record(AuditAction.AUDIT_EXPORTED, actor=request.user, format=fmt, filters=_filter_query(request.POST))
    entries = selectors.entries_to_export(actor=request.user, filters=filters)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(entries), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(exports.json_chunks(entries), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="essaim-audit-{stamp}.{fmt}"'
    return response
