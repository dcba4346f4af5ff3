"""The one NinjaAPI under /api/: Mastodon-compatible resources plus Essaim's own.

Routers live in the apps (``essaim/<app>/api.py``); this module assembles them, sets the
authentication (personal token or session + CSRF), the rate limit and the error shape, and its
OpenAPI document declares what the API answers around every operation (``essaim.api.openapi``).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from essaim.api import errors, openapi
from essaim.api.auth import AUTH
from essaim.api.docs import LocalSwagger
from essaim.api.ratelimit import ApiRateLimit

DESCRIPTION = """\
Essaim's HTTP API. Where Mastodon's client API has the concept (accounts, statuses,
timelines, tags, media), Essaim serves Mastodon's paths and JSON shapes, so Mastodon
libraries work as Essaim clients; Essaim's own concepts live under `/api/v1/essaim/`.

Authenticate with a personal token (`Authorization: Bearer <token>`, created under
*Settings → API tokens*) or, from the browser, with the session cookie plus the
`X-CSRFToken` header on unsafe methods. Errors are `{"error": …, "error_description": …}`.
"""


class EssaimApi(NinjaAPI):
    """ninja's API, whose OpenAPI document also declares what the API answers around every operation."""

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        document = super().get_openapi_schema(**kwargs)
        openapi.complete(document)
        return document


api = EssaimApi(
    title="Essaim API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-json",
    auth=AUTH,
    throttle=[ApiRateLimit()],
    docs=LocalSwagger(),
)
errors.install(api)


def _mount() -> None:
    from essaim.api.instance import router as instance_router
    from essaim.api.oauth_api import router as apps_router
    from essaim.calendar.api import router as events_router
    from essaim.ideas.api import router as ideas_router
    from essaim.moderation.api import router as reports_router
    from essaim.mustread.api import router as mustread_router
    from essaim.notifications.api import grouped as grouped_notifications_router
    from essaim.notifications.api import router as notifications_router
    from essaim.notifications.markers_api import router as markers_router
    from essaim.notifications.settings_api import router as notification_settings_router
    from essaim.people.api import directory_router as people_directory_router
    from essaim.people.api import router as people_router
    from essaim.polls.api import router as polls_router
    from essaim.praise.api import router as praise_router
    from essaim.questions.api import router as questions_router
    from essaim.search import api as search_api
    from essaim.spaces.api import router as spaces_router
    from essaim.spaces.lists_api import router as lists_router
    from essaim.stream import api as stream_api
    from essaim.stream.scheduled_api import router as scheduled_statuses_router
    from essaim.webpush.api import router as push_router

    api.add_router("/v1/", people_router)
    api.add_router("/v1/", people_directory_router)
    for router in (stream_api.router, stream_api.timelines, stream_api.tags, stream_api.essaim):
        api.add_router("/v1/", router)
    api.add_router("/v1/", scheduled_statuses_router)
    api.add_router("/v1/", spaces_router)
    api.add_router("/v1/", lists_router)  # Mastodon's lists: the spaces one belongs to
    api.add_router("/v1/", notification_settings_router)  # before /notifications/{notification_id} takes "settings"
    api.add_router("/v1/", notifications_router)
    api.add_router("/v1/", markers_router)
    api.add_router("/v1/", reports_router)
    api.add_router("/v1/", polls_router)
    api.add_router("/v1/", questions_router)
    api.add_router("/v1/", events_router)
    api.add_router("/v1/", ideas_router)
    api.add_router("/v1/", praise_router)
    api.add_router("/v1/", mustread_router)
    api.add_router("/v2/", grouped_notifications_router)
    api.add_router("/v2/", search_api.router)  # Mastodon's /api/v2/search
    api.add_router("/v1/", search_api.essaim)  # /api/v1/essaim/search: spaces, files, experts
    api.add_router("/", stream_api.media)
    api.add_router("/", instance_router)
    api.add_router("/v1/", apps_router)
    api.add_router("/v1/", push_router)


_mount()
