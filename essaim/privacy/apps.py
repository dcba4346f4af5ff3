from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "essaim.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from essaim.privacy import jobs  # noqa: F401 - registers the periodic job that forgets old archives
