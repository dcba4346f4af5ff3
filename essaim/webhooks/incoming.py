"""What an incoming webhook's request says, as a post's title and Markdown text.

Four dialects, recognised in this order: a GitHub event (``X-GitHub-Event``), a GitLab event
(``X-Gitlab-Event``), a Slack message (``text``, ``attachments``, ``blocks``; as JSON or as the form-encoded
``payload=`` field), and Essaim's own ``{"text": …, "title": …}`` (which is also a Slack message's subset).
Slack's *mrkdwn* becomes Markdown; the post's text then goes through the same rendering and sanitiser as any
post's (``stream.services``). Anything else is refused with a sentence saying what was expected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from django.utils.translation import gettext as _

MAX_BODY_BYTES = 1_000_000


class PayloadError(ValueError):
    """The request cannot become a post: ``str(error)`` says why, for the sender."""


@dataclass(frozen=True)
class Message:
    text: str  # Markdown
    source: str  # "essaim", "slack", "github", "gitlab"


def parse(*, body: bytes, content_type: str, headers: Mapping[str, str]) -> Message | None:
    """The message in a request, or ``None`` for an event that asks for no post (GitHub's ``ping``)."""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadError(_("The request is too large (at most 1 MB)."))
    data = _decode(body, content_type)
    if github := headers.get("X-GitHub-Event"):
        return _github(github, data)
    if gitlab := headers.get("X-Gitlab-Event"):
        return _gitlab(gitlab, data)
    return _slack(data)


def _decode(body: bytes, content_type: str) -> dict[str, Any]:
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise PayloadError(_("The request is not UTF-8 text.")) from None
    if content_type.split(";", maxsplit=1)[0].strip().lower() == "application/x-www-form-urlencoded":
        fields = parse_qs(text)
        if "payload" not in fields:
            raise PayloadError(_("A form-encoded request carries its JSON in a field named payload."))
        text = fields["payload"][0]
    try:
        data = json.loads(text)
    except ValueError:
        raise PayloadError(_("The request's body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise PayloadError(_('The JSON must be an object, such as {"text": "Hello"}.'))
    return data


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# --- Slack's mrkdwn

_LINK = re.compile(r"<([^<>|\s]+)(?:\|([^<>]*))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")


def _link(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target.startswith("!"):  # <!here>, <!channel>: nobody to ping here
        return "@" + (label or target[1:].split("^")[0])
    if target.startswith(("@", "#")):  # <@U123|name>, <#C123|general>
        return label or target
    return f"[{label}]({target})" if label else f"<{target}>"


def mrkdwn(text: str) -> str:
    """Slack's mrkdwn as Markdown: ``*bold*``, ``_italic_``, ``~strike~``, ``<url|label>``; code is left alone."""
    parts = re.split(r"(```.*?```|`[^`\n]*`)", text, flags=re.DOTALL)
    for i in range(0, len(parts), 2):
        part = _LINK.sub(_link, parts[i])
        part = _BOLD.sub(r"**\1**", part)
        part = _ITALIC.sub(r"*\1*", part)
        part = _STRIKE.sub(r"~~\1~~", part)
        parts[i] = part.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return "".join(parts)


def _text_object(value: Any) -> str:
    if isinstance(value, dict):
        text = _str(value.get("text"))
        return mrkdwn(text) if value.get("type") == "mrkdwn" else text
    return _str(value)


def _block(block: Any) -> str:
    if not isinstance(block, dict):
        return ""
    match block.get("type"):
        case "header":
            return f"### {_text_object(block.get('text'))}"
        case "section":
            lines = [_text_object(block.get("text"))]
            lines += [_text_object(field) for field in block.get("fields") or [] if field]
            return "\n\n".join(line for line in lines if line)
        case "context":
            return " · ".join(t for t in (_text_object(e) for e in block.get("elements") or []) if t)
        case "divider":
            return "---"
        case _:
            return ""


def _attachment(attachment: Any) -> str:
    if not isinstance(attachment, dict):
        return ""
    lines = []
    if pretext := _str(attachment.get("pretext")):
        lines.append(mrkdwn(pretext))
    title = mrkdwn(_str(attachment.get("title")))
    if title and (link := _str(attachment.get("title_link"))):
        title = f"[{title}]({link})"
    if title:
        lines.append(f"**{title}**")
    text = _str(attachment.get("text")) or (_str(attachment.get("fallback")) if not title else "")
    if text:
        lines.append(mrkdwn(text))
    for field in attachment.get("fields") or []:
        if isinstance(field, dict) and (_str(field.get("title")) or _str(field.get("value"))):
            lines.append(f"**{mrkdwn(_str(field.get('title')))}**: {mrkdwn(_str(field.get('value')))}")
    lines += [t for t in (_block(b) for b in attachment.get("blocks") or []) if t]
    return "\n\n".join(lines)


def _slack(data: dict[str, Any]) -> Message:
    chunks = []
    if title := _str(data.get("title")):
        chunks.append(f"**{title}**")
    blocks = data.get("blocks")
    if isinstance(blocks, list) and blocks:
        chunks += [t for t in (_block(b) for b in blocks) if t]
    elif text := _str(data.get("text")):
        chunks.append(mrkdwn(text))
    attachments = data.get("attachments")
    if isinstance(attachments, list):
        chunks += [t for t in (_attachment(a) for a in attachments) if t]
    if not chunks:
        raise PayloadError(
            _(
                'Nothing to post: send a JSON object with a "text" (and optionally a "title"), '
                'or Slack\'s "blocks" or "attachments".'
            )
        )
    source = "slack" if ("blocks" in data or "attachments" in data) else "essaim"
    return Message(text="\n\n".join(chunks), source=source)


# --- GitHub and GitLab


def _md(text: str) -> str:
    """Plain text from elsewhere, safe inside a Markdown link label or emphasis."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def _commits(commits: list[Any], *, url_key: str = "url") -> list[str]:
    lines = []
    for commit in commits[:10]:
        if not isinstance(commit, dict):
            continue
        message = _str(commit.get("message")).splitlines()[0] if _str(commit.get("message")) else ""
        short = _str(commit.get("id"))[:7]
        author = _obj(commit.get("author"))
        lines.append(f"- [`{short}`]({_str(commit.get(url_key))}) {_md(message)} — {_md(_str(author.get('name')))}")
    if len(commits) > 10:
        lines.append(_("- and %(count)s more commits") % {"count": len(commits) - 10})
    return lines


def _require(data: dict[str, Any], *keys: str) -> None:
    missing = [key for key in keys if key not in data]
    if missing:
        raise PayloadError(_("This event lacks the field %(field)s.") % {"field": missing[0]})


def _github(event: str, data: dict[str, Any]) -> Message | None:
    if event == "ping":
        return None
    repo = _obj(data.get("repository"))
    repo_name = _md(_str(repo.get("full_name")))
    repo_link = f"[{repo_name}]({_str(repo.get('html_url'))})"
    sender = _obj(data.get("sender"))
    who = _md(_str(sender.get("login")) or _str(_obj(data.get("pusher")).get("name")))
    if event == "push":
        _require(data, "ref", "commits")
        branch = _md(_str(data.get("ref")).removeprefix("refs/heads/"))
        commits = _list(data.get("commits"))
        head = _("**%(who)s** pushed %(count)s commit(s) to `%(branch)s` in %(repo)s") % {
            "who": who, "count": len(commits), "branch": branch, "repo": repo_link,
        }  # fmt: skip
        return Message(text="\n".join([head, "", *_commits(commits)]), source="github")
    if event == "issues":
        _require(data, "action", "issue")
        issue = _obj(data["issue"])
        head = _("**%(who)s** %(action)s issue [#%(number)s %(title)s](%(url)s) in %(repo)s") % {
            "who": who, "action": _md(_str(data.get("action"))), "number": issue.get("number", ""),
            "title": _md(_str(issue.get("title"))), "url": _str(issue.get("html_url")), "repo": repo_link,
        }  # fmt: skip
        body = _str(issue.get("body")) if data.get("action") == "opened" else ""
        return Message(text=f"{head}\n\n{body[:2000]}".strip(), source="github")
    raise PayloadError(_("This GitHub event is not supported: send push or issues events."))


def _gitlab(event: str, data: dict[str, Any]) -> Message:
    project = _obj(data.get("project"))
    repo_link = f"[{_md(_str(project.get('path_with_namespace')))}]({_str(project.get('web_url'))})"
    if event == "Push Hook":
        _require(data, "ref", "commits")
        branch = _md(_str(data.get("ref")).removeprefix("refs/heads/"))
        commits = _list(data.get("commits"))
        count = data.get("total_commits_count", len(commits))
        head = _("**%(who)s** pushed %(count)s commit(s) to `%(branch)s` in %(repo)s") % {
            "who": _md(_str(data.get("user_name"))), "count": count, "branch": branch, "repo": repo_link,
        }  # fmt: skip
        return Message(text="\n".join([head, "", *_commits(commits)]), source="gitlab")
    if event == "Issue Hook":
        _require(data, "object_attributes")
        issue = _obj(data["object_attributes"])
        user = _obj(data.get("user"))
        action = {"open": _("opened"), "close": _("closed"), "reopen": _("reopened"), "update": _("updated")}.get(
            _str(issue.get("action")), _md(_str(issue.get("action")))
        )
        head = _("**%(who)s** %(action)s issue [#%(number)s %(title)s](%(url)s) in %(repo)s") % {
            "who": _md(_str(user.get("name"))), "action": action, "number": issue.get("iid", ""),
            "title": _md(_str(issue.get("title"))), "url": _str(issue.get("url")), "repo": repo_link,
        }  # fmt: skip
        body = _str(issue.get("description")) if issue.get("action") == "open" else ""
        return Message(text=f"{head}\n\n{body[:2000]}".strip(), source="gitlab")
    raise PayloadError(_("This GitLab event is not supported: send push or issue events."))
