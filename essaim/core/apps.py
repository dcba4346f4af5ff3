from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "essaim.core"
    label = "core"

    def ready(self) -> None:
        from essaim.core import ratelimits  # noqa: F401 - registers the check of ESSAIM_RATE_LIMITS
