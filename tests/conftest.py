"""Shared fixtures: a slice of the real area list, users with roles made through the services, logged-in clients.

The area slice (Jawa Barat, with Kabupaten Sukabumi and Kabupaten Bogor down to every desa) is read once from the
CSV files shipped in the package and written into each test's database in one bulk insert.
"""

import csv
import functools
from pathlib import Path

import pytest

from pendamping.accounts.demo import DEMO_PASSWORD
from pendamping.accounts.services import user_create
from pendamping.accounts.vocab import Role
from pendamping.areas.models import Area
from pendamping.areas.services import AREA_FILES, default_source_dir
from pendamping.core.system import system_actor

AREA_SLICE = ("32.01", "32.02")  # Kabupaten Bogor and Kabupaten Sukabumi, with Provinsi Jawa Barat above them
PASSWORD = DEMO_PASSWORD

KABANDUNGAN = "32.02.19"
KALAPANUNGGAL = "32.02.18"
SUKABUMI = "32.02"
BOGOR = "32.01"
CIPEUTEUY = "32.02.19.2002"


@functools.cache
def _area_slice_rows() -> tuple[tuple[str, str, str, str | None], ...]:
    rows = []
    source = Path(default_source_dir())
    for level, filename, parent_column in AREA_FILES:
        with (source / filename).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = row["code"]
                if code == "32" or any(code == k or code.startswith(k + ".") for k in AREA_SLICE):
                    rows.append((code, row["name"], level.value, row[parent_column] if parent_column else None))
    return tuple(rows)


@pytest.fixture
def areas(db):
    """Jawa Barat, Kabupaten Bogor and Kabupaten Sukabumi with all their kecamatan and desa."""
    Area.objects.bulk_create(
        [Area(code=code, name=name, level=level, parent_id=parent) for code, name, level, parent in _area_slice_rows()]
    )


@pytest.fixture
def system(db):
    return system_actor()


@pytest.fixture
def make_user(areas, system):
    """make_user("tksk.x", Role.TKSK, "32.02.19"): an account with one role, made through the service."""

    def make(username: str, role: str, area_code: str, full_name: str | None = None):
        return user_create(
            actor=system,
            username=username,
            full_name=full_name or username.replace(".", " ").title(),
            password=PASSWORD,
            role=role,
            area_code=area_code,
        )

    return make


@pytest.fixture
def admin_sukabumi(make_user):
    return make_user("admin.sukabumi", Role.ADMIN, SUKABUMI, "Euis Komariah")


@pytest.fixture
def admin_bogor(make_user):
    return make_user("admin.bogor", Role.ADMIN, BOGOR, "Rudi Hartono")


@pytest.fixture
def tksk_kabandungan(make_user):
    return make_user("tksk.kabandungan", Role.TKSK, KABANDUNGAN, "Asep Saepudin")


@pytest.fixture
def tksk_kalapanunggal(make_user):
    return make_user("tksk.kalapanunggal", Role.TKSK, KALAPANUNGGAL, "Dadang Suhendar")


@pytest.fixture
def fasilitator_cipeuteuy(make_user):
    return make_user("fasilitator.cipeuteuy", Role.FASILITATOR, CIPEUTEUY, "Dede Rosita")


@pytest.fixture
def pengamat_sukabumi(make_user):
    return make_user("pengamat.sukabumi", Role.PENGAMAT, SUKABUMI, "Hendra Gunawan")


@pytest.fixture
def login(client):
    """login(user): the test client, logged in as that user (through the real login form)."""

    def do(user):
        client.logout()
        response = client.post("/akun/masuk/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, "login failed"
        return client

    return do


@pytest.fixture(autouse=True)
def live_dashboards(settings):
    """Dashboards counted live in tests (the cache would carry numbers from one test into the next), and every test
    starts with an empty cache (the rate limits count requests there, per minute)."""
    from django.core.cache import cache

    settings.PENDAMPING = {**settings.PENDAMPING, "DASHBOARD_CACHE_SECONDS": 0}
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow by design; tests that are not about hashing use a fast hasher (see test_passwords)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
