"""The outbox under /manage/outbox/: the mail Essaim kept, for network administrators to read.

Every view asks ``Action.READ_OUTBOX`` first, like the other /manage/ pages: anonymous visitors
are sent to sign in, everyone else without the role gets 403 before any message is looked up.

A message's HTML part is never put into the page itself: it is served on its own URL, framed by
the message page in an ``<iframe sandbox>`` without ``allow-scripts`` or ``allow-same-origin``,
under a policy of its own (no script, no request but its inline styles and images, framed only
by Essaim); its links open in the page around it. The text part is escaped, its links made
clickable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override

from essaim import access
from essaim.access import Action
from essaim.mailbox import selectors
from essaim.mailbox.backends import outbox_enabled
from essaim.mailbox.services import KEEP_DAYS, KEEP_MESSAGES

MESSAGES_PER_PAGE = 50
# The iframe's sandbox and the HTML part's own policy say the same: no script, links open outside.
SANDBOX = ["allow-popups", "allow-popups-to-escape-sandbox", "allow-top-navigation-by-user-activation"]
HTML_PART_CSP: dict[str, list[str]] = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],  # mails style themselves inline; nothing else runs or loads
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
    "sandbox": SANDBOX,
}
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)

View = Callable[..., HttpResponse]


def outbox_page(view: View) -> View:
    """Sign-in required, then the right to read the outbox (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        access.require(request.user, Action.READ_OUTBOX)
        return view(request, *args, **kwargs)

    return wrapped


@outbox_page
def message_list(request: HttpRequest) -> HttpResponse:
    messages = selectors.outbox_message_list_for(actor=request.user)
    page = Paginator(messages, MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "enabled": outbox_enabled(), "keep_messages": KEEP_MESSAGES, "keep_days": KEEP_DAYS}
    return render(request, "mailbox/message_list.html", context)


@outbox_page
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    message = selectors.outbox_message_get_for(actor=request.user, message_id=message_id)
    context = {"message": message, "text": message.text.strip(), "sandbox": " ".join(SANDBOX)}
    return render(request, "mailbox/message_detail.html", context)


@outbox_page
@xframe_options_sameorigin
@csp_override(HTML_PART_CSP)
def message_html(request: HttpRequest, message_id: int) -> HttpResponse:
    message = selectors.outbox_message_get_for(actor=request.user, message_id=message_id)
    if not message.html:
        raise Http404
    return HttpResponse(_links_open_outside(message.html), content_type="text/html; charset=utf-8")


def _links_open_outside(html: str) -> str:
    """``html`` with ``<base target="_top">`` first in its head: a link replaces the page, not the frame."""
    base = '<base target="_top">'
    match = _HEAD.search(html)
    if match is None:
        return base + html
    return html[: match.end()] + base + html[match.end() :]
