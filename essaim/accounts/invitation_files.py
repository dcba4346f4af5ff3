"""A file of people to invite: CSV as spreadsheets write it, read and checked line by line.

Accepted: UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"), or Windows-1252 (Excel's plain
"CSV" in France, said on the preview); fields separated by ``;`` (Excel with French settings), ``,`` or a
tab. An optional header row names the columns, in French or English and in any order; without one the
columns are: e-mail, first name, last name, then optionally the language and the kind (employee or
guest), in either order. Nothing here writes: ``services.invitation_batch_send`` sends what
:func:`check` finds right, through ``services.invitation_send``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essaim.accounts.models import Invitation, User
from essaim.core.text import fold

MAX_BYTES = 512 * 1024
MAX_LINES = 1000
NAME_MAX_LENGTH = 150

COLUMNS = ("email", "first_name", "last_name", "language", "kind")
# Header names, folded and without anything but letters and digits ("E-mail" → "email", "Prénom" → "prenom").
HEADERS = {
    "email": {"email", "mail", "courriel", "adresseemail", "adressemail", "adressecourriel", "emailaddress"},
    "first_name": {"firstname", "prenom", "givenname", "first"},
    "last_name": {"lastname", "nom", "nomdefamille", "surname", "familyname", "last"},
    "language": {"language", "langue", "lang", "locale"},
    "kind": {"kind", "type", "statut", "status", "categorie", "category"},
}
# Words for the kinds besides the codes and the labels of ``User.Kind`` in each language.
KIND_WORDS = {
    User.Kind.EMPLOYEE.value: {"employe", "employee", "salarie", "salariee", "interne", "internal", "staff"},
    User.Kind.GUEST.value: {"guest", "invite", "invitee", "externe", "external", "invite externe"},
}

ENCODING_LABELS = {"utf-8": gettext_lazy("UTF-8"), "windows-1252": gettext_lazy("Windows-1252 (Western European)")}


@dataclass
class Line:
    """One line of the file as read, and what is wrong with it (nothing: it will be sent)."""

    number: int
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    language: str = ""
    kind: str = User.Kind.EMPLOYEE.value
    errors: list[str] = field(default_factory=list)
    email_valid: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes) -> tuple[str, str]:
    """``(text, encoding)``: UTF-8 (a byte-order mark dropped), else Windows-1252; binary data is refused."""
    if b"\x00" in data:
        raise ValidationError(_("This is not a text file. Save the spreadsheet as CSV and upload that file."))
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise ValidationError(
            _("This file's characters cannot be read. Save the spreadsheet as “CSV UTF-8” and upload it again.")
        ) from None


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _header_key(cell: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(cell))


def _header(cells: Sequence[str]) -> dict[str, int] | None:
    """The column of each named field when ``cells`` is a header row (it names the e-mail column)."""
    if any("@" in cell for cell in cells):
        return None
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _header_key(cell)
        for name, words in HEADERS.items():
            if key in words and name not in found:
                found[name] = index
    return found if "email" in found else None


@cache
def _language_words() -> dict[str, str]:
    """Every way to write a language of ``settings.LANGUAGES``: its code and its names in every language."""
    words: dict[str, str] = {}
    for code, name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        names = {code, info["name"], info["name_local"]}
        for other, _other_name in settings.LANGUAGES:
            with translation.override(other):
                names.add(str(name))
        for word in names:
            words[fold(word)] = code
        words[f"{code}-{code}"] = code  # fr-fr
    words.update({"en-gb": "en", "en-us": "en", "fr-be": "fr", "fr-ca": "fr", "fr-ch": "fr"})
    return {key.replace("_", "-"): code for key, code in words.items()}


def parse_language(value: str) -> str | None:
    """``"Français"``, ``"fr"``, ``"French"`` → ``"fr"``; ``""`` → ``""``; unknown → ``None``."""
    key = fold(value).replace("_", "-")
    if not key:
        return ""
    return _language_words().get(key)


def _kind_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for kind in (User.Kind.EMPLOYEE, User.Kind.GUEST):
        names = {kind.value, *KIND_WORDS[kind.value]}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(kind.label))
        for name in names:
            words[fold(re.sub(r"\([^)]*\)", "", name))] = kind.value
    return words


def parse_kind(value: str) -> str | None:
    """``"guest"``, ``"Invité(e) externe"``, ``"salarié"`` → a ``User.Kind``; ``""`` → employee; unknown → ``None``."""
    key = fold(re.sub(r"\([^)]*\)", "", value))
    if not key:
        return User.Kind.EMPLOYEE.value
    return _kind_words().get(key)


def read(text: str) -> list[Line]:
    """The file's lines with their values and the errors of form (not yet those that need the database)."""
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    lines: list[Line] = []
    columns: dict[str, int] | None = None
    first = True
    for raw in reader:
        cells = [cell.strip() for cell in raw]
        if not any(cells):
            continue
        if first:
            first = False
            columns = _header(cells)
            if columns is not None:
                continue
        if len(lines) >= MAX_LINES:
            raise ValidationError(
                _("This file has more than %(limit)d people. Split it into several files.") % {"limit": MAX_LINES}
            )
        lines.append(_line(reader.line_num, cells, columns))
    return lines


