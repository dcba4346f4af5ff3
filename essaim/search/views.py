"""The search pages: results (tabs, filters, facets, pages), suggestions while typing, and experts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.search import selectors
from essaim.search.query import FILE_KINDS

MAX_Q = 500


def _filters(request: HttpRequest) -> selectors.Filters:
    get = request.GET
    return selectors.Filters(
        author=get.get("author", "").strip()[:150],
        space=get.get("space", "").strip()[:140],
        tag=get.get("tag", "").strip().lstrip("#")[:100],
        after=get.get("after", "").strip()[:10],
        before=get.get("before", "").strip()[:10],
        has_file=get.get("has_file") == "1",
        file_kind=get.get("kind", "") if get.get("kind", "") in FILE_KINDS else "",
    )


@require_GET
@page_requires(Action.SEARCH)
def results(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:MAX_Q]
    tab = request.GET.get("tab", "posts")
    if tab == "experts":
        return _experts_page(request)
    found = selectors.search_for(
        actor=request.user,
        q=q,
        tab=tab,
        filters=_filters(request),
        sort=request.GET.get("sort", "relevance"),
        cursor=request.GET.get("cursor"),
    )
    params: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "cursor" and v}
    context = {
        "q": q,
        "results": found,
        "filters": _filters(request),
        "params": params,
        "tab_urls": {t: f"?{urlencode({**params, 'tab': t})}" for t in (*selectors.TABS, "experts")},
        "sort_urls": {s: f"?{urlencode({**params, 'sort': s})}" for s in selectors.SORTS},
        "next_url": f"?{urlencode({**params, 'cursor': found.next_cursor})}" if found.next_cursor else None,
        "file_kinds": FILE_KINDS,
        "base_params": urlencode({"q": q}),
    }
    if request.htmx and request.GET.get("cursor"):  # type: ignore[attr-defined]  # set by django-htmx
        return render(request, "search/results.html#hits", context)
    return render(request, "search/results.html", context)


@require_GET
@page_requires(Action.SEARCH)
def suggestions(request: HttpRequest) -> HttpResponse:
    found = selectors.suggestions_for(actor=request.user, q=request.GET.get("q", "")[:MAX_Q])
    return render(request, "search/suggestions.html", {"s": found})


@require_GET
@page_requires(Action.SEARCH)
def experts(request: HttpRequest) -> HttpResponse:
    return _experts_page(request)


def _experts_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:MAX_Q]
    found = selectors.experts_for(actor=request.user, q=q)
    params: dict[str, str] = {"q": q} if q else {}
    context = {
        "q": q,
        "experts": found,
        "tab_urls": {t: f"?{urlencode({**params, 'tab': t})}" for t in (*selectors.TABS, "experts")},
    }
    return render(request, "search/experts.html", context)
