"""``UserPreferencesMiddleware``: the signed-in person's language and time zone, and the user itself."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from essaim.accounts.middleware import UserPreferencesMiddleware, unwrapped
from essaim.accounts.models import User


def _seen(request: HttpRequest) -> dict[str, object]:
    seen: dict[str, object] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(user=request.user, language=translation.get_language(), zone=timezone.get_current_timezone_name())
        return HttpResponse()

    UserPreferencesMiddleware(view)(request)
    return seen


def test_a_signed_in_persons_choices_apply_and_the_request_keeps_the_user_itself(rf: RequestFactory, employee: User):
    User.objects.filter(pk=employee.pk).update(language="fr", timezone="Europe/Paris")
    employee.refresh_from_db()
    request = rf.get("/")
    request.user = SimpleLazyObject(lambda: employee)
    seen = _seen(request)
    assert seen["user"] is employee  # not the lazy wrapper: every read of request.user is a plain attribute
    assert seen["language"] == "fr"
    assert seen["zone"] == "Europe/Paris"


def test_someone_not_signed_in_keeps_the_defaults(rf: RequestFactory, db: None) -> None:
    request = rf.get("/")
    request.user = SimpleLazyObject(AnonymousUser)
    assert not _seen(request)["user"].is_authenticated  # type: ignore[attr-defined]


def test_unwrapped_leaves_what_is_not_an_evaluated_wrapper() -> None:
    lazy = SimpleLazyObject(lambda: "valeur")
    assert unwrapped(lazy) is lazy  # never evaluated: nothing behind it yet
    str(lazy)
    assert unwrapped(lazy) == "valeur"
    assert unwrapped(3) == 3
