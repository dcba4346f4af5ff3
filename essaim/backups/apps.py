from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "essaim.backups"
    label = "backups"
    verbose_name = _("Backups")

    def ready(self) -> None:
        from essaim.backups import jobs  # noqa: F401 - registers the daily backup
