"""/moderation/: reporting a post, a comment or a person (a small form on its own page), the queue of reports
to decide (space moderators see their spaces', network administrators theirs: ``access.rules.moderation``),
and a person's warnings."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from essaim import access
from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.accounts.models import User
from essaim.moderation import approval, selectors, services
from essaim.moderation.forms import DecisionForm, ReportForm
from essaim.moderation.models import Decision
from essaim.people import selectors as people_selectors
from essaim.stream import selectors as stream_selectors


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _report(request: HttpRequest, target: services.Target, *, back: str, context: dict[str, Any]) -> HttpResponse:
    """The report form for ``target`` (GET), or the report (POST): back to ``back`` with a thank-you."""
    access.require(request.user, Action.REPORT, target)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.report_create(
                actor=_me(request),
                target=target,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you: your report was sent to the moderators. You will be told when they have looked at it."),
            )
            return redirect(back)
    status = 400 if form.is_bound else 200
    return render(request, "moderation/report_form.html", {"form": form, "back": back, **context}, status=status)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, items in error.message_dict.items():
            form.add_error(name if name in form.fields else None, items)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def report_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = stream_selectors.post_get_for(actor=request.user, post_id=post_id)
    return _report(request, post, back=post.get_absolute_url(), context={"post": post, "kind": "post"})


@login_required
@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = stream_selectors.comment_get_for(actor=request.user, comment_id=comment_id)
    back = f"{comment.post.get_absolute_url()}#comment-{comment.pk}"
    return _report(request, comment, back=back, context={"comment": comment, "kind": "comment"})


@login_required
@require_http_methods(["GET", "POST"])
def report_person(request: HttpRequest, handle: str) -> HttpResponse:
    person = people_selectors.person_get_for(actor=request.user, handle=handle)
    return _report(request, person, back=person.get_absolute_url(), context={"person": person, "kind": "person"})


@page_requires(Action.MODERATE_REPORTS)
@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    groups = selectors.queue_for(actor=request.user)
    awaiting = list(approval.awaiting_for(actor=request.user))
    return render(request, "moderation/queue.html", {"groups": groups, "Decision": Decision, "awaiting": awaiting})


@page_requires(Action.MODERATE_REPORTS)
@require_POST
def approval_decide(request: HttpRequest, post_id: int) -> HttpResponse:
    """Approve a post waiting in a space the moderator moderates, or reject it with a word to its author."""
    post = approval.awaiting_get_for(actor=request.user, post_id=post_id)
    try:
        if request.POST.get("decision") == "approve":
            approval.post_approve(actor=_me(request), post=post)
            messages.success(request, _("Approved: the post is published and its readers are told as usual."))
        else:
            approval.post_reject(actor=_me(request), post=post, note=request.POST.get("note", ""))
            messages.success(request, _("Rejected: the post is deleted and its author is told why."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        context = {
            "groups": selectors.queue_for(actor=request.user),
            "Decision": Decision,
            "awaiting": list(approval.awaiting_for(actor=request.user)),
            "failed_post": post.pk,
        }
        return render(request, "moderation/queue.html", context, status=400)
    return redirect(reverse("moderation:queue"))


@page_requires(Action.MODERATE_REPORTS)
@require_POST
def report_decide(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get_for(actor=request.user, report_id=report_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.report_decide(
                actor=_me(request),
                report=report,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"] or "",
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            decision = Decision(form.cleaned_data["decision"])
            if decision == Decision.DISMISSED:
                told = _("Report dismissed: the reporters are told that no action was needed.")
            else:
                told = _("Decided: %(decision)s. The reporters and the author are told.") % {"decision": decision.label}
            messages.success(request, told)
            return redirect(reverse("moderation:queue"))
    groups = selectors.queue_for(actor=request.user)
    context = {"groups": groups, "Decision": Decision, "failed": report.target_key, "decision_form": form}
    return render(request, "moderation/queue.html", context, status=400)


@login_required
@require_http_methods(["GET"])
def warning_list(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/warning_list.html", {"warnings": selectors.warnings_for(actor=request.user)})


@login_required
@require_POST
def warning_read(request: HttpRequest, warning_id: int) -> HttpResponse:
    warning = selectors.warning_get_for(actor=request.user, warning_id=warning_id)
    services.warning_mark_read(actor=_me(request), warning=warning)
    return redirect(reverse("moderation:warnings"))
