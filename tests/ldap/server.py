"""A real OpenLDAP server for the tests: Debian's ``slapd``, unprivileged, on a free loopback port, with its
configuration (``slapd.conf``) and its database in a temporary directory, loaded with ``slapadd`` from a
generated directory of the company "Atelier Boréal": ``people`` people (``PEOPLE``, a few hundred, for the
tests of a whole directory; fewer for the others) in eleven departments (each a group),
their managers by DN (the general manager, the heads of department, everyone else under their department's
head), sites, phones, a few photos, and a service account Essaim reads it as.

``make test`` installs ``slapd`` and ``ldap-utils`` (the Makefile's ``browsers`` target) as it does Chromium.
"""

from __future__ import annotations

import base64
import io
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ldap
import ldap.modlist
from PIL import Image

SLAPD = Path("/usr/sbin/slapd")
SLAPADD = Path("/usr/sbin/slapadd")
SUFFIX = "dc=atelier,dc=test"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-of-the-tests"
SERVICE_DN = f"cn=essaim,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "service-of-the-tests"
PEOPLE_BASE = f"ou=people,{SUFFIX}"
GROUPS_BASE = f"ou=groups,{SUFFIX}"
PEOPLE = 300
DEPARTMENTS = [
    "Direction",
    "Finance",
    "Marketing",
    "Ingénierie",
    "Ventes",
    "Support",
    "Ressources humaines",
    "Juridique",
    "Achats",
    "Logistique",
    "Qualité",
]
SITES = ["Paris", "Lyon", "Nantes"]
FIRST_NAMES = ["Léa", "Hugo", "Chloé", "Louis", "Inès", "Jules", "Manon", "Arthur", "Zoé", "Gabriel", "Élise", "Noé"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")


def uid(index: int) -> str:
    return f"p{index:04d}"


def dn(index: int) -> str:
    return f"uid={uid(index)},{PEOPLE_BASE}"


def email(index: int) -> str:
    return f"{uid(index)}@atelier.test"


def password(index: int) -> str:
    return f"password-{uid(index)}"


def department_of(index: int) -> str:
    """p0001 runs the company (Direction); p0002…p0011 head the departments; the rest are spread among them."""
    if index == 1:
        return DEPARTMENTS[0]
    if index <= len(DEPARTMENTS):
        return DEPARTMENTS[index - 1]
    return DEPARTMENTS[1 + index % (len(DEPARTMENTS) - 1)]


def head_of(department: str) -> int:
    return DEPARTMENTS.index(department) + 1


def manager_of(index: int) -> int | None:
    if index == 1:
        return None
    if index <= len(DEPARTMENTS):
        return 1
    return head_of(department_of(index))


def photo(index: int) -> bytes:
    """A small JPEG of its own colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), ((index * 40) % 256, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _ldif(entry_dn: str, attrs: dict[str, list[str | bytes]]) -> str:
    lines = [f"dn: {entry_dn}"]
    for name, values in attrs.items():
        for value in values:
            if isinstance(value, bytes) or not value.isascii():
                raw = value if isinstance(value, bytes) else value.encode()
                lines.append(f"{name}:: {base64.b64encode(raw).decode()}")
            else:
                lines.append(f"{name}: {value}")
    return "\n".join(lines) + "\n\n"


def person_attributes(index: int) -> dict[str, list[str | bytes]]:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    attrs: dict[str, list[str | bytes]] = {
        "objectClass": ["inetOrgPerson"],
        "uid": [uid(index)],
        "cn": [f"{first} {last}"],
        "givenName": [first],
        "sn": [last],
        "mail": [email(index)],
        "userPassword": [password(index)],
        "title": ["Directrice générale" if index == 1 else ("Responsable" if index <= 11 else "Chargé·e de projet")],
        "departmentNumber": [department_of(index)],
        "l": [SITES[index % len(SITES)]],
        "telephoneNumber": [f"+33 1 40 00 {index:04d}"],
    }
    manager = manager_of(index)
    if manager is not None:
        attrs["manager"] = [dn(manager)]
    if index <= 3:
        attrs["jpegPhoto"] = [photo(index)]
    return attrs


def directory_ldif(people: int) -> str:
    parts = [
        _ldif(SUFFIX, {"objectClass": ["dcObject", "organization"], "dc": ["atelier"], "o": ["Atelier Boréal"]}),
        *(
            _ldif(f"ou={ou},{SUFFIX}", {"objectClass": ["organizationalUnit"], "ou": [ou]})
            for ou in ("people", "groups", "services")
        ),
        _ldif(
            SERVICE_DN,
            {
                "objectClass": ["organizationalRole", "simpleSecurityObject"],
                "cn": ["essaim"],
                "userPassword": [SERVICE_PASSWORD],
            },
        ),
        *(_ldif(dn(i), person_attributes(i)) for i in range(1, people + 1)),
    ]
    for department in DEPARTMENTS:
        members = [dn(i) for i in range(1, people + 1) if department_of(i) == department]
        parts.append(
            _ldif(group_dn(department), {"objectClass": ["groupOfNames"], "cn": [department], "member": members})
        )
    leaders = [dn(i) for i in range(1, len(DEPARTMENTS) + 1)]
    parts.append(
        _ldif(
            group_dn("Comité de direction"),
            {"objectClass": ["groupOfNames"], "cn": ["Comité de direction"], "member": leaders},
        )
    )
    return "".join(parts)


def group_dn(name: str) -> str:
    return f"cn={ldap.dn.escape_dn_chars(name)},{GROUPS_BASE}"


def _config(home: Path) -> str:
    schemas = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
    return f"""{schemas}
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {home}/slapd.pid
argsfile {home}/slapd.args
database mdb
maxsize 104857600
suffix "{SUFFIX}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}
directory {home}/data
limits * size.soft=100 size.hard=100 size.prtotal=unlimited
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="{SERVICE_DN}" read by self read by * none
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Slapd:
    home: Path
    people: int = PEOPLE
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def load(self) -> None:
        (self.home / "data").mkdir()
        (self.home / "slapd.conf").write_text(_config(self.home))
        (self.home / "directory.ldif").write_text(directory_ldif(self.people))
        subprocess.run(  # noqa: S603 - Debian's slapadd on our own files
            [SLAPADD, "-q", "-f", self.home / "slapd.conf", "-l", self.home / "directory.ldif"],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - Debian's slapd, unprivileged, in the foreground
            [SLAPD, "-d", "0", "-f", self.home / "slapd.conf", "-h", f"{self.uri}/"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"slapd stopped: {self.process.stderr.read().decode() if self.process.stderr else ''}"
                    ) from None
                time.sleep(0.05)
        raise RuntimeError("slapd did not start in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)
        self.process = None

    def admin(self) -> ldap.ldapobject.LDAPObject:
        """A connection as the directory's root, to change it the way the company's IT would."""
        connection = ldap.initialize(self.uri)
        connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        return connection

    def delete(self, entry_dn: str) -> None:
        self.admin().delete_s(entry_dn)

    def modify(self, entry_dn: str, **values: list[str | bytes]) -> None:
        changes = [
            (ldap.MOD_REPLACE, name, [v.encode() if isinstance(v, str) else v for v in vals] or None)
            for name, vals in values.items()
        ]
        self.admin().modify_s(entry_dn, changes)

    def add_person(self, index: int, **overrides: list[str | bytes]) -> None:
        attrs = {**person_attributes(index), **overrides}
        encoded = {k: [v.encode() if isinstance(v, str) else v for v in vals] for k, vals in attrs.items() if vals}
        self.admin().add_s(dn(index), ldap.modlist.addModlist(encoded))


def serve(people: int = PEOPLE) -> Iterator[Slapd]:
    if not SLAPD.exists():
        raise RuntimeError("The LDAP tests need Debian's slapd: make browsers (or apt-get install slapd ldap-utils)")
    home = Path(tempfile.mkdtemp(prefix="essaim-slapd-"))
    server = Slapd(home=home, people=people)
    try:
        server.load()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
