"""Feed pages of the stream: home, company, tag, a person's posts; composer helpers.

Every feed answers a full page, or with htmx (``load more``) only the ``page`` partial.
A bad cursor answers 400 with its message. One post's pages live in ``post_views``.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.core.http import add_service_errors, error_response
from essaim.core.pagination import Cursor, Page, parse_cursor
from essaim.people import services as people_services
from essaim.people.first_steps import FirstSteps, first_steps_for
from essaim.people.selectors import person_get_for
from essaim.questions import selectors as question_selectors
from essaim.spaces import selectors as spaces_selectors
from essaim.spaces.views.pages import space_page
from essaim.stream import scheduling, selectors, services
from essaim.stream.forms import PostForm
from essaim.stream.models import Attachment, Post, Visibility
from essaim.stream.services import MAX_ATTACHMENTS
from essaim.stream.sources import SourceFilter, parse_source
from essaim.watchrules import screening

FEED_TEMPLATE = "stream/feed.html"


def me(request: HttpRequest) -> User:
    """The signed-in person (views are ``login_required``)."""
    return cast(User, request.user)


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def cursor_or_400(request: HttpRequest) -> Cursor | HttpResponse:
    try:
        return parse_cursor(request.GET)
    except ValidationError as exc:
        return error_response(request, exc)


def _feed_response(
    request: HttpRequest, *, page: Page[Post], context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"page": page, **context}
    if getattr(request, "htmx", False) and (request.GET.get("max_id") or request.GET.get("since_id")):
        return render(request, f"{FEED_TEMPLATE}#page", context)
    context.setdefault("can_post", access.can(request.user, Action.CREATE_POST))
    return render(request, FEED_TEMPLATE, context, status=status)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    cursor = cursor_or_400(request)
    if isinstance(cursor, HttpResponse):
        return cursor
    if feed_filter(request):
        page = question_selectors.unanswered_page(actor=me(request), cursor=cursor)
        return _feed_response(request, page=page, context={"feed": "home", "feed_filter": "unanswered"})
    source = source_or_400(request)
    if isinstance(source, HttpResponse):
        return source
    pinned, page = selectors.feed_home(actor=me(request), cursor=cursor, source=source)
    context = {"feed": "home", "pinned": pinned, "first_steps": _first_steps(request) if cursor.is_first_page else None}
    return _feed_response(request, page=page, context={**context, "source": source})


def source_or_400(request: HttpRequest) -> SourceFilter | HttpResponse:
    """The feed's source filter from ``?source=`` (``stream.sources``), or a 400 page that says what it takes."""
    try:
        return parse_source(request.GET.get("source", ""))
    except ValidationError as exc:
        return error_response(request, exc)


def feed_filter(request: HttpRequest) -> str:
    """The feed's filter from ``?filter=``: ``"unanswered"`` (its questions without answer) or none."""
    return "unanswered" if request.GET.get("filter") == "unanswered" else ""


def _first_steps(request: HttpRequest) -> FirstSteps | None:
    """The newcomer's checklist on the home page's first page; closed for good once complete."""
    steps = first_steps_for(actor=me(request))
    if steps is not None and steps.complete:
        people_services.first_steps_close(actor=me(request), user=me(request))
        return None
    return steps


@login_required
@require_GET
def company(request: HttpRequest) -> HttpResponse:
    access.require(request.user, Action.VIEW_COMPANY_FEED)  # external guests have no company feed
    cursor = cursor_or_400(request)
    if isinstance(cursor, HttpResponse):
        return cursor
    if feed_filter(request):
        page = question_selectors.unanswered_page(actor=me(request), cursor=cursor, company=True)
        return _feed_response(request, page=page, context={"feed": "company", "feed_filter": "unanswered"})
    source = source_or_400(request)
    if isinstance(source, HttpResponse):
        return source
    page = selectors.feed_company(actor=me(request), cursor=cursor, source=source)
    return _feed_response(request, page=page, context={"feed": "company", "source": source})


@login_required
@require_GET
def tag(request: HttpRequest, name: str) -> HttpResponse:
    cursor = cursor_or_400(request)
    if isinstance(cursor, HttpResponse):
        return cursor
    tag = selectors.tag_get_for(actor=me(request), name=name)
    source = source_or_400(request)
    if isinstance(source, HttpResponse):
        return source
    if feed_filter(request):
        page = question_selectors.unanswered_page(actor=me(request), cursor=cursor, tag=tag)
    else:
        page = selectors.feed_tag(actor=me(request), tag=tag, cursor=cursor, source=source)
    followed = selectors.tag_is_followed(actor=me(request), tag=tag)
    context = {"feed": "tag", "tag": tag, "tag_followed": followed, "composer_initial": f"#{tag.name} "}
    context["feed_filter"] = feed_filter(request)
    context["source"] = source
    return _feed_response(request, page=page, context=context)


