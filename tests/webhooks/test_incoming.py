"""What each dialect of incoming request becomes (``webhooks.incoming``): no database."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from essaim.webhooks.incoming import PayloadError, mrkdwn, parse

JSON = "application/json"


def parsed(data: object, headers: dict[str, str] | None = None, content_type: str = JSON) -> str:
    message = parse(body=json.dumps(data).encode(), content_type=content_type, headers=headers or {})
    assert message is not None
    return message.text


def test_a_simple_message_with_a_title() -> None:
    assert parsed({"text": "Build passed", "title": "CI"}) == "**CI**\n\nBuild passed"


def test_mrkdwn_becomes_markdown() -> None:
    assert mrkdwn("*bold* _it_ ~gone~ <https://x.example/a|the link> <https://y.example>") == (
        "**bold** *it* ~~gone~~ [the link](https://x.example/a) <https://y.example>"
    )
    assert mrkdwn("`*not bold*` and &lt;tag&gt; &amp; <!here>") == "`*not bold*` and <tag> & @here"


def test_slack_attachments() -> None:
    text = parsed(
        {
            "text": "Deploy",
            "attachments": [
                {
                    "pretext": "prod",
                    "title": "v1.2",
                    "title_link": "https://ci.example/1",
                    "text": "*ok*",
                    "fields": [{"title": "Env", "value": "eu"}],
                }
            ],
        }
    )
    assert text == "Deploy\n\nprod\n\n**[v1.2](https://ci.example/1)**\n\n**ok**\n\n**Env**: eu"


def test_slack_blocks_win_over_text() -> None:
    text = parsed(
        {
            "text": "fallback",
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": "Alert"}},
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": "CPU *high*"},
                    "fields": [{"type": "mrkdwn", "text": "_db1_"}],
                },
                {"type": "divider"},
                {"type": "context", "elements": [{"type": "mrkdwn", "text": "by bot"}]},
                {"type": "image", "image_url": "https://x.example/i.png"},
            ],
        }
    )
    assert text == "### Alert\n\nCPU **high**\n\n*db1*\n\n---\n\nby bot"


def test_the_form_encoded_payload_field() -> None:
    body = urlencode({"payload": json.dumps({"text": "from a form"})}).encode()
    message = parse(body=body, content_type="application/x-www-form-urlencoded", headers={})
    assert message is not None
    assert message.text == "from a form"


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        (b"not json", JSON, "not valid JSON"),
        (b"[1, 2]", JSON, "must be an object"),
        (b'{"text": ""}', JSON, "Nothing to post"),
        (b"text=hello", "application/x-www-form-urlencoded", "payload"),
        (b"\xff\xfe", JSON, "UTF-8"),
    ],
)
def test_bad_payloads_say_why(body: bytes, content_type: str, words: str) -> None:
    with pytest.raises(PayloadError, match=words):
        parse(body=body, content_type=content_type, headers={})


GITHUB_PUSH = {
    "ref": "refs/heads/main",
    "repository": {"full_name": "acme/app", "html_url": "https://github.com/acme/app"},
    "sender": {"login": "octocat"},
    "commits": [
        {
            "id": "a1b2c3d4e5",
            "message": "Fix the *login*\n\nlong text",
            "url": "https://github.com/acme/app/commit/a1b2c3d",
            "author": {"name": "Mona"},
        }
    ],
}


def test_a_github_push() -> None:
    text = parsed(GITHUB_PUSH, {"X-GitHub-Event": "push"})
    assert text.startswith("**octocat** pushed 1 commit(s) to `main` in [acme/app](https://github.com/acme/app)")
    assert "- [`a1b2c3d`](https://github.com/acme/app/commit/a1b2c3d) Fix the \\*login\\* — Mona" in text


def test_a_github_issue_and_ping_and_unknown_events() -> None:
    issue = {
        "action": "opened",
        "issue": {"number": 7, "title": "Crash", "html_url": "https://github.com/acme/app/issues/7", "body": "Steps"},
        "repository": GITHUB_PUSH["repository"],
        "sender": {"login": "octocat"},
    }
    assert parsed(issue, {"X-GitHub-Event": "issues"}) == (
        "**octocat** opened issue [#7 Crash](https://github.com/acme/app/issues/7) in "
        "[acme/app](https://github.com/acme/app)\n\nSteps"
    )
    assert parse(body=b'{"zen": "x"}', content_type=JSON, headers={"X-GitHub-Event": "ping"}) is None
    with pytest.raises(PayloadError, match="not supported"):
        parse(body=b"{}", content_type=JSON, headers={"X-GitHub-Event": "fork"})
    with pytest.raises(PayloadError, match="lacks the field ref"):
        parse(body=b"{}", content_type=JSON, headers={"X-GitHub-Event": "push"})


def test_gitlab_push_and_issue() -> None:
    project = {"path_with_namespace": "acme/app", "web_url": "https://gitlab.example/acme/app"}
    push = {"ref": "refs/heads/dev", "user_name": "Zoé", "project": project, "total_commits_count": 0, "commits": []}
    assert parsed(push, {"X-Gitlab-Event": "Push Hook"}).startswith("**Zoé** pushed 0 commit(s) to `dev`")
    issue = {
        "user": {"name": "Zoé"},
        "project": project,
        "object_attributes": {"iid": 3, "title": "Slow", "url": "https://gitlab.example/i/3", "action": "close"},
    }
    assert parsed(issue, {"X-Gitlab-Event": "Issue Hook"}) == (
        "**Zoé** closed issue [#3 Slow](https://gitlab.example/i/3) in [acme/app](https://gitlab.example/acme/app)"
    )
