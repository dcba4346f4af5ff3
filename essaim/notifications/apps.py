from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "essaim.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from essaim.notifications import consumers  # noqa: F401 - registers the notifications' event consumer
