from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "essaim.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from essaim.search import consumers  # noqa: F401  (registers the indexing consumer)
