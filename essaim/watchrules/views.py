"""/manage/watch-rules/: the rules (list, write, change, disable, delete) and the compliance queue (held posts to
publish or delete, reported matches to mark reviewed). Network administrators and compliance officers."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.accounts.models import User
from essaim.core.http import add_service_errors
from essaim.watchrules import selectors, services
from essaim.watchrules.forms import RejectForm, WatchRuleForm
from essaim.watchrules.models import WatchHit, WatchRule


def me(request: HttpRequest) -> User:
    return cast(User, request.user)


@page_requires(Action.MANAGE_WATCH_RULES)
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    context = {
        "rules": selectors.rule_list_for(actor=me(request)),
        "open_count": selectors.open_count_for(actor=me(request)),
    }
    return render(request, "watchrules/rule_list.html", context)


def _form_page(request: HttpRequest, form: WatchRuleForm, rule: WatchRule | None, status: int = 200) -> HttpResponse:
    return render(request, "watchrules/rule_form.html", {"form": form, "rule": rule}, status=status)


@page_requires(Action.MANAGE_WATCH_RULES)
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest) -> HttpResponse:
    form = WatchRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_create(actor=me(request), data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rule “%(name)s” saved: it applies from now on.") % {"name": rule.name})
            return redirect("watchrules:list")
    return _form_page(request, form, None, status=400 if form.is_bound else 200)


@page_requires(Action.MANAGE_WATCH_RULES)
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.rule_get_for(actor=me(request), rule_id=rule_id)
    initial = {name: getattr(rule, name) for name in services.FIELDS}
    form = WatchRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(actor=me(request), rule=rule, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rule “%(name)s” saved: it applies from now on.") % {"name": rule.name})
            return redirect("watchrules:list")
    return _form_page(request, form, rule, status=400 if form.is_bound else 200)


@page_requires(Action.MANAGE_WATCH_RULES)
@require_POST
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.rule_get_for(actor=me(request), rule_id=rule_id)
    services.rule_update(actor=me(request), rule=rule, data={"is_active": request.POST.get("active") == "1"})
    return redirect("watchrules:list")


@page_requires(Action.MANAGE_WATCH_RULES)
@require_http_methods(["GET", "POST"])
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.rule_get_for(actor=me(request), rule_id=rule_id)
    if request.method == "POST":
        services.rule_delete(actor=me(request), rule=rule)
        messages.success(request, _("Rule “%(name)s” deleted.") % {"name": rule.name})
        return redirect("watchrules:list")
    return render(request, "watchrules/rule_delete.html", {"rule": rule})


@page_requires(Action.REVIEW_WATCH_HITS)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    status = WatchHit.Status.RESOLVED if request.GET.get("status") == "resolved" else WatchHit.Status.OPEN
    return render(request, "watchrules/queue.html", _queue_context(request, status))


def _queue_context(request: HttpRequest, status: str, **extra: Any) -> dict[str, Any]:
    return {"hits": selectors.hit_list_for(actor=me(request), status=status), "status": status, **extra}


@page_requires(Action.REVIEW_WATCH_HITS)
@require_POST
def hit_decide(request: HttpRequest, hit_id: int) -> HttpResponse:
    hit = selectors.hit_get_for(actor=me(request), hit_id=hit_id)
    decision = request.POST.get("decision")
    form = RejectForm(request.POST)
    try:
        if decision == "approve":
            services.hit_approve(actor=me(request), hit=hit)
            messages.success(request, _("The post is released."))
        elif decision == "reject":
            services.hit_reject(actor=me(request), hit=hit, note=request.POST.get("note", ""))
            messages.success(request, _("The post is deleted; its author reads why."))
        else:
            services.hit_acknowledge(actor=me(request), hit=hit)
            messages.success(request, _("Marked as reviewed."))
    except ValidationError as exc:
        add_service_errors(form, exc)
        context = _queue_context(request, WatchHit.Status.OPEN, failed=hit.pk, reject_form=form)
        return render(request, "watchrules/queue.html", context, status=400)
    return redirect("watchrules:queue")
