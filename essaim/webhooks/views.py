"""Webhook pages (a space's settings, the network's administration, an endpoint's delivery log) and the
incoming hooks' endpoint, which other tools POST to: no session, no CSRF token, its secret URL its authority."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from essaim import access
from essaim.access import Action
from essaim.core.http import add_service_errors
from essaim.core.ratelimits import RateLimited
from essaim.spaces import selectors as spaces
from essaim.spaces.models import Space
from essaim.spaces.views.pages import space_context
from essaim.webhooks import selectors, services
from essaim.webhooks.forms import EndpointForm, IncomingWebhookForm
from essaim.webhooks.incoming import PayloadError
from essaim.webhooks.models import Endpoint, IncomingWebhook


def _error(status: int, error: str, description: str) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


@csrf_exempt
def incoming(request: HttpRequest, token: str) -> HttpResponse:
    """``POST /hooks/<token>``: the request becomes a post in the hook's space (see docs/api.md)."""
    if request.method != "POST":
        response = _error(405, "method_not_allowed", _("Send the message with POST."))
        response["Allow"] = "POST"
        return response
    try:
        _hook, post = services.incoming_webhook_post(
            token=token, body=request.body, content_type=request.content_type or "", headers=request.headers
        )
    except IncomingWebhook.DoesNotExist:
        return _error(404, "not_found", _("No webhook has this address: it was deleted or its URL regenerated."))
    except PayloadError as error:
        return _error(400, "bad_payload", str(error))
    except ValidationError as error:
        return _error(400, "bad_payload", " ".join(error.messages))
    except PermissionDenied:  # the space was archived, or the hook's account removed from it
        return _error(403, "forbidden", _("This webhook may no longer post in its space."))
    except RateLimited as limited:
        response = _error(429, "rate_limited", limited.message())
        response["Retry-After"] = str(limited.retry_after)
        return response
    if post is None:
        return JsonResponse({"ok": True, "posted": False})
    return JsonResponse({"ok": True, "posted": True, "post_id": str(post.pk), "url": post.get_absolute_url()})


def hook_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("webhooks:incoming", kwargs={"token": token}))


