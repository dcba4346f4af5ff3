"""Discovery documents: NodeInfo (which software answers here) and WebFinger (``acct:handle@host`` → the person).

NodeInfo names the software and its version, never the members (an Essaim network is private: ``usage`` holds no
counts). WebFinger answers for a person the asker may see: an app's or a personal token (``Authorization: Bearer``,
read by ``BearerTokenMiddleware``) or a signed-in session; anyone else gets 404, as for a handle that does not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views.decorators.http import require_GET

from essaim.api.instance import essaim_version
from essaim.core.http import absolute_url, site_root
from essaim.people import selectors as people_selectors

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.0"


@require_GET
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"links": [{"rel": NODEINFO_SCHEMA, "href": absolute_url(request, "/nodeinfo/2.0")}]})


@require_GET
def nodeinfo(request: HttpRequest) -> HttpResponse:
    data = {
        "version": "2.0",
        "software": {"name": "essaim", "version": essaim_version()},
        "protocols": [],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": {"users": {}},
        "metadata": {"compatibility": "mastodon-client-api"},
    }
    response = JsonResponse(data)
    response["Content-Type"] = f'application/json; profile="{NODEINFO_SCHEMA}#"'
    return response


@require_GET
def webfinger(request: HttpRequest) -> HttpResponse:
    """``?resource=acct:handle@host`` (or ``acct:handle``, or the profile's address) → the person's links."""
    resource = request.GET.get("resource", "").strip()
    handle = resource.removeprefix("acct:").lstrip("@")
    if handle.startswith(("http://", "https://")):
        handle = handle.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
    handle, _at, host = handle.partition("@")
    if not handle or (host and host.lower() != request.get_host().lower()):
        raise Http404
    user = people_selectors.person_get_for(actor=request.user, handle=handle.lower())
    profile = absolute_url(request, user.get_absolute_url())
    data = {
        "subject": f"acct:{user.handle}@{request.get_host()}",
        "aliases": [profile],
        "links": [{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile}],
    }
    return JsonResponse(data, content_type="application/jrd+json")


@require_GET
def host_meta(request: HttpRequest) -> HttpResponse:
    template = escape(site_root(request)) + "/.well-known/webfinger?resource={uri}"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{template}"/>\n'
        "</XRD>\n"
    )
    return HttpResponse(body, content_type="application/xrd+xml")
