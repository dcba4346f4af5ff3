from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "essaim.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from essaim.documents import consumers  # noqa: F401 - registers the documents' event consumer