@login_required
@require_GET
def profile_posts(request: HttpRequest, handle: str) -> HttpResponse:
    """``/@handle/posts``: a person's posts, on a page of its own (the profile links to it)."""
    cursor = cursor_or_400(request)
    if isinstance(cursor, HttpResponse):
        return cursor
    person = person_get_for(actor=me(request), handle=handle)
    page = selectors.feed_profile(actor=me(request), person=person, cursor=cursor)
    return _feed_response(request, page=page, context={"feed": "profile", "person": person, "can_post": False})


@login_required
@require_POST
def tag_follow(request: HttpRequest, name: str) -> HttpResponse:
    tag = selectors.tag_get_for(actor=me(request), name=name)
    if request.POST.get("follow") == "0":
        services.tag_unfollow(actor=me(request), tag=tag)
    else:
        services.tag_follow(actor=me(request), tag=tag)
    if getattr(request, "htmx", False):
        followed = selectors.tag_is_followed(actor=me(request), tag=tag)
        return render(request, f"{FEED_TEMPLATE}#tag-follow", {"tag": tag, "tag_followed": followed})
    return redirect("stream:tag", name=tag.folded)


@login_required
@require_POST
def post_create(request: HttpRequest) -> HttpResponse:
    """The composer. Success goes back to the feed; an error re-renders the feed with what was typed.

    From a space's page the form carries ``space`` (its id or address): the space is looked up through the
    spaces selectors (404 when the poster may not see it), the post goes into it (the space's roles decide,
    and the visibility choice does not apply there), success goes back to the space's page and an error
    re-renders that page.
    """
    space_ref = request.POST.get("space", "").strip()
    space = spaces_selectors.space_get_by_ref_for(actor=me(request), ref=space_ref) if space_ref else None
    form = PostForm(request.POST, request.FILES, space=space)
    back = safe_next(request, space.get_absolute_url() if space is not None else "/")  # an idea board: itself
    kept = selectors.media_kept_for(actor=me(request), ids=request.POST.getlist("media"))
    files_kept = False
    if request.POST.get("discard"):  # "Remove" on a kept file, without JavaScript: nothing is published
        kept = discard_kept(request, kept, request.POST["discard"])
        names = ("body", "visibility", "image_description", "kind", "spoiler_text", "sensitive", "send_at")
        typed = {name: request.POST.get(name, "") for name in names}
        form = PostForm(initial=typed, space=space)
    elif form.is_valid() and form.cleaned_data.get("send_at"):
        if schedule_from_composer(request, form, space=space, kept=kept):
            return redirect(reverse("stream:scheduled-list"))
        files_kept = True  # the refused post's files are the author's pending uploads already
    elif form.is_valid():
        try:
            services.post_create(
                actor=me(request),
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data.get("visibility") or Visibility.COMPANY,
                attachments=form.cleaned_data["attachments"],
                image_description=form.cleaned_data["image_description"],
                media=kept,
                space=space,
                kind=form.kind,
                kind_data=form.kind_data(),
                confirm_watch=request.POST.get("confirm_watch") == "1",
                **form.warning.warning(),
            )
        except screening.WatchWarning as exc:
            form.watch_hits = exc.hits  # the composer asks "publish anyway?" (watchrules/includes/warning.html)
        except ValidationError as exc:
            _add_post_errors(form, exc)
        else:
            return redirect(back)
    if not files_kept:
        form.kept_files = kept + keep_uploads(request, form, room=MAX_ATTACHMENTS - len(kept))
    form.next_url = back  # where the next try goes back to (not this address, which only takes a POST)
    status = 200 if request.POST.get("discard") else 400
    if space is not None:
        return space_page(request, space, form=form, status=status)
    pinned, page = selectors.feed_home(actor=me(request), cursor=Cursor())
    context = {"feed": "home", "pinned": pinned, "form": form, "composer_open": True}
    return _feed_response(request, page=page, context=context, status=status)


def schedule_from_composer(request: HttpRequest, form: PostForm, *, space: Any, kept: list[Attachment]) -> bool:
    """The composer's "Send later": the post kept to publish at ``send_at`` with its files (stored first as the
    author's pending uploads, so that a refusal loses none: they are then ``form.kept_files``). Whether it was
    scheduled; if not, the form carries the reason."""
    form.kept_files = kept + keep_uploads(request, form, room=MAX_ATTACHMENTS - len(kept))
    try:
        scheduling.scheduled_post_create(
            actor=me(request),
            scheduled_at=form.cleaned_data["send_at"],
            body=form.cleaned_data["body"],
            visibility=form.cleaned_data.get("visibility") or Visibility.COMPANY,
            space=space,
            media=form.kept_files,
            kind=form.kind,
            kind_data=form.kind_data() or None,
            confirm_watch=request.POST.get("confirm_watch") == "1",
        )
    except screening.WatchWarning as exc:
        form.watch_hits = exc.hits
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "scheduled_at" in exc.error_dict:
            form.add_error("send_at", exc.error_dict.pop("scheduled_at"))
            if not exc.error_dict:
                return False
        _add_post_errors(form, exc)
    else:
        return True
    return False


