from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "essaim.mailbox"
    label = "mailbox"
    verbose_name = _("Mail outbox")

    def ready(self) -> None:
        from essaim.mailbox import checks  # noqa: F401  - registers the deployment check
