"""The unsubscribe link of every e-mail (RFC 8058): a page that asks, and the one-click POST of mail clients.

No session is needed: the signed token in the address names the person and the setting. A GET never
changes anything (mail scanners open links); the page's button, or a mail client's one-click POST
(``List-Unsubscribe=One-Click``), does. The page speaks the person's language.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.emails import services, tokens
from essaim.notifications.models import Notification


@csrf_exempt  # a mail client posts with no session; the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    setting = tokens.read(token)
    person = User.objects.filter(pk=setting.user_id).first() if setting else None
    if setting is None or person is None or not access.can(person, Action.CHOOSE_NOTIFICATIONS):
        return render(request, "emails/unsubscribe_invalid.html", status=404)
    with translation.override(person.language or translation.get_language()):
        context = {"person": person, "setting": setting, "kinds": Notification.Kind.choices}
        if request.method == "GET":
            return render(request, "emails/unsubscribe.html", context)
        services.unsubscribe(person=person, setting=setting)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return render(request, "emails/unsubscribed.html", context)
