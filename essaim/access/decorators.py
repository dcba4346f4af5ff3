"""Pages that only people with a network-wide right may open: sign-in first, then ``require`` (403)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from essaim.access.actions import Action
from essaim.access.policy import require

View = Callable[..., HttpResponseBase]


def page_requires(action: Action) -> Callable[[View], View]:
    """``@page_requires(Action.ADMINISTER_NETWORK)``: anonymous readers go to sign in; others without the
    right get the 403 page before the view runs."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            require(request.user, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
