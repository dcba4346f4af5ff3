"""Questions: a post of kind ``question`` whose top-level comments are its answers.

``Question`` is one to one with its post: the accepted answer (marked by the asker or a moderator of the
space), when the first answer came and how long it took (for analytics). Answers are voted up, one vote
per person (``AnswerVote``); people who follow a question are told of its new answers (``QuestionFollow``).
"Unanswered" is read from the post itself (a question with no comment: a reply needs an answer first).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Question(models.Model):
    post = models.OneToOneField("stream.Post", on_delete=models.CASCADE, primary_key=True, related_name="question")
    accepted_answer = models.ForeignKey(
        "stream.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted answer"),
        db_index=False,  # ``question_accepted_answer``: the few questions that have one
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # ``question_accepted_by``
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_answer_at = models.DateTimeField(_("first answer"), null=True, blank=True)
    time_to_first_answer = models.DurationField(_("time to first answer"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(
                fields=["accepted_answer"], condition=Q(accepted_answer__isnull=False), name="question_accepted_answer"
            ),
            models.Index(fields=["accepted_by"], condition=Q(accepted_by__isnull=False), name="question_accepted_by"),
        ]

    def __str__(self) -> str:
        return f"question {self.post_id}"


class AnswerVote(models.Model):
    """``user`` votes the answer ``answer`` (a top-level comment of a question) up."""

    answer = models.ForeignKey("stream.Comment", on_delete=models.CASCADE, related_name="+", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("answer vote")
        verbose_name_plural = _("answer votes")
        constraints = [models.UniqueConstraint(fields=["answer", "user"], name="answer_vote_once")]
        indexes = [models.Index(fields=["user", "answer"], name="answer_vote_user")]

    def __str__(self) -> str:
        return f"{self.user_id} +1 {self.answer_id}"


class QuestionFollow(models.Model):
    """``user`` is told of the new answers to ``question``."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="follows", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("followed question")
        verbose_name_plural = _("followed questions")
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="question_follow_once")]
        indexes = [models.Index(fields=["user", "question"], name="question_follow_user")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.question_id}"
