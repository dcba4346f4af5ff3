"""The new text of a reply, as French and English mail clients write them; the text of an HTML-only message."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from essaim.mailgate import cleaning

CLIENTS = {
    "Gmail, French": (
        "Merci, je regarde demain.\n\nLe lun. 7 déc. 2026 à 09:12, Léa Martin <essaim@example.com> a écrit :\n"
        "> Peux-tu relire ?\n>\n",
        "Merci, je regarde demain.",
    ),
    "Gmail, English, with a signature": (
        "Sounds good.\n\n-- \nÉloïse Dupré\nHead of design\n\n"
        "On Mon, Dec 7, 2026 at 9:12 AM Léa Martin <essaim@example.com> wrote:\n> Can you review?\n",
        "Sounds good.",
    ),
    "Outlook, French": (
        "D'accord pour jeudi.\n\nDe : Atelier Boréal <essaim@example.com>\nEnvoyé : lundi 7 décembre 2026 09:12\n"
        "À : Éloïse Dupré\nObjet : Léa Martin vous a mentionné\n\nBonjour Éloïse,\n",
        "D'accord pour jeudi.",
    ),
    "Apple Mail on a phone, French": (
        "Oui !\n\nEnvoyé de mon iPhone\n\n> Le 7 déc. 2026 à 09:12, Atelier Boréal <essaim@example.com> a écrit :\n"
        "> \n> Bonjour\n",
        "Oui !",
    ),
    "nothing new": ("\n\nOn Mon, Dec 7, 2026, Essaim wrote:\n> Qui relit ?\n", ""),
    "two paragraphs": ("Premier point.\n\n\n\nSecond point.\n", "Premier point.\n\nSecond point."),
}


@pytest.mark.parametrize("client", CLIENTS)
def test_the_new_text_only(client: str) -> None:
    text, expected = CLIENTS[client]
    assert cleaning.new_text(text) == expected


def test_an_html_only_message_is_read_as_text_without_its_quote() -> None:
    message = EmailMessage()
    message.set_content(
        "<div>Très bien &amp; merci<br>Éloïse</div><blockquote>Qui relit ?</blockquote>", subtype="html"
    )
    assert cleaning.body_text(message).split() == ["Très", "bien", "&", "merci", "Éloïse"]


def test_attached_files_with_their_names() -> None:
    message = EmailMessage()
    message.set_content("Le plan")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="plan.pdf")
    assert cleaning.attachments(message) == [cleaning.Attached("plan.pdf", "application/pdf", b"%PDF-1.4")]
