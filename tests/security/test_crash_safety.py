"""Crash safety: a process killed (SIGKILL) in the middle of its transaction leaves the database as it was.

Each test runs the real work in a child process on the test's own database: on PostgreSQL the child connects to the
test database itself (the test is transactional, so what the parent made is committed and visible); on SQLite,
whose test database lives in memory, the parent copies it to a file (SQLite's online backup) for the child. A small
hook in the child touches a marker file once every row is written but before the transaction commits, then sleeps;
the parent waits for the marker and kills the child there, the worst moment.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from pendamping.kube.models import Kube, StageChange
from pendamping.kube.services import groups
from pendamping.kube.vocab import Activity, ActivityResult
from pendamping.registry.models import Household, Person
from tests.kube.helpers import formed_kube

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

# the child: a hook that marks the moment (all written, nothing committed) and then waits to be killed
HOOK = """
import os, sys, time, importlib
marker = os.environ["CRASH_MARKER"]
module_name, path = os.environ["CRASH_HOOK"].split(":")
def install():
    owner = importlib.import_module(module_name)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    original = getattr(owner, name)
    def hooked(*args, **kwargs):
        result = original(*args, **kwargs)
        open(marker, "w").close()
        time.sleep(120)
        return result
    setattr(owner, name, hooked)
"""

IMPORT_CHILD = (
    HOOK
    + """
import django
django.setup()
install()
from pendamping.cli import main
main(["pendamping", "import-registry", sys.argv[1]])
"""
)

STAGE_CHILD = (
    HOOK
    + """
import django, datetime
django.setup()
install()
from pendamping.kube.models import Kube
from pendamping.kube.services import groups
from pendamping.core.system import system_actor
groups.stage_advance(actor=system_actor(), kube=Kube.objects.get(pk=int(sys.argv[1])), on=datetime.date(2026, 2, 1))
"""
)


class ChildDatabase:
    """The test database as a child process sees it, and counts read from it."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            self.file = tmp_path / "child.sqlite3"
            target = sqlite3.connect(self.file)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.file}"
        else:
            self.file = None
            self.url = (
                f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
                f"{settings['PORT'] or 5432}/{settings['NAME']}"
            )

    def scalar(self, sql: str):
        if self.file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()[0]
        with sqlite3.connect(self.file, timeout=10) as db:
            return db.execute(sql).fetchone()[0]

    def count(self, model) -> int:
        return self.scalar(f"SELECT COUNT(*) FROM {model._meta.db_table}")

    def env(self, **extra) -> dict:
        env = {**os.environ, "DATABASE_URL": self.url, "VAR_DIR": str(self.tmp_path), **extra}
        env["DJANGO_SETTINGS_MODULE"] = "pendamping.settings"
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
        return env


def kill_at_marker(child: subprocess.Popen, marker: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if child.poll() is not None:
            out, err = child.communicate()
            pytest.fail(f"the child ended before the marker (code {child.returncode}): {out}\n{err}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("the child never reached the marker")
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def registry_file(path: Path, people: int) -> dict:
    from bench.registry_generate import generate

    return generate(path, people=people)


def test_an_import_killed_inside_its_transaction_changes_nothing_and_a_rerun_completes(areas, tmp_path):
    made = registry_file(tmp_path / "registri.csv", people=1500)
    database = ChildDatabase(tmp_path)
    marker = tmp_path / "written"
    assert database.count(Household) == database.count(Person) == 0
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT_CHILD, str(tmp_path / "registri.csv")],
        env=database.env(CRASH_MARKER=str(marker), CRASH_HOOK="pendamping.registry.imports:Runner.finish"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    kill_at_marker(child, marker)
    assert database.count(Household) == 0 and database.count(Person) == 0, "a killed import left rows behind"
    rerun = subprocess.run(
        [sys.executable, "-m", "pendamping.cli", "import-registry", str(tmp_path / "registri.csv")],
        env=database.env(),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert database.count(Person) == made["people"] and database.count(Household) == made["households"]


def test_a_stage_advance_killed_inside_its_transaction_changes_nothing(tksk_kabandungan, tmp_path):
    kube = formed_kube(tksk_kabandungan)
    groups.activity_record(
        actor=tksk_kabandungan, kube=kube, activity=Activity.T0_7, done_on=kube.formed_on, result=ActivityResult.PASSED
    )
    kube.refresh_from_db()
    database = ChildDatabase(tmp_path)
    table = Kube._meta.db_table
    before = (database.scalar(f"SELECT stage FROM {table} WHERE id = {kube.pk}"), database.count(StageChange))
    marker = tmp_path / "advanced"
    child = subprocess.Popen(
        [sys.executable, "-c", STAGE_CHILD, str(kube.pk)],
        env=database.env(CRASH_MARKER=str(marker), CRASH_HOOK="pendamping.kube.services.groups:audit_record"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    kill_at_marker(child, marker)
    after = (database.scalar(f"SELECT stage FROM {table} WHERE id = {kube.pk}"), database.count(StageChange))
    assert after == before == (kube.stage, before[1])
