"""The question kind, registered with the stream (``stream.kinds``)."""

from __future__ import annotations

from essaim.questions import selectors, services
from essaim.questions.forms import QuestionFields
from essaim.questions.schemas import question_data
from essaim.stream.kinds import KindSpec, register_kind
from essaim.stream.models import PostKind

register_kind(
    KindSpec(
        kind=PostKind.QUESTION,
        icon="circle-help",
        composer_template="questions/composer_fields.html",
        form=QuestionFields,
        card_template="questions/card.html",
        write=services.question_write,
        hydrate=selectors.hydrate_questions,
        commented=services.answer_recorded,
        arrange_threads=selectors.arrange_threads,
        status_fields=lambda post: {"question": question_data(post.question_card)},
    )
)
