from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "essaim.calendar"
    label = "calendar"
    verbose_name = _("Events and calendars")

    def ready(self) -> None:
        from essaim.calendar import consumers, kind  # noqa: F401  (registers the event consumers and the kind)
