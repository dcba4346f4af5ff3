"""The scheduled posts page: one's posts waiting for their time (or refused at it, with the reason), each moved to
another time or cancelled (``stream.scheduling``). The composer's "Send later" brings people here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from essaim.core.http import add_service_errors
from essaim.stream import scheduling
from essaim.stream.forms import ScheduleForm
from essaim.stream.models import ScheduledPost
from essaim.stream.views import me


def _form(scheduled: ScheduledPost) -> ScheduleForm:
    initial = {"scheduled_at": timezone.localtime(scheduled.scheduled_at).replace(second=0, microsecond=0)}
    return ScheduleForm(prefix=f"s{scheduled.pk}", initial=initial)


def _page(request: HttpRequest, *, bound: ScheduleForm | None = None, bound_id: int | None = None) -> HttpResponse:
    items = [
        (scheduled, bound if scheduled.pk == bound_id and bound is not None else _form(scheduled))
        for scheduled in scheduling.scheduled_post_list_for(actor=me(request))
    ]
    return render(request, "stream/scheduled_list.html", {"items": items}, status=400 if bound is not None else 200)


@login_required
def scheduled_list(request: HttpRequest) -> HttpResponse:
    """My scheduled posts, soonest first, each with its time to change and a way to cancel it."""
    return _page(request)


@login_required
@require_POST
def scheduled_reschedule(request: HttpRequest, scheduled_id: int) -> HttpResponse:
    """A new time for one of my scheduled posts; a refused one comes back with the message next to the field."""
    scheduled = scheduling.scheduled_post_get_for(actor=me(request), scheduled_id=scheduled_id)
    form = ScheduleForm(request.POST, prefix=f"s{scheduled.pk}")
    if form.is_valid():
        try:
            scheduling.scheduled_post_reschedule(
                actor=me(request), scheduled=scheduled, scheduled_at=form.cleaned_data["scheduled_at"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(reverse("stream:scheduled-list"))
    return _page(request, bound=form, bound_id=scheduled.pk)


@login_required
def scheduled_cancel(request: HttpRequest, scheduled_id: int) -> HttpResponse:
    """Cancel one of my scheduled posts, once asked (it will not be published)."""
    scheduled = scheduling.scheduled_post_get_for(actor=me(request), scheduled_id=scheduled_id)
    if request.method == "POST":
        scheduling.scheduled_post_cancel(actor=me(request), scheduled=scheduled)
        return redirect(reverse("stream:scheduled-list"))
    return render(request, "stream/scheduled_cancel.html", {"scheduled": scheduled})
