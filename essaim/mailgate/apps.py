from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailgateConfig(AppConfig):
    name = "essaim.mailgate"
    label = "mailgate"
    verbose_name = _("Mail gateway")

    def ready(self) -> None:
        from essaim.mailgate import consumers  # noqa: F401 - registers the inbound mail consumer