def _add_post_errors(form: PostForm, exc: ValidationError) -> None:
    """A service's refusal next to its field: the post's, or the chosen kind's own (a poll's options…)."""
    kind_form = form.kind_forms.get(form.kind)
    if kind_form is not None and hasattr(exc, "error_dict") and set(exc.error_dict) <= set(kind_form.fields):
        add_service_errors(kind_form, exc)
    elif hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.warning.fields):
        add_service_errors(form.warning, exc)
    else:
        add_service_errors(form, exc)


def keep_uploads(request: HttpRequest, form: forms.Form, *, room: int) -> list[Attachment]:
    """The files of a refused post or comment, kept as the author's pending uploads so that the form
    offers them again (``kept_files``) and the next try publishes them: a refusal never loses a file. A
    file that is itself refused (not an image after all, too large) is not kept, and the form says why."""
    kept: list[Attachment] = []
    for upload in request.FILES.getlist("attachments")[: max(room, 0)]:
        try:
            kept.append(
                services.media_upload(
                    actor=me(request), upload=upload, description=request.POST.get("image_description", "")[:500]
                )
            )
        except ValidationError as exc:
            for message in exc.messages if form.is_bound else ():
                if message not in form.errors.get("attachments", []):
                    form.add_error("attachments", message)
    return kept


def discard_kept(request: HttpRequest, kept: list[Attachment], raw_id: str) -> list[Attachment]:
    """``kept`` without the file ``raw_id`` names, which is deleted ("Remove" on a kept file, without scripts)."""
    left = [item for item in kept if str(item.pk) != raw_id]
    for item in kept:
        if str(item.pk) == raw_id:
            services.media_discard(actor=me(request), attachment=item)
    return left


@login_required
@require_POST
def media_discard(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """htmx: "Remove" on a file the composer or a comment form kept from a refused try (answers nothing: the
    row goes)."""
    kept = selectors.media_kept_for(actor=me(request), ids=[str(attachment_id)])
    if not kept:
        raise Http404
    services.media_discard(actor=me(request), attachment=kept[0])
    if getattr(request, "htmx", False):
        return HttpResponse("")
    return redirect(safe_next(request, "/"))


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """htmx: the composer's text rendered as it will be published (mentions checked)."""
    body = request.POST.get("body", "")
    error = ""
    html = ""
    if body.strip():
        try:
            html = services.preview_body(actor=me(request), body=body)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Nothing to preview yet: write something first.")
    return render(request, "stream/includes/preview.html", {"html": html, "error": error})


@login_required
@require_GET
def mention_suggestions(request: HttpRequest) -> HttpResponse:
    profiles = selectors.mention_suggestions_for(actor=me(request), query=request.GET.get("q", "")[:60])
    return render(request, "stream/includes/suggestions.html", {"profiles": profiles, "kind": "mention"})


@login_required
@require_GET
def tag_suggestions(request: HttpRequest) -> HttpResponse:
    tags = selectors.tag_suggestions_for(actor=me(request), query=request.GET.get("q", "")[:60])
    return render(request, "stream/includes/suggestions.html", {"tags": tags, "kind": "tag"})


# --- muted sources (``stream.sources``) ---------------------------------------------------


@login_required
@require_GET
def sources_muted(request: HttpRequest) -> HttpResponse:
    """The sources I muted, each with "Unmute"."""
    access.require(request.user, Action.MUTE_SOURCE)
    return render(request, "stream/sources_muted.html", {"mutes": selectors.source_mute_list_for(actor=me(request))})


@login_required
@require_GET
def saved(request: HttpRequest) -> HttpResponse:
    """The posts I saved and may still read, newest saved first, page by page (htmx gets the next page alone)."""
    cursor = cursor_or_400(request)
    if isinstance(cursor, HttpResponse):
        return cursor
    page = selectors.bookmark_page_for(actor=me(request), cursor=cursor)
    template = "stream/saved.html#page" if getattr(request, "htmx", False) else "stream/saved.html"
    return render(request, template, {"page": page})


@login_required
@require_POST
def source_mute(request: HttpRequest) -> HttpResponse:
    """Mute a feed or an integration (``author``: its handle) or a space's automated posts (``space``: its address),
    then back to the page it was asked from."""
    author_handle, space_slug = request.POST.get("author", "").strip(), request.POST.get("space", "").strip()
    author = selectors.automated_author_get(handle=author_handle) if author_handle else None
    space = spaces_selectors.space_get_for(actor=me(request), slug=space_slug) if space_slug else None
    try:
        services.source_mute(actor=me(request), author=author, space=space)
    except ValidationError as exc:
        return error_response(request, exc)
    return redirect(safe_next(request, reverse("stream:sources-muted")))


@login_required
@require_POST
def source_unmute(request: HttpRequest, mute_id: int) -> HttpResponse:
    mute = selectors.source_mute_get_for(actor=me(request), mute_id=mute_id)
    services.source_unmute(actor=me(request), mute=mute)
    return redirect(safe_next(request, reverse("stream:sources-muted")))
