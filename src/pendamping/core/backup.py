"""Backup and restore of the whole database, and the fingerprint that proves a restore brought back what was saved.

- SQLite: the online backup API (a consistent copy while the app runs); restore copies the file back the same way
  into the live database, after checking it is a Pendamping backup.
- PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner` (the programs of the
  server's version must be on the PATH), with the connection of DATABASE_URL passed through the environment (the
  password never on a command line).

A backup file starts with its engine's own signature ("SQLite format 3", "PGDMP"); a file of the other engine, or
anything else, is refused with a message naming the problem, and nothing is changed.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection

SQLITE_SIGNATURE = b"SQLite format 3\x00"
PG_SIGNATURE = b"PGDMP"
# the tables whose rows are fingerprinted (counts are taken of every table)
KEY_MODELS = [
    "registry.Household",
    "registry.Person",
    "kube.Kube",
    "kube.KubeMember",
    "kube.CashEntry",
    "mentoring.Contact",
    "puskesos.Case",
    "core.AuditEvent",
]


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


def engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def _pg_env() -> dict:
    settings = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(settings.get("HOST") or ""),
            "PGPORT": str(settings.get("PORT") or ""),
            "PGUSER": str(settings.get("USER") or ""),
            "PGPASSWORD": str(settings.get("PASSWORD") or ""),
            "PGDATABASE": str(settings["NAME"]),
        }
    )
    return {key: value for key, value in env.items() if value != ""}


def _run(args: list[str]) -> None:
    program = shutil.which(args[0])
    if program is None:
        raise BackupError(f"{args[0]} was not found on the PATH; install the PostgreSQL client programs.")
    result = subprocess.run([program, *args[1:]], env=_pg_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[:2000]}")


def backup(path: Path) -> None:
    """Write a backup of the whole database to `path` (a new file; an existing one is refused)."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name (backups are never overwritten).")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if engine() == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)])
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _check_signature(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    with path.open("rb") as handle:
        head = handle.read(16)
    expected = SQLITE_SIGNATURE if engine() == "sqlite" else PG_SIGNATURE
    if not head.startswith(expected):
        other = "PostgreSQL" if head.startswith(PG_SIGNATURE) else "SQLite" if head.startswith(SQLITE_SIGNATURE) else ""
        if other:
            raise BackupError(f"{path} is a {other} backup; this installation runs on {engine()}.")
        raise BackupError(f"{path} is not a Pendamping backup (unknown file format).")
    if engine() == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "django_migrations" not in tables or "registry_person" not in tables:
                raise BackupError(f"{path} is an SQLite file but not a Pendamping database.")
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (SQLite integrity check failed).")
        finally:
            source.close()


def restore(path: Path) -> None:
    """Replace the whole database with the backup at `path`."""
    path = Path(path)
    _check_signature(path)
    if engine() == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _pg_env()["PGDATABASE"],
                str(path),
            ]
        )
    connection.close()


def fingerprint() -> dict:
    """Row counts of every table of the apps, and a SHA-256 over the primary keys and version/update columns of the
    key tables, in a stable order: equal fingerprints mean the same rows came back."""
    counts = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.db_table] = model._default_manager.using("default").count()
    digest = hashlib.sha256()
    for label in KEY_MODELS:
        model = apps.get_model(label)
        fields = ["pk"] + [
            name for name in ("version", "updated_at", "at", "amount", "nik", "no_kk") if _has(model, name)
        ]
        for row in model._default_manager.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
            digest.update(repr(row).encode())
    return {"counts": counts, "checksum": digest.hexdigest()}


def _has(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True
