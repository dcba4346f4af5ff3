from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchRulesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "essaim.watchrules"
    verbose_name = _("Watch rules")

    def ready(self) -> None:
        from essaim.watchrules import consumers  # noqa: F401  (attachments' text is screened once read)