def _line(number: int, cells: list[str], columns: dict[str, int] | None) -> Line:
    line = Line(number=number)
    if columns is not None:
        values = {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}
        extras: list[str] = []
    else:
        values = dict(zip(COLUMNS[:3], cells, strict=False))
        extras = cells[3:]
    line.email = values.get("email", "")
    line.first_name = values.get("first_name", "")
    line.last_name = values.get("last_name", "")
    language, kind = values.get("language", ""), values.get("kind", "")
    for extra in extras:  # no header: the language and the kind are told apart by their values
        if not extra:
            continue
        if parse_language(extra):
            language = extra
        elif parse_kind(extra):
            kind = extra
        else:
            line.errors.append(
                _("“%(value)s” is neither a language (fr, en) nor a kind (employee, guest).") % {"value": extra}
            )
    _check_form(line, language, kind)
    return line


def _check_form(line: Line, language: str, kind: str) -> None:
    try:
        validate_email(line.email)
    except ValidationError:
        line.errors.append(
            _("“%(value)s” is not an e-mail address.") % {"value": line.email}
            if line.email
            else _("The e-mail address is missing.")
        )
    else:
        line.email = User.objects.normalize_email(line.email).lower()
        line.email_valid = True
    if len(line.first_name) > NAME_MAX_LENGTH or len(line.last_name) > NAME_MAX_LENGTH:
        line.errors.append(_("A name is at most %(limit)d characters.") % {"limit": NAME_MAX_LENGTH})
    parsed_language = parse_language(language)
    if parsed_language is None:
        line.errors.append(_("Unknown language “%(value)s”: write fr or en.") % {"value": language})
    else:
        line.language = parsed_language
    parsed_kind = parse_kind(kind)
    if parsed_kind is None:
        line.errors.append(_("Unknown kind “%(value)s”: write employee or guest.") % {"value": kind})
    else:
        line.kind = parsed_kind


def check(lines: Iterable[Line], *, guests_allowed: bool) -> list[Line]:
    """``lines`` with the errors that need the database: duplicates, accounts and pending invitations.

    Three queries, whatever the number of lines.
    """
    lines = list(lines)
    emails = {line.email for line in lines if line.email_valid}
    members = _existing(emails) if emails else set()
    pending = _pending(emails) if emails else set()
    seen: dict[str, int] = {}
    for line in lines:
        if line.kind == User.Kind.GUEST and not guests_allowed:
            line.errors.append(_("External guests are not allowed on this network."))
        if not line.email_valid:
            continue
        if line.email in seen:
            line.errors.append(_("Already on line %(line)d of this file.") % {"line": seen[line.email]})
            continue
        seen[line.email] = line.number
        if line.email in members:
            line.errors.append(_("This person already has an account."))
        elif line.email in pending:
            line.errors.append(_("An invitation is already waiting for this address."))
    return lines


def _pending(emails: set[str]) -> set[str]:
    return set(
        Invitation.objects.annotate(lower=Lower("email"))
        .filter(lower__in=emails, accepted_at=None, revoked_at=None, expires_at__gt=dj_timezone.now())
        .values_list("lower", flat=True)
    )


def _existing(emails: set[str]) -> set[str]:
    users = User.objects.annotate(lower=Lower("email")).filter(lower__in=emails).values_list("lower", flat=True)
    addresses = (
        EmailAddress.objects.annotate(lower=Lower("email")).filter(lower__in=emails).values_list("lower", flat=True)
    )
    return set(users) | set(addresses)
