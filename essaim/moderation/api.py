"""Mastodon's ``POST /api/v1/reports``: report an account, or some of its statuses (posts or comments: Essaim's
replies are statuses too, with ids unique across both)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from essaim.api.auth import current_user
from essaim.api.body import body_openapi, parse_body
from essaim.api.errors import ApiError, errors
from essaim.moderation import services
from essaim.moderation.schemas import CATEGORIES, ReportCreate, ReportEntity, report_data
from essaim.people.api import person_by_id
from essaim.stream.api import find_status

router = Router(tags=["reports"])


@router.post(
    "/reports",
    response={200: ReportEntity, **errors(403, 404, 409, 422)},
    url_name="reports-create",
    openapi_extra=body_openapi(ReportCreate),
)
def report_create(request: HttpRequest) -> dict[str, Any]:
    """Report an account to the moderators, or some of its statuses: they decide, and you are told the outcome
    (a notification of type ``essaim.report_outcome``). Once per account or status while it is open (409).
    Yourself: 403."""
    data = parse_body(request, ReportCreate)
    actor = current_user(request)
    if data.category not in CATEGORIES:
        raise ApiError(
            422, _("Unknown category"), _("Use one of: %(names)s.") % {"names": ", ".join(sorted(CATEGORIES))}
        )
    person = person_by_id(request.user, data.account_id)
    if person.pk == actor.pk:
        raise ApiError(403, _("You cannot report yourself"), _("Report someone else's account or statuses."))
    targets: list[services.Target] = []
    for status_id in dict.fromkeys(data.status_ids):
        found = find_status(request, status_id)
        if found.author_id != person.pk:
            raise ApiError(
                422,
                _("This status is not by this account"),
                _("Status %(id)s was written by someone else: report it with its author's account_id.")
                % {"id": status_id},
            )
        targets.append(found)
    try:
        reports = services.reports_create(
            actor=actor, targets=targets or [person], reason=CATEGORIES[data.category], details=data.comment
        )
    except ValidationError as error:
        if not hasattr(error, "error_list") or "reported" not in {e.code for e in error.error_list}:
            raise
        raise ApiError(409, _("Already reported"), " ".join(error.messages)) from None
    return report_data(request, reports, [str(t.pk) for t in targets])