def _space_page(
    request: HttpRequest,
    space: Space,
    *,
    hook_form: IncomingWebhookForm | None = None,
    endpoint_form: EndpointForm | None = None,
    new_url: str = "",
    new_url_for: int | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = space_context(request, space)
    context.update(
        hooks=selectors.incoming_list_for(actor=request.user, space=space),
        endpoints=selectors.endpoint_list_for(actor=request.user, space=space),
        hook_form=hook_form or IncomingWebhookForm(),
        endpoint_form=endpoint_form or EndpointForm(),
        new_url=new_url,
        new_url_for=new_url_for,
        endpoint_action=reverse("webhooks:space-endpoint-create", kwargs={"slug": space.slug}),
    )
    return render(request, "webhooks/space_webhooks.html", context, status=status)


def _managed_space(request: HttpRequest, slug: str) -> Space:
    space = spaces.space_get_for(actor=request.user, slug=slug)
    access.require(request.user, Action.MANAGE_WEBHOOKS, space)
    return space


@login_required
def space_webhooks(request: HttpRequest, slug: str) -> HttpResponse:
    """A space's webhooks: incoming hooks (POST: create one; its URL shown once) and outgoing endpoints."""
    space = _managed_space(request, slug)
    if request.method != "POST":
        return _space_page(request, space)
    form = IncomingWebhookForm(request.POST)
    if form.is_valid():
        try:
            hook, token = services.incoming_webhook_create(
                actor=request.user, space=space, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The webhook is ready: copy its URL now, it will not be shown again."))
            return _space_page(request, space, new_url=hook_url(request, token), new_url_for=hook.pk)
    return _space_page(request, space, hook_form=form, status=400)


@login_required
@require_POST
def hook_regenerate(request: HttpRequest, slug: str, hook_id: int) -> HttpResponse:
    space = _managed_space(request, slug)
    hook = selectors.incoming_get_for(actor=request.user, space=space, hook_id=hook_id)
    token = services.incoming_webhook_regenerate(actor=request.user, hook=hook)
    messages.success(request, _("New URL made: the old one no longer works. Copy it now, it will not be shown again."))
    return _space_page(request, space, new_url=hook_url(request, token), new_url_for=hook.pk)


@login_required
@require_POST
def hook_delete(request: HttpRequest, slug: str, hook_id: int) -> HttpResponse:
    space = _managed_space(request, slug)
    hook = selectors.incoming_get_for(actor=request.user, space=space, hook_id=hook_id)
    services.incoming_webhook_delete(actor=request.user, hook=hook)
    messages.success(request, _("The webhook was deleted; its posts stay."))
    return redirect(reverse("webhooks:space-webhooks", kwargs={"slug": space.slug}))


def _create_endpoint(request: HttpRequest, space: Space | None) -> tuple[EndpointForm, Endpoint | None]:
    form = EndpointForm(request.POST)
    if not form.is_valid():
        return form, None
    try:
        endpoint = services.endpoint_create(
            actor=request.user,
            space=space,
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            description=form.cleaned_data["description"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return form, None
    messages.success(request, _("The endpoint is subscribed. Its signing secret is on its page."))
    return form, endpoint


@login_required
@require_POST
def space_endpoint_create(request: HttpRequest, slug: str) -> HttpResponse:
    space = _managed_space(request, slug)
    form, endpoint = _create_endpoint(request, space)
    if endpoint is None:
        return _space_page(request, space, endpoint_form=form, status=400)
    return redirect(reverse("webhooks:endpoint", kwargs={"endpoint_id": endpoint.pk}))


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The network-wide endpoints (network administrators). POST: subscribe one."""
    access.require(request.user, Action.MANAGE_NETWORK_WEBHOOKS)
    form = EndpointForm()
    if request.method == "POST":
        form, endpoint = _create_endpoint(request, None)
        if endpoint is not None:
            return redirect(reverse("webhooks:endpoint", kwargs={"endpoint_id": endpoint.pk}))
    context = {
        "endpoints": selectors.endpoint_list_for(actor=request.user, space=None),
        "endpoint_form": form,
        "endpoint_action": reverse("webhooks:manage"),
    }
    return render(request, "webhooks/manage.html", context, status=400 if form.errors else 200)


@login_required
def endpoint(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """One endpoint: its secret, its events, enable/disable/delete, and its delivery log with "send again"."""
    found = selectors.endpoint_get_for(actor=request.user, endpoint_id=endpoint_id)
    context = {
        "endpoint": found,
        "deliveries": selectors.delivery_log_for(actor=request.user, endpoint=found),
        "back": _back(found),
    }
    return render(request, "webhooks/endpoint.html", context)


def _back(endpoint: Endpoint) -> str:
    if endpoint.space is None:
        return reverse("webhooks:manage")
    return reverse("webhooks:space-webhooks", kwargs={"slug": endpoint.space.slug})


@login_required
@require_POST
def endpoint_toggle(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    found = selectors.endpoint_get_for(actor=request.user, endpoint_id=endpoint_id)
    active = request.POST.get("active") == "1"
    services.endpoint_set_active(actor=request.user, endpoint=found, active=active)
    if active:
        from essaim.webhooks import tasks

        tasks.send_deliveries.enqueue(endpoint_id=found.pk)
    messages.success(request, _("The endpoint is enabled.") if active else _("The endpoint is disabled."))
    return redirect(reverse("webhooks:endpoint", kwargs={"endpoint_id": found.pk}))


@login_required
@require_POST
def endpoint_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    found = selectors.endpoint_get_for(actor=request.user, endpoint_id=endpoint_id)
    back = _back(found)
    services.endpoint_delete(actor=request.user, endpoint=found)
    messages.success(request, _("The endpoint was deleted."))
    return redirect(back)


@login_required
@require_POST
def delivery_resend(request: HttpRequest, endpoint_id: int, delivery_id: int) -> HttpResponse:
    found = selectors.endpoint_get_for(actor=request.user, endpoint_id=endpoint_id)
    delivery = selectors.delivery_get_for(actor=request.user, endpoint=found, delivery_id=delivery_id)
    services.delivery_resend(actor=request.user, delivery=delivery)
    messages.success(request, _("The delivery is sent again."))
    return redirect(reverse("webhooks:endpoint", kwargs={"endpoint_id": found.pk}))
