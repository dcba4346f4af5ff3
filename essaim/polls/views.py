"""Voting from a poll's card: thin, the service decides (403/404 from ``access``, 400 with its message)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from essaim.core.http import error_response
from essaim.polls import selectors, services
from essaim.stream import selectors as stream_selectors
from essaim.stream.views import me, safe_next


@login_required
@require_POST
def vote(request: HttpRequest, post_id: int) -> HttpResponse:
    post = stream_selectors.post_get_for(actor=me(request), post_id=post_id)
    poll = selectors.poll_of_post(post=post)
    choices = [int(c) if c.isdigit() else -1 for c in request.POST.getlist("choices")]  # -1: refused with a message
    try:
        services.poll_vote(actor=me(request), poll=poll, choices=choices)
    except ValidationError as exc:
        return error_response(request, exc)
    return redirect(safe_next(request, post.get_absolute_url()) + f"#poll-{post.pk}")
