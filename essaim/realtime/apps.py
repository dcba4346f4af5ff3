from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "essaim.realtime"
    label = "realtime"
    verbose_name = _("Live pages")

    def ready(self) -> None:
        from essaim.realtime import consumers  # noqa: F401 - registers the live pages' event consumer
