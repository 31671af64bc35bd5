"""Backup and restore: a round trip brings back the same rows (counts and checksum of key tables), on SQLite and on
PostgreSQL; a file that is not a backup of this engine is refused and changes nothing."""

import pytest
from django.core.management import CommandError, call_command

from pendamping.core.backup import fingerprint
from pendamping.registry.models import Household
from tests.kube.helpers import formed_kube
from tests.registry.test_services import make_household


@pytest.fixture
def data(transactional_db, tksk_kabandungan):
    formed_kube(tksk_kabandungan)
    make_household(tksk_kabandungan, serial=70)
    return tksk_kabandungan


def test_a_backup_restored_brings_back_exactly_what_was_saved(data, tmp_path, capsys):
    before = fingerprint()
    assert before["counts"]["registry_household"] == 6
    target = tmp_path / "cadangan.bak"
    call_command("backup", str(target))
    assert target.stat().st_size > 0 and "cadangan.bak" in capsys.readouterr().out
    make_household(data, serial=71)  # a change after the backup, which the restore undoes
    Household.objects.filter(no_kk__endswith="70").update(alamat="diubah")
    assert fingerprint() != before
    call_command("restore", str(target), "--yes")
    assert fingerprint() == before


def test_a_backup_never_overwrites_a_file(data, tmp_path):
    target = tmp_path / "ada.bak"
    target.write_bytes(b"sudah ada")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(target))
    assert target.read_bytes() == b"sudah ada"


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(data, tmp_path):
    before = fingerprint()
    junk = tmp_path / "bukan.bak"
    junk.write_bytes(b"PK\x03\x04 a zip file, not a backup")
    with pytest.raises(CommandError, match="not a Pendamping backup"):
        call_command("restore", str(junk), "--yes")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "tidak-ada.bak"), "--yes")
    assert fingerprint() == before
