"""Mastodon's Report entity and the body of ``POST /api/v1/reports``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field, JsonValue

from essaim.api.body import Body
from essaim.api.params import BodyId
from essaim.moderation.models import REPORT_TEXT_MAX, Reason, Report
from essaim.people.schemas import Account, account_data

# Mastodon's categories, then Essaim's own reasons (accepted as they are): what each becomes.
CATEGORIES: dict[str, str] = {
    "spam": Reason.SPAM,
    "violation": Reason.INAPPROPRIATE,
    "legal": Reason.OTHER,
    "other": Reason.OTHER,
    **{reason: reason for reason in Reason.values},
}
# And back: the category an Essaim reason is answered as.
TO_MASTODON: dict[str, str] = {
    Reason.SPAM: "spam",
    Reason.INAPPROPRIATE: "violation",
    Reason.HARASSMENT: "violation",
    Reason.CONFIDENTIAL: "legal",
    Reason.DEFAMATION: "legal",
    Reason.OTHER: "other",
}


class ReportCreate(Body):
    """Mastodon's ``rule_ids`` and ``forward`` are accepted and ignored (no rules list; no federation): left out of
    the document, as any field it does not name."""

    account_id: BodyId = Field(description="The account reported, or whose statuses are.")
    status_ids: list[BodyId] = Field(
        default_factory=list,
        json_schema_extra={"maxItems": 20},
        description="Statuses of that account to report: its posts or comments (replies). Without them, the "
        "account itself is reported.",
    )
    comment: str = Field(
        "", json_schema_extra={"maxLength": REPORT_TEXT_MAX}, description="Anything to add, for the moderators."
    )
    category: str = Field(
        "other",
        json_schema_extra={"enum": list[JsonValue](sorted(CATEGORIES))},
        description="Mastodon's spam, violation, legal or other; or Essaim's own reason: harassment, "
        "confidential, defamation, inappropriate.",
    )


class ReportEntity(Schema):
    id: str
    action_taken: bool
    action_taken_at: datetime | None = None
    category: str
    comment: str
    forwarded: bool
    created_at: datetime
    status_ids: list[str] | None
    rule_ids: list[str] | None = None
    target_account: Account
    essaim_reason: str = Field(description="Essaim's reason for the report (the category is Mastodon's word).")


def report_data(request: HttpRequest, reports: list[Report], status_ids: list[str]) -> dict[str, Any]:
    first = reports[0]
    return {
        "id": str(first.pk),
        "action_taken": not first.is_open,
        "action_taken_at": first.resolved_at,
        "category": TO_MASTODON.get(first.reason, "other"),
        "comment": first.details,
        "forwarded": False,
        "created_at": first.created_at,
        "status_ids": status_ids or None,
        "rule_ids": None,
        "target_account": account_data(request, first.author, with_org=False),
        "essaim_reason": first.reason,
    }
