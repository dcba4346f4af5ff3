"""Parameter types the routers share, so that the OpenAPI document states each id's format once.

Ids are 64-bit integers sent as strings of digits, as in Mastodon. The format is documented here and checked
where the id is read (``essaim.core.ids.parse_id``), in the reader's language: in a path, anything else names
nothing and answers 404 like a missing id (as Mastodon answers); in a body, the operation refuses anything but
digits as invalid input (422) or looks it up (404), and digits that name nothing visible answer 404.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Path
from pydantic import WithJsonSchema

from essaim.core.ids import MAX_ID

ID_PATTERN = r"^[0-9]+$"
# Text with at least one character Python's ``str.strip()`` keeps (spelled out: ``\s`` differs between regex
# engines, and the services strip what Python calls a space).
WHITESPACE = r"\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = f"[^{WHITESPACE}]"
ID_DESCRIPTION = "An id: a 64-bit integer written in digits, as a string."

PathId = Annotated[
    str,
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "description": ID_DESCRIPTION}),
    Path(description=ID_DESCRIPTION),
]
BodyId = Annotated[str, WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "description": ID_DESCRIPTION})]
# A number the server reads itself (to answer 400 in Mastodon's words): documented as what it accepts.
QueryCursorId = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_ID})]
