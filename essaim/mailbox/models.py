from __future__ import annotations

import re
from html import unescape

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_URL = re.compile(r"""https?://[^\s<>"'«»]+""")
_HREF = re.compile(r"""href\s*=\s*["']?(https?://[^"'\s>]+)""", re.IGNORECASE)


class OutboxMessage(models.Model):
    """A copy of an e-mail Essaim sent while no mail server is configured, for administrators to read.

    Written by the outbox backend (``mailbox.backends``) only, never changed; the newest
    ``services.KEEP_MESSAGES`` of the last ``services.KEEP_DAYS`` days are kept.
    """

    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sender = models.TextField(_("from"))
    recipients = models.TextField(_("to"))  # To, Cc and Bcc, comma-separated
    subject = models.TextField(_("subject"))
    text = models.TextField(_("text part"), blank=True)
    html = models.TextField(_("HTML part"), blank=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")

    def __str__(self) -> str:
        return str(self.subject)

    def links(self) -> list[str]:
        """The links of the text part (of the HTML part when there is no text), each once, in order."""
        if self.text:
            found = [url.rstrip(".,;:!?)]}") for url in _URL.findall(self.text)]
        else:
            found = [unescape(url) for url in _HREF.findall(self.html)]
        return list(dict.fromkeys(found))
