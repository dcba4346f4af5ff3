"""A kept message's links: what the console line and the detail page show."""

from __future__ import annotations

import pytest

from tests.mailbox.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


def test_links_come_from_the_text_then_the_html() -> None:
    message = OutboxMessageFactory(
        text="See http://127.0.0.1:8101/a/, then (http://127.0.0.1:8101/b/).\nhttp://127.0.0.1:8101/a/",
        html='<a href="http://127.0.0.1:8101/c/">c</a>',
    )
    assert message.links() == ["http://127.0.0.1:8101/a/", "http://127.0.0.1:8101/b/"]
    message.text = ""
    assert message.links() == ["http://127.0.0.1:8101/c/"]


def test_a_french_sentence_keeps_its_link_whole() -> None:
    message = OutboxMessageFactory(text="Ouvrez « http://127.0.0.1:8101/x/?a=1&b=2 » ; merci !")
    assert message.links() == ["http://127.0.0.1:8101/x/?a=1&b=2"]
