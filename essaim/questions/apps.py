from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "essaim.questions"
    label = "questions"
    verbose_name = _("Questions and answers")

    def ready(self) -> None:
        from essaim.questions import consumers, kind  # noqa: F401 - registers the question kind and its consumers
