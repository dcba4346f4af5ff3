"""``deploy/systemd/``: each unit runs a real ``manage.py`` command with options it accepts, stops the way the
command expects, writes only to the data directory, and reads the settings of ``deploy/essaim.env.example``,
each one documented. ``systemd-analyze verify`` checks them too where systemd is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django_tasks_db.management.commands import db_worker

from essaim.core.management.commands import serve
from tests.processes import REPO

UNITS = REPO / "deploy" / "systemd"
ENV_EXAMPLE = REPO / "deploy" / "essaim.env.example"
CODE, DATA_DIR, ENV_FILE = "/srv/essaim", "/srv/essaim/var", "/etc/essaim/essaim.env"
SERVICES = {"essaim-web@.service": "8001", "essaim-worker@.service": "1", "essaim-mailgate.service": ""}

Unit = dict[str, dict[str, list[str]]]


def read_unit(name: str, instance: str = "") -> Unit:
    """A unit's sections → key → values (systemd allows a key more than once), ``%i`` given ``instance``."""
    unit: Unit = defaultdict(lambda: defaultdict(list))
    section = ""
    for raw in (UNITS / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        unit[section][key.strip()].append(value.strip().replace("%i", instance))
    return unit


def one(unit: Unit, section: str, key: str) -> str:
    values = unit[section][key]
    assert len(values) == 1, f"[{section}] {key}: {values}"
    return values[0]


def command_line(unit: Unit) -> tuple[str, list[str]]:
    """The ``manage.py`` command a unit starts and its arguments, after checking it is this checkout's."""
    python, manage, command, *args = one(unit, "Service", "ExecStart").split()
    assert python == f"{CODE}/.venv/bin/python"
    assert manage == f"{CODE}/manage.py"
    assert one(unit, "Service", "WorkingDirectory") == CODE
    return command, args


@pytest.mark.parametrize(("name", "instance"), SERVICES.items())
def test_each_unit_runs_an_essaim_command_with_options_it_accepts(
    name: str, instance: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tests run tasks at once; the worker's default backend must be the database's, as in production
    # (the fault test, tests/deploy/test_scale_out_faults.py, runs the command itself).
    monkeypatch.setattr(db_worker, "valid_backend_name", str)
    command, args = command_line(read_unit(name, instance))
    assert command in get_commands(), f"{name} runs manage.py {command}, which does not exist"
    parser = load_command_class(get_commands()[command], command).create_parser("manage.py", command)
    parser.parse_args(args)  # exits (SystemExit) on an unknown option or a bad value


def test_the_web_unit_serves_one_port_per_instance_without_a_task_worker() -> None:
    command, args = command_line(read_unit("essaim-web@.service", "8001"))
    options = load_command_class("essaim.core", "serve").create_parser("manage.py", "serve").parse_args(args)
    assert (command, options.bind, options.no_worker) == ("serve", "127.0.0.1:8001", True)
    assert options.dev is False


def test_the_web_processes_of_one_host_keep_their_metrics_apart() -> None:
    """``serve`` empties its metrics directory when it starts: two processes sharing one would wipe each other's."""
    web = read_unit("essaim-web@.service", "8001")
    assert f"PROMETHEUS_MULTIPROC_DIR={DATA_DIR}/run/metrics-8001" in web["Service"]["Environment"]


def test_the_worker_unit_runs_the_worker_that_drains_the_outbox_not_plain_db_worker() -> None:
    command, args = command_line(read_unit("essaim-worker@.service", "1"))
    assert command == "worker"
    assert "--no-reload" in args


@pytest.mark.parametrize("name", SERVICES)
def test_each_unit_runs_as_essaim_and_writes_only_the_data_directory(name: str) -> None:
    service = read_unit(name)["Service"]
    expected = {
        "User": "essaim",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ReadWritePaths": DATA_DIR,
        "PrivateTmp": "yes",
        "Restart": "on-failure",
        "EnvironmentFile": ENV_FILE,
    }
    assert {key: service[key] for key in expected} == {key: [value] for key, value in expected.items()}


@pytest.mark.parametrize("name", SERVICES)
def test_each_unit_stops_its_main_process_first_and_gives_it_time(name: str) -> None:
    """``serve`` stops granian's process group itself on SIGTERM (its children are in groups of their own),
    ``worker`` finishes its task: systemd signals the main process alone, then kills what is left."""
    service = read_unit(name)["Service"]
    assert service["KillMode"] == ["mixed"]
    assert service["KillSignal"] == ["SIGTERM"]
    assert int(one(read_unit(name), "Service", "TimeoutStopSec")) > serve.GRACE


@pytest.mark.parametrize("name", SERVICES)
def test_each_unit_belongs_to_the_target_that_starts_and_restarts_them_together(name: str) -> None:
    unit = read_unit(name)
    assert unit["Unit"]["PartOf"] == ["essaim.target"]
    assert unit["Install"]["WantedBy"] == ["essaim.target"]
    assert read_unit("essaim.target")["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_environment_example_sets_only_documented_settings_and_the_units_data_directory() -> None:
    documented = (REPO / "docs" / "configuration.md").read_text()
    settings = dict(
        line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if re.match(r"^#?ESSAIM_\w+=", line)
    )
    for name in settings:
        assert f"`{name.lstrip('#')}`" in documented, f"{name} is not in docs/configuration.md"
    assert settings["ESSAIM_DATA_DIR"] == DATA_DIR
    assert settings["ESSAIM_ACCEL_REDIRECT_PREFIX"] + "/" in (REPO / "deploy" / "nginx" / "essaim.conf").read_text()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze (Debian's systemd)")
def test_systemd_verifies_the_units(tmp_path: Path) -> None:
    """Paths moved to ones that exist here (systemd checks that the program is executable)."""
    (tmp_path / "essaim.env").write_text(ENV_EXAMPLE.read_text())
    for unit in UNITS.iterdir():
        text = unit.read_text().replace(DATA_DIR, str(tmp_path / "var")).replace(ENV_FILE, str(tmp_path / "essaim.env"))
        (tmp_path / unit.name).write_text(text.replace(CODE, str(REPO)))
    names = ["essaim-web@8001.service", "essaim-worker@1.service", "essaim-mailgate.service", "essaim.target"]
    verified = subprocess.run(  # noqa: S603 - fixed argv
        ["systemd-analyze", "verify", *names],  # noqa: S607 - systemd's own tool, found on PATH
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
    assert verified.stderr.strip() == "", verified.stderr  # unknown keys and bad values are only warnings
