"""/manage/backups/: the archives kept, one made on request (by the task worker), each downloadable.

Network administrators only (``Action.MANAGE_BACKUPS``, asked first as on every /manage/ page): an
archive holds every post of every space, secret ones included.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.backups import services


@page_requires(Action.MANAGE_BACKUPS)
@require_GET
def backup_list(request: HttpRequest) -> HttpResponse:
    context = {
        "backups": services.backups_for(actor=request.user),
        "keep": services.keep(),
        "directory": services.directory(),
    }
    return render(request, "backups/backup_list.html", context)


@page_requires(Action.MANAGE_BACKUPS)
@require_POST
def backup_start(request: HttpRequest) -> HttpResponse:
    services.backup_request(actor=request.user)
    messages.success(request, _("A backup is being made: it appears below in a moment (reload the page)."))
    return redirect("backups:list")


@page_requires(Action.MANAGE_BACKUPS)
@require_GET
def backup_download(request: HttpRequest, name: str) -> HttpResponseBase:
    backup = services.backup_download_for(actor=request.user, name=name)
    return FileResponse(backup.path.open("rb"), as_attachment=True, filename=backup.name)
