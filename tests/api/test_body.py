"""Request bodies as Mastodon clients send them: JSON, form-encoded or multipart, with any method."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory
from ninja.errors import ValidationError
from pydantic import Field

from essaim.api.body import Body, body_openapi, parse_body


class Sample(Body):
    text: str
    flag: bool = False
    count: int = 0
    ids: list[str] = Field(default_factory=list)


class Optional(Body):
    text: str = ""


class Dated(Body):
    at: datetime


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("method", ["post", "put", "patch"])
class TestEveryMethod:
    def test_json(self, rf: RequestFactory, method: str) -> None:
        request = getattr(rf, method)(
            "/", json.dumps({"text": "Bonjour", "flag": True}), content_type="application/json"
        )
        assert parse_body(request, Sample) == Sample(text="Bonjour", flag=True)

    def test_form_encoded_with_mastodons_brackets(self, rf: RequestFactory, method: str) -> None:
        request = getattr(rf, method)("/", "text=Bonjour&flag=true&ids[]=1&ids[]=2", content_type=FORM)
        assert parse_body(request, Sample) == Sample(text="Bonjour", flag=True, ids=["1", "2"])

    def test_multipart(self, rf: RequestFactory, method: str) -> None:
        if method == "post":
            request = rf.post("/", {"text": "Bonjour", "count": "3"})
        else:  # the test client encodes multipart for POST only: build the same body by hand
            boundary = "b0undary"
            body = "".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                for name, value in (("text", "Bonjour"), ("count", "3"))
            )
            request = getattr(rf, method)(
                "/", f"{body}--{boundary}--\r\n", content_type=f"multipart/form-data; boundary={boundary}"
            )
        assert parse_body(request, Sample) == Sample(text="Bonjour", count=3)


class TestJsonTypes:
    @pytest.mark.parametrize("body", [{"text": "x", "flag": 0}, {"text": "x", "flag": "true"}, {"text": 7}])
    def test_json_values_must_have_the_documented_type(self, rf: RequestFactory, body: dict[str, object]) -> None:
        request = rf.post("/", json.dumps(body), content_type="application/json")
        with pytest.raises(ValidationError):
            parse_body(request, Sample)

    def test_dates_in_json_are_iso_8601_strings(self, rf: RequestFactory) -> None:
        request = rf.post("/", json.dumps({"at": "2027-01-02T03:04:05Z"}), content_type="application/json")
        assert parse_body(request, Dated).at.year == 2027


class TestUnstorableText:
    @pytest.mark.parametrize("text", ["a\x00b", "a\ud800b"])
    def test_is_refused_at_any_depth(self, rf: RequestFactory, text: str) -> None:
        request = rf.post("/", json.dumps({"text": "x", "ids": [text]}), content_type="application/json")
        with pytest.raises(BadRequest):
            parse_body(request, Sample)

    def test_a_surrogate_pair_is_one_character_and_fine(self, rf: RequestFactory) -> None:
        request = rf.post("/", '{"text": "\\ud83d\\ude00"}', content_type="application/json")
        assert parse_body(request, Sample).text == "😀"


class TestOpenApi:
    def test_a_body_with_a_required_field_is_required(self) -> None:
        assert body_openapi(Sample)["requestBody"]["required"] is True

    def test_a_body_whose_fields_all_have_defaults_may_be_left_out(self, rf: RequestFactory) -> None:
        assert body_openapi(Optional)["requestBody"]["required"] is False
        assert parse_body(rf.post("/"), Optional) == Optional()

    def test_json_form_and_multipart_are_documented(self) -> None:
        content = body_openapi(Sample)["requestBody"]["content"]
        assert set(content) == {"application/json", FORM, "multipart/form-data"}


class Nullable(Body):
    when: str | None = Field(None, max_length=5, json_schema_extra={"enum": ["now", "later", None]})


class TestForms:
    def test_a_repeated_name_fills_a_list_field(self, rf: RequestFactory) -> None:
        request = rf.post("/", "text=x&ids=1&ids=2", content_type=FORM)
        assert parse_body(request, Sample).ids == ["1", "2"]

    def test_the_form_schema_has_no_null_a_form_cannot_send(self) -> None:
        content = body_openapi(Nullable)["requestBody"]["content"]
        assert content[FORM]["schema"]["properties"]["when"] == {
            "type": "string",
            "maxLength": 5,
            "enum": ["now", "later"],
            "title": "When",
        }
        assert {"type": "null"} in content["application/json"]["schema"]["properties"]["when"]["anyOf"]

    @pytest.mark.parametrize(("flag", "value"), [("true", True), ("false", False), ("1", True), ("0", False)])
    def test_a_form_boolean_is_true_false_1_or_0_as_mastodon_py_sends(
        self, rf: RequestFactory, flag: str, value: bool
    ) -> None:
        assert parse_body(rf.post("/", {"text": "x", "flag": flag}), Sample).flag is value

    @pytest.mark.parametrize("flag", ["yes", "on", "True", "2", ""])
    def test_a_boolean_is_true_or_false(self, rf: RequestFactory, flag: str) -> None:
        with pytest.raises(ValidationError):
            parse_body(rf.post("/", {"text": "x", "flag": flag}), Sample)

    def test_a_text_field_sent_twice_is_refused(self, rf: RequestFactory) -> None:
        with pytest.raises(ValidationError):
            parse_body(rf.post("/", "text=a&text=b", content_type=FORM), Sample)
