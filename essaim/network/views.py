from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from essaim import access
from essaim.access import Action


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access.require(request.user, Action.ADMINISTER_NETWORK)
    return render(request, "network/home.html")
