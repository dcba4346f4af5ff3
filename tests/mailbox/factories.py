from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from essaim.mailbox.models import OutboxMessage


class OutboxMessageFactory(DjangoModelFactory[OutboxMessage]):
    class Meta:
        model = OutboxMessage

    sender = "Atelier Boréal <essaim@localhost>"
    recipients = factory.Sequence(lambda n: f"person{n}@example.com")
    subject = factory.Sequence(lambda n: f"Vous êtes invité(e) à rejoindre Atelier Boréal ({n})")
    text = "Bonjour,\n\nOuvrez ce lien : http://127.0.0.1:8101/accounts/invitation/abc/\n"
    html = ""
