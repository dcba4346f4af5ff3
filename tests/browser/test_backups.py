"""Issue 25, point 1 in a real browser: a network administrator finds the backups from /manage/, sees the
archives kept, asks for one now and downloads one; the page looked at on a desktop and a phone, in French,
with axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.backups import services
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, looks_right, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_sees_asks_for_and_downloads_backups(
    open_page: Callable[..., Any], network_admin: User, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.BACKUP_DIR = str(tmp_path)
    settings.BACKUP_KEEP = 7
    for stamp, size in (("20261206-020000", 48_000_000), ("20261207-020000", 51_500_000)):
        with (tmp_path / f"essaim-{stamp}.tar.gz").open("wb") as archive:
            archive.truncate(size)
    asked: list[bool] = []
    monkeypatch.setattr(services, "backup_in_background", SimpleNamespace(enqueue=lambda: asked.append(True)))
    page = open_page()
    sign_in(page, network_admin.email, PASSWORD)
    page.goto("/manage/")
    page.get_by_role("link", name="Sauvegardes").click()
    page.wait_for_url("**/manage/backups/")
    assert page.get_by_role("link", name="essaim-20261207-020000.tar.gz").is_visible()
    looks_right(page, "backups-desktop-fr")
    page.get_by_role("button", name="Sauvegarder maintenant").click()
    page.locator(".message--success").wait_for()
    assert asked == [True]
    with page.expect_download() as download:
        page.get_by_role("link", name="essaim-20261206-020000.tar.gz").click()
    assert download.value.suggested_filename == "essaim-20261206-020000.tar.gz"
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/manage/backups/")
    looks_right(phone, "backups-phone-fr")
