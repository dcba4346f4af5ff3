"""One post's pages: detail with comments, edit + history, delete, reactions, announcements, files.

A post or comment the visitor may not read answers 404 (like a missing one); a forbidden
action on a visible one answers 403; bad input answers 400 with the message next to the field.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.core.downloads import private_file_response, signed_user_id
from essaim.core.http import add_service_errors, error_response, redirect_or_htmx
from essaim.notifications import selectors as notification_selectors
from essaim.notifications import services as notification_services
from essaim.stream import selectors, services
from essaim.stream.forms import AnnouncementForm, CommentEditForm, CommentForm, PostEditForm, ReactionForm
from essaim.stream.models import Post
from essaim.stream.services import MAX_ATTACHMENTS
from essaim.stream.views import cursor_or_400, discard_kept, keep_uploads, me, safe_next
from essaim.watchrules import screening


def _detail_context(request: HttpRequest, post: Post, **extra: Any) -> dict[str, Any]:
    # Not the feed's comment previews: the page shows every comment (``threads``), with their files.
    selectors.hydrate(actor=me(request), posts=[post], with_comments=False)
    return {
        "post": post,
        "threads": selectors.comment_threads_for(actor=me(request), post=post),  # a question's: answers first
        "comment_form": extra.pop("comment_form", CommentForm()),
        "announce_form": extra.pop("announce_form", AnnouncementForm()),
        "detail": True,
        "can_delete": access.can(request.user, Action.DELETE, post),
        "can_announce": access.can(request.user, Action.ANNOUNCE, post),
        "can_hide": access.can(request.user, Action.HIDE, post),
        "thread_muted": notification_selectors.thread_muted_for(actor=me(request), post=post),
        **extra,
    }


@login_required
@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    return render(request, "stream/post_detail.html", _detail_context(request, post))


@login_required
@require_GET
def post_card(request: HttpRequest, post_id: int) -> HttpResponse:
    """One post's card as the feeds draw it: what a live page swaps in when the post changes."""
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    selectors.hydrate(actor=me(request), posts=[post])
    return render(request, "stream/card.html", {"post": post})


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    access.require(request.user, Action.EDIT, post)
    files = selectors.attachment_list_for(actor=me(request), post=post)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    initial = {"body": post.body, "spoiler_text": post.spoiler_text, "sensitive": post.sensitive}
    form = PostEditForm(*data, initial=initial, files_of_post=files)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.post_edit(
                    actor=me(request),
                    post=post,
                    body=form.cleaned_data["body"],
                    attachments=form.cleaned_data["attachments"],
                    remove=form.cleaned_data["remove"],
                    image_description=form.cleaned_data["image_description"],
                    confirm_watch=request.POST.get("confirm_watch") == "1",
                    **form.warning.warning(),
                )
            except screening.WatchWarning as exc:
                form.watch_hits = exc.hits
            except ValidationError as exc:
                warned = hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.warning.fields)
                add_service_errors(form.warning if warned else form, exc)
            else:
                return redirect(post.get_absolute_url())
        status = 400
    return render(request, "stream/post_edit.html", {"post": post, "form": form}, status=status)


@login_required
@require_GET
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    revisions = selectors.revision_list_for(actor=me(request), post=post)
    return render(request, "stream/post_history.html", {"post": post, "revisions": revisions})


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    access.require(request.user, Action.DELETE, post)
    if request.method == "POST":
        services.post_delete(actor=me(request), post=post)
        return redirect_or_htmx(request, safe_next(request, "/"))
    return render(request, "stream/post_delete.html", {"post": post})


