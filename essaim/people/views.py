from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from essaim.people import selectors


@login_required
def profile(request: HttpRequest, handle: str) -> HttpResponse:
    person = selectors.person_get_for(actor=request.user, handle=handle)
    return render(request, "people/profile_detail.html", {"person": person})


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    people = selectors.person_list_for(actor=request.user)[:50]
    return render(request, "people/directory.html", {"people": people})
