"""The question's part of the composer: no field of its own (its text is the post's), a hint."""

from __future__ import annotations

from django import forms


class QuestionFields(forms.Form):
    """A question is asked with the post's own text: the switch only changes what it becomes."""
