"""Essaim's must-read announcements in the API: confirm one, and (its author and administrators) list who
confirmed and who has not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from essaim.api.auth import current_user
from essaim.api.errors import errors
from essaim.api.params import PathId
from essaim.mustread import selectors, services
from essaim.people.schemas import Account, account_data
from essaim.stream.api import find_post

router = Router(tags=["essaim: must-read announcements"])


class ReadConfirmationEntity(Schema):
    status_id: str
    confirmed_at: datetime


class ConfirmedAccount(Schema):
    account: Account
    confirmed_at: datetime


class ReadConfirmations(Schema):
    confirmed_count: int
    pending_count: int
    confirmed: list[ConfirmedAccount] = Field(..., description="The latest 200 to confirm, newest first.")
    pending: list[Account] = Field(..., description="The first 200 who have not confirmed, by name.")


@router.post(
    "/essaim/statuses/{status_id}/read_confirmation",
    response={200: ReadConfirmationEntity, **errors(403, 404)},
    url_name="read-confirm",
)
def read_confirm(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Confirm you read a must-read announcement (it is no longer pinned for you). Twice changes nothing."""
    must_read = selectors.must_read_get_for(actor=request.user, post_id=find_post(request, status_id).pk)
    confirmation = services.read_confirm(actor=current_user(request), must_read=must_read)
    return {"status_id": str(must_read.pk), "confirmed_at": confirmation.confirmed_at}


@router.get(
    "/essaim/statuses/{status_id}/read_confirmations",
    response={200: ReadConfirmations, **errors(403, 404)},
    url_name="read-confirmations",
)
def read_confirmations(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Who confirmed a must-read announcement and who has not (its author, whoever asked, administrators)."""
    must_read = selectors.must_read_get_for(actor=request.user, post_id=find_post(request, status_id).pk)
    found = selectors.confirmations_for(actor=request.user, must_read=must_read)
    return {
        "confirmed_count": found.confirmed_count,
        "pending_count": found.pending_count,
        "confirmed": [
            {"account": account_data(request, user, with_org=False), "confirmed_at": when}
            for user, when in found.confirmed
        ],
        "pending": [account_data(request, user, with_org=False) for user in found.pending],
    }
