from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StreamConfig(AppConfig):
    name = "essaim.stream"
    label = "stream"
    verbose_name = _("Stream")

    def ready(self) -> None:
        from essaim.stream import (
            consumers,  # noqa: F401 - registers the stream's event consumers
            jobs,  # noqa: F401 - registers the scheduled posts' periodic job
        )
