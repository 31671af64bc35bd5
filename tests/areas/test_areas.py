import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pendamping.areas.models import Area
from pendamping.areas.selectors import areas_under
from pendamping.areas.services import AreaFileError, areas_load, default_source_dir
from pendamping.areas.vocab import AreaLevel, covers, is_valid_code
from pendamping.core.models import AuditEvent


@pytest.mark.slow
@pytest.mark.django_db
def test_load_areas_brings_every_area_of_indonesia_and_a_second_run_changes_nothing(system, capsys):
    call_command("load_areas")
    assert "38 provinsi, 514 kabupaten/kota, 7285 kecamatan, 83762 desa/kelurahan" in capsys.readouterr().out
    counts = {level: Area.objects.filter(level=level).count() for level in AreaLevel.values}
    assert counts == {"provinsi": 38, "kabupaten": 514, "kecamatan": 7285, "desa": 83762}
    kabandungan = Area.objects.get(code="32.02.19")
    assert (kabandungan.name, kabandungan.parent_id) == ("Kabandungan", "32.02")
    assert list(Area.objects.filter(parent_id="32.02.19").values_list("name", flat=True)) == [
        "Kabandungan",
        "Cipeuteuy",
        "Cihamerang",
        "Tugubandung",
        "Mekarjaya",
        "Cianaga",
    ]

    call_command("load_areas")  # idempotent
    assert Area.objects.count() == 38 + 514 + 7285 + 83762
    assert AuditEvent.objects.filter(action="areas.load").count() == 2


def _write_slice(folder, villages_extra: str = ""):
    """A tiny but complete area list: one province, kabupaten, kecamatan and desa."""
    folder.mkdir(exist_ok=True)
    (folder / "provinces.csv").write_text("code,name\n32,Jawa Barat\n")
    (folder / "regencies.csv").write_text("code,province_code,name\n32.02,32,Kabupaten Sukabumi\n")
    (folder / "districts.csv").write_text("code,regency_code,name\n32.02.19,32.02,Kabandungan\n")
    (folder / "villages.csv").write_text("code,district_code,name\n32.02.19.2002,32.02.19,Cipeuteuy\n" + villages_extra)
    return folder


@pytest.mark.django_db
def test_load_areas_updates_a_renamed_area_instead_of_duplicating_it(tmp_path, system):
    source = _write_slice(tmp_path / "v1")
    areas_load(actor=system, source_dir=source)
    (source / "villages.csv").write_text("code,district_code,name\n32.02.19.2002,32.02.19,Cipeuteuy Baru\n")
    areas_load(actor=system, source_dir=source)
    assert Area.objects.count() == 4
    assert Area.objects.get(code="32.02.19.2002").name == "Cipeuteuy Baru"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("3202192003,32.02.19,Cihamerang\n", "bukan kode Desa/Kelurahan"),
        ("32.02.19.2003,32.02.19,\n", "nama kosong"),
        ("32.02.18.2001,32.02.19,Salah Induk\n", "tidak berada di bawah 32.02.19"),
    ],
)
def test_a_bad_area_file_is_refused_with_its_line_and_changes_nothing(tmp_path, system, bad_row, message):
    source = _write_slice(tmp_path / "bad", villages_extra=bad_row)
    with pytest.raises(AreaFileError, match=message) as error:
        areas_load(actor=system, source_dir=source)
    assert "villages.csv baris 3" in str(error.value)
    assert Area.objects.count() == 0
    assert not AuditEvent.objects.filter(action="areas.load").exists()


@pytest.mark.django_db
def test_a_missing_area_file_is_named(tmp_path, system):
    source = _write_slice(tmp_path / "partial")
    (source / "districts.csv").unlink()
    with pytest.raises(AreaFileError, match="districts.csv tidak ditemukan"):
        areas_load(actor=system, source_dir=source)
    assert Area.objects.count() == 0


def test_the_shipped_area_files_carry_their_odbl_licence_and_source():
    folder = default_source_dir()
    assert "Open Database License" in (folder / "LICENSE.md").read_text()
    assert "idn-area-data by Fityan Nugroho, ODbL" in (folder / "SOURCE.md").read_text()


def test_subtree_of_an_area_is_found_by_code_prefix_not_recursion(areas):
    with CaptureQueriesContext(connection) as queries:
        codes = list(areas_under("32.02.19").values_list("code", flat=True))
    assert codes == ["32.02.19"] + [f"32.02.19.200{i}" for i in range(1, 7)]
    assert len(queries) == 1
    assert "LIKE" in queries[0]["sql"].upper()
    # Kabupaten Sukabumi: 47 kecamatan and 386 desa below it
    assert areas_under("32.02").filter(level=AreaLevel.KECAMATAN).count() == 47
    assert areas_under("32.02").filter(level=AreaLevel.DESA).count() == 386


def test_area_codes_and_levels():
    assert AreaLevel.of_code("32") == AreaLevel.PROVINSI
    assert AreaLevel.of_code("32.02") == AreaLevel.KABUPATEN
    assert AreaLevel.of_code("32.02.19") == AreaLevel.KECAMATAN
    assert AreaLevel.of_code("32.02.19.2001") == AreaLevel.DESA
    assert is_valid_code("32.02.19.2001") and not is_valid_code("3202192001") and not is_valid_code("32.2")
    assert covers("32.02.19", "32.02.19.2001") and covers("32.02.19", "32.02.19")
    assert not covers("32.02.1", "32.02.19") and not covers("32.02.19", "32.02.18.2001")


def test_area_names_say_what_kind_of_area_it_is(areas):
    assert Area.objects.get(code="32.02").kind_label == "Kabupaten"
    assert Area.objects.get(code="32.02.19").display_name == "Kecamatan Kabandungan"
    assert Area.objects.get(code="32.02.19.2002").display_name == "Desa Cipeuteuy"
    kota = Area(code="32.72", name="Kota Sukabumi", level=AreaLevel.KABUPATEN)
    assert kota.kind_label == "Kota" and kota.display_name == "Kota Sukabumi"
    kelurahan = Area(code="32.72.01.1001", name="Cikole", level=AreaLevel.DESA)
    assert kelurahan.display_name == "Kelurahan Cikole"


def test_the_pendamping_command_takes_dashed_names(monkeypatch):
    import django.core.management

    from pendamping.cli import main

    seen = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", seen.append)
    main(["/x/bin/pendamping", "load-areas", "--source", "some-dir"])
    main(["/x/bin/pendamping", "--help"])
    assert seen == [["pendamping", "load_areas", "--source", "some-dir"], ["pendamping", "--help"]]
