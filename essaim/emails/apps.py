from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailsConfig(AppConfig):
    name = "essaim.emails"
    label = "emails"
    verbose_name = _("E-mails")

    def ready(self) -> None:
        from essaim.emails import jobs  # noqa: F401 - registers the periodic jobs
