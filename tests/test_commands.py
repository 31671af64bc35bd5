"""The commands of a fresh install: setup, demo, and the secret key kept under var/."""

import os
import stat

import pytest
from django.core.management import call_command

from pendamping.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from pendamping.accounts.models import User
from pendamping.areas.selectors import area_get
from pendamping.core.models import AuditEvent
from pendamping.settings import secret_key


def test_demo_builds_the_workers_of_kabandungan_once(areas, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "akun tksk.kabandungan" in out and "akun fasilitator.cianaga" in out
    call_command("demo")
    assert "sudah lengkap" in capsys.readouterr().out
    assert set(User.objects.exclude(username="sistem").values_list("username", flat=True)) == {
        username for username, *_ in DEMO_USERS
    }
    fasilitator = {u.role_assignments.get().area_id for u in User.objects.filter(username__startswith="fasilitator.")}
    assert fasilitator == {f"32.02.19.200{i}" for i in range(1, 7)}
    assert AuditEvent.objects.filter(action="user.create", reason="data demo").count() == len(DEMO_USERS)


def test_the_demo_tksk_of_kabandungan_logs_in_and_cannot_see_kalapanunggal(areas, client):
    call_command("demo")
    response = client.post("/akun/masuk/", {"username": "tksk.kabandungan", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/wilayah/32.02.19/").status_code == 200
    assert client.get("/wilayah/32.02.18/").status_code == 404
    tksk = User.objects.get(username="tksk.kalapanunggal")
    assert area_get(actor=tksk, code="32.02.18").name == "Kalapanunggal"


def test_demo_needs_the_areas_first(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load-areas"):
        call_command("demo")


def test_setup_reuses_what_is_there_and_prints_the_demo_logins(areas, capsys):
    call_command("setup")
    out = capsys.readouterr().out
    assert "Data wilayah sudah ada" in out
    assert DEMO_PASSWORD in out and "tksk.kabandungan" in out and "32.02.19.2002" in out


def test_secret_key_is_made_once_kept_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path / "var")
    assert len(first) >= 50
    path = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert secret_key(tmp_path / "var") == first
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert secret_key(tmp_path / "var") == "from-the-environment"


def test_var_is_never_committed():
    from pathlib import Path

    ignored = (Path(__file__).resolve().parents[1] / ".gitignore").read_text().split()
    assert "var/" in ignored
