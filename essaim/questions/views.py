"""Question pages' actions: vote an answer up, mark the accepted answer, follow a question; the list of
unanswered questions. Thin: the selectors read, the services decide (403/404 from ``access``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim.core.http import error_response
from essaim.questions import selectors, services
from essaim.stream import selectors as stream_selectors
from essaim.stream.views import _feed_response, cursor_or_400, me


def _back(post_id: int, anchor: str = "comments") -> HttpResponse:
    from django.urls import reverse

    return redirect(reverse("stream:post-detail", kwargs={"post_id": post_id}) + f"#{anchor}")


@login_required
@require_POST
def answer_vote(request: HttpRequest, post_id: int, answer_id: int) -> HttpResponse:
    post = stream_selectors.post_get_for(actor=me(request), post_id=post_id)
    answer = selectors.answer_get(post=post, answer_id=answer_id)
    try:
        services.answer_vote(actor=me(request), post=post, answer=answer, up=request.POST.get("up", "1") != "0")
    except ValidationError as exc:
        return error_response(request, exc)
    return _back(post.pk, f"comment-{answer.pk}")


@login_required
@require_POST
def answer_accept(request: HttpRequest, post_id: int) -> HttpResponse:
    post = stream_selectors.post_get_for(actor=me(request), post_id=post_id)
    raw = request.POST.get("answer", "").strip()
    if raw and not raw.isdigit():
        return error_response(request, ValidationError(_("This is not an answer to this question.")))
    answer = selectors.answer_get(post=post, answer_id=int(raw)) if raw else None
    try:
        services.answer_accept(actor=me(request), post=post, answer=answer)
    except ValidationError as exc:
        return error_response(request, exc)
    return _back(post.pk)


@login_required
@require_POST
def question_follow(request: HttpRequest, post_id: int) -> HttpResponse:
    post = stream_selectors.post_get_for(actor=me(request), post_id=post_id)
    services.question_follow(actor=me(request), post=post, follow=request.POST.get("follow", "1") != "0")
    return _back(post.pk, "question-follow")


@login_required
@require_GET
def unanswered(request: HttpRequest) -> HttpResponse:
    """Every unanswered question the reader may read, newest first: the home feed's "Unanswered" filter."""
    cursor = cursor_or_400(request)
    if isinstance(cursor, HttpResponse):
        return cursor
    page = selectors.unanswered_page(actor=me(request), cursor=cursor)
    return _feed_response(request, page=page, context={"feed": "unanswered", "can_post": False})