@login_required
@require_POST
def comment_create(request: HttpRequest, post_id: int) -> HttpResponse:
    """A comment or a reply (``parent``), with files. A refused one comes back with its text, its message next
    to the field and its files kept (as the author's pending uploads: the next try publishes them)."""
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    form = CommentForm(request.POST, request.FILES)
    kept = selectors.media_kept_for(actor=me(request), ids=request.POST.getlist("media"))
    status = 400
    if request.POST.get("discard"):  # "Remove" on a kept file, without JavaScript: nothing is published
        kept = discard_kept(request, kept, request.POST["discard"])
        form.is_valid()  # bound: the text and the thread come back as typed (a reply reopens)…
        form.errors.clear()  # …with no message, since nothing was tried
        status = 200
    elif form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = selectors.comment_get_for(actor=me(request), comment_id=form.cleaned_data["parent"])
        try:
            comment = services.comment_create(
                actor=me(request),
                post=post,
                body=form.cleaned_data["body"],
                parent=parent,
                attachments=form.cleaned_data["attachments"],
                image_description=form.cleaned_data["image_description"],
                media=kept,
                confirm_watch=request.POST.get("confirm_watch") == "1",
            )
        except screening.WatchWarning as exc:
            form.watch_hits = exc.hits
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")
    form.kept_files = kept + keep_uploads(request, form, room=MAX_ATTACHMENTS - len(kept))
    # A refused reply comes back open under the comment it answers, with its text and message.
    failed = {"reply_form": form} if request.POST.get("parent") else {"comment_form": form}
    context = _detail_context(request, post, **failed)
    return render(request, "stream/post_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.comment_get_for(actor=me(request), comment_id=comment_id)
    access.require(request.user, Action.EDIT, comment)
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.comment_edit(
                    actor=me(request),
                    comment=comment,
                    body=form.cleaned_data["body"],
                    confirm_watch=request.POST.get("confirm_watch") == "1",
                )
            except screening.WatchWarning as exc:
                form.watch_hits = exc.hits
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(f"{comment.post.get_absolute_url()}#comment-{comment.pk}")
        status = 400
    return render(request, "stream/comment_edit.html", {"comment": comment, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.comment_get_for(actor=me(request), comment_id=comment_id)
    access.require(request.user, Action.DELETE, comment)
    if request.method == "POST":
        post_url = comment.post.get_absolute_url()
        services.comment_delete(actor=me(request), comment=comment)
        return redirect(post_url)
    return render(request, "stream/comment_delete.html", {"comment": comment})


@login_required
@require_POST
def reaction_toggle(request: HttpRequest, post_id: int) -> HttpResponse:
    """Add the reaction, or take it back if the person already used it. htmx gets the reaction bar."""
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(m) for errors in form.errors.values() for m in errors)
        return render(request, "errors/error.html", {"status": 400, "message": message}, status=400)
    emoji = form.cleaned_data["emoji"]
    if emoji in selectors.my_reactions_on(actor=me(request), post=post):
        services.reaction_remove(actor=me(request), post=post, emoji=emoji)
    else:
        services.reaction_add(actor=me(request), post=post, emoji=emoji)
    if getattr(request, "htmx", False):
        post.refresh_from_db(fields=["reaction_counts"])
        selectors.hydrate(actor=me(request), posts=[post])
        return render(request, "stream/includes/reactions.html", {"post": post})
    return redirect(safe_next(request, post.get_absolute_url()))


@login_required
@require_POST
def bookmark(request: HttpRequest, post_id: int) -> HttpResponse:
    """Save the post (``saved=1``) or take it off one's saved posts (``saved=0``): the state asked for, so a double
    click changes nothing. htmx gets the button back."""
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    wanted = request.POST.get("saved", "")
    if wanted not in {"0", "1"}:
        return render(
            request, "errors/error.html", {"status": 400, "message": _("Choose to save the post or not.")}, status=400
        )
    if wanted == "1":
        services.bookmark_add(actor=me(request), post=post)
    else:
        services.bookmark_remove(actor=me(request), post=post)
    if getattr(request, "htmx", False):
        post.bookmarked = wanted == "1"  # type: ignore[attr-defined]  # as ``selectors.hydrate`` gives it
        return render(request, "stream/includes/bookmark.html", {"post": post})
    return redirect(safe_next(request, post.get_absolute_url()))


@login_required
@require_GET
def reactors(request: HttpRequest, post_id: int) -> HttpResponse:
    """Who reacted: the latest few per reaction; with ``?emoji=``, everyone who used it, page by page."""
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    emoji = request.GET.get("emoji")
    if emoji is None:
        groups = [group for group in selectors.reaction_summary_for(actor=me(request), post=post) if group.count]
        return render(request, "stream/reactors.html", {"post": post, "groups": groups})
    cursor = cursor_or_400(request)
    if isinstance(cursor, HttpResponse):
        return cursor
    try:
        page = selectors.reactors_for(actor=me(request), post=post, emoji=emoji, cursor=cursor)
    except ValidationError as exc:
        return error_response(request, exc)
    next_url = f"{request.path}?{urlencode({'emoji': emoji, 'max_id': page.next_max_id})}" if page.has_more else None
    context = {"post": post, "emoji": emoji, "page": page, "next_url": next_url}
    if getattr(request, "htmx", False) and cursor.max_id is not None:
        return render(request, "stream/reactors.html#people", context)
    return render(request, "stream/reactors.html", context)


@login_required
@require_POST
def announcement(request: HttpRequest, post_id: int) -> HttpResponse:
    """Pin (``expires_at`` given) or unpin (``clear``) a post as an announcement."""
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    access.require(request.user, Action.ANNOUNCE, post)
    if request.POST.get("clear"):
        services.announcement_clear(actor=me(request), post=post)
        return redirect(post.get_absolute_url())
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        try:
            services.announcement_set(actor=me(request), post=post, expires_at=form.cleaned_data["expires_at"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(post.get_absolute_url())
    context = _detail_context(request, post, announce_form=form)
    return render(request, "stream/post_detail.html", context, status=400)


@login_required
@require_POST
def post_hide(request: HttpRequest, post_id: int) -> HttpResponse:
    """Moderation: hide (``hidden=1``) or show again (``hidden=0``) a post."""
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    services.post_hide(actor=me(request), post=post, hidden=request.POST.get("hidden") != "0")
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def post_mute(request: HttpRequest, post_id: int) -> HttpResponse:
    """Mute (``muted=1``) or unmute (``muted=0``) the post's thread for oneself: nothing about it reaches
    them while muted."""
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    notification_services.thread_mute_set(actor=me(request), post=post, muted=request.POST.get("muted") != "0")
    return redirect_or_htmx(request, post.get_absolute_url())


@require_GET
def attachment_download(request: HttpRequest, attachment_id: int, variant: str = "file") -> FileResponse | HttpResponse:
    """Serve a file after re-checking that its post is visible (sent by Essaim, or by the reverse proxy when
    ``ESSAIM_ACCEL_REDIRECT_PREFIX`` is set: ``core.downloads``). Non-images always download.

    The reader is the signed-in person, or the one an API answer signed the address for (``core.downloads``: an
    app's ``<img>`` sends no token); either way the permission is checked again for them here."""
    kind = "attachment-thumbnail" if variant == "thumbnail" else "attachment"
    signed = signed_user_id(kind=kind, object_id=attachment_id, query=request.GET) if "s" in request.GET else None
    if signed is not None:
        reader: Any = User.objects.filter(pk=signed, is_active=True).first()
        if reader is None:
            raise Http404
    elif request.user.is_authenticated:
        reader = me(request)
    else:
        return redirect_to_login(request.get_full_path())
    attachment = selectors.attachment_get_for(actor=reader, attachment_id=attachment_id)
    stored = attachment.thumbnail if variant == "thumbnail" and attachment.thumbnail else attachment.file
    inline = attachment.is_image
    response = private_file_response(
        stored,
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if not inline:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def link_preview_remove(request: HttpRequest, post_id: int) -> HttpResponse:
    """The author takes the card of their link off the post (for good)."""
    post = selectors.post_get_for(actor=me(request), post_id=post_id)
    services.post_link_preview_remove(actor=me(request), post=post)
    return redirect_or_htmx(request, safe_next(request, post.get_absolute_url()))


@require_GET
def link_preview_image(request: HttpRequest, preview_id: int) -> FileResponse | HttpResponse:
    """A link card's image (re-encoded by Essaim), to whoever may read a post that shows it; else 404. The reader
    is the signed-in person, or the one an API answer signed the address for (``core.downloads``)."""
    signed = (
        signed_user_id(kind="link-preview", object_id=preview_id, query=request.GET) if "s" in request.GET else None
    )
    if signed is not None:
        reader: Any = User.objects.filter(pk=signed, is_active=True).first()
        if reader is None:
            raise Http404
    elif request.user.is_authenticated:
        reader = me(request)
    else:
        return redirect_to_login(request.get_full_path())
    preview = selectors.link_preview_get_for(actor=reader, preview_id=preview_id)
    if not preview.image:
        raise Http404
    content_type = "image/png" if (preview.image.name or "").endswith(".png") else "image/jpeg"
    response = private_file_response(preview.image, as_attachment=False, filename="preview", content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response
