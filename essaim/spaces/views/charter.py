"""A space's own usage charter: read and accepted before entering the space, published from its settings.

The charters app keeps the versions and the acceptances; these views put them in the space's pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.charters import selectors as charters
from essaim.charters import services as charter_services
from essaim.charters.views import editor_context, publish_from, published_message
from essaim.spaces import selectors
from essaim.spaces.views.pages import charter_gate, space_context


@login_required
def space_charter(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the space's charter, to read (and accept when it waits for it). POST: accept it, then enter."""
    space = selectors.space_get_for(actor=request.user, slug=slug)
    charter = charters.charter_current(space_id=space.pk)
    if charter is None:
        raise Http404
    if request.method != "POST":
        pending = charters.space_pending_for(request.user, space.pk) is not None
        return charter_gate(request, space, charter, pending=pending)
    if request.POST.get("charter") != str(charter.pk):
        messages.error(request, _("A newer version of the charter was published: read it, then accept it."))
        return redirect(reverse("spaces:space-charter", kwargs={"slug": space.slug}))
    try:
        charter_services.charter_accept(actor=request.user, charter=charter)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("spaces:space-charter", kwargs={"slug": space.slug}))
    return redirect(space.get_absolute_url())


@login_required
def space_charter_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The space's owners and administrators publish a version of its charter (``EDIT_CHARTER``)."""
    space = selectors.space_get_for(actor=request.user, slug=slug)
    access.require(request.user, Action.EDIT_CHARTER, space)
    form = None
    if request.method == "POST":
        form, charter = publish_from(request, space=space)
        if charter is not None:
            messages.success(request, published_message(charter))
            return redirect(reverse("spaces:space-charter-edit", kwargs={"slug": space.slug}))
    context = space_context(request, space)
    context.update(editor_context(request, space_id=space.pk, form=form))
    status = 400 if form is not None and not form.is_valid() else 200
    return render(request, "spaces/space_charter_edit.html", context, status=status)
