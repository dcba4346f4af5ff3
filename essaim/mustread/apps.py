from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MustReadConfig(AppConfig):
    name = "essaim.mustread"
    label = "mustread"
    verbose_name = _("Must-read announcements")

    def ready(self) -> None:
        from essaim.mustread import (
            cards,  # noqa: F401 - registers what an announcement's card loads
            consumers,  # noqa: F401 - registers its event consumers
        )
