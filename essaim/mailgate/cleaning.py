"""What a person wrote in an e-mail: the new text of a reply, without the quoted message, the signature or the
"Sent from my phone" line, in French and English mail clients (``mail-parser-reply``); and the message's
parts: its text (the plain part, else the HTML part as text) and its attached files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from html import unescape

import nh3
from mailparser_reply import EmailReplyParser

_DEVICE_LINES = re.compile(
    r"^\s*(sent from my \w+.*|envoy[ée] (de|depuis) mon \w+.*|get outlook for \w+.*|obtenir outlook pour \w+.*"
    r"|sent from (mail|outlook) for windows.*|provenance : courrier pour windows.*)\s*$",
    re.IGNORECASE,
)
_QUOTE_HEADER = re.compile(r"^\s*(on .+ wrote:|le .+ a [ée]crit\s*:)\s*$", re.IGNORECASE)
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Attached:
    filename: str
    content_type: str
    content: bytes


def body_text(message: EmailMessage) -> str:
    """The message's text: its plain part, else its HTML part reduced to text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        content = _html_to_text(str(content))
    return str(content)


def _html_to_text(html: str) -> str:
    html = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</h\d>", "\n", html)
    html = re.sub(r"(?is)<blockquote.*?</blockquote>", "", html)  # what they answer, quoted
    return unescape(nh3.clean(html, tags=set())).replace("\xa0", " ")


def new_text(text: str) -> str:
    """What the person wrote above what they answer: quoted text, the signature and device lines removed."""
    reply = EmailReplyParser(languages=["fr", "en"]).read(text=text.replace("\r\n", "\n"))
    body = reply.replies[0].body if reply.replies else text
    lines = [
        line
        for line in body.splitlines()
        if not (line.lstrip().startswith(">") or _DEVICE_LINES.match(line) or _QUOTE_HEADER.match(line))
    ]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def attachments(message: EmailMessage) -> list[Attached]:
    """The files attached to the message (inline images with a file name included)."""
    found = []
    for part in message.iter_attachments():
        content = part.get_payload(decode=True)
        if isinstance(content, bytes) and part.get_filename():
            found.append(Attached(str(part.get_filename()), part.get_content_type(), content))
    return found
