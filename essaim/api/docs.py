"""Interactive API docs served by Essaim itself: Swagger UI from ninja's static files, no CDN.

The scripts are files (no inline code) carrying the request's CSP nonce, so the page works
under Essaim's strict Content-Security-Policy without loosening it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(Swagger):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {
            "swagger_settings": json.dumps(swagger_settings).replace("<", "\\u003c"),
            "api": api,
            "add_csrf": True,
        }
        return render(request, self.template, context)
