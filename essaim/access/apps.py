from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "essaim.access"
    label = "access"

    def ready(self) -> None:
        from essaim.access import rules  # noqa: F401  - registers the policies
