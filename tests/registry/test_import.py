"""Registry import (CLI and service): every row created, updated, unchanged or rejected, and a failure changes nothing.

The helpers at the top (valid rows of a family in Cipeuteuy, files written from them) are shared with
test_import_pages.py.
"""

import csv
import datetime
from pathlib import Path

from pendamping.registry.imports import COLUMNS, import_run_create, import_run_execute
from pendamping.registry.nik import make_kk, make_nik
from tests.conftest import CIPEUTEUY

KABANDUNGAN = "32.02.19"
KALAPANUNGGAL_DESA = "32.02.18.2001"
KK_ASEP = make_kk(KABANDUNGAN, datetime.date(2015, 3, 4), 1)
KK_UJANG = make_kk(KABANDUNGAN, datetime.date(2016, 7, 8), 2)
NIK_ASEP = make_nik(KABANDUNGAN, datetime.date(1980, 1, 20), "L", 1)
NIK_EUIS = make_nik(KABANDUNGAN, datetime.date(1983, 5, 12), "P", 2)
NIK_DEDE = make_nik(KABANDUNGAN, datetime.date(2010, 7, 1), "L", 3)
NIK_UJANG = make_nik(KABANDUNGAN, datetime.date(1975, 9, 30), "L", 4)


def row(**overrides) -> dict:
    """The head of the Suhendar family in Cipeuteuy, as a spreadsheet user would type it."""
    values = {
        "id_dtks": "DTKS-3202192002-0001",
        "kode_desa": CIPEUTEUY,
        "alamat": "Kp. Cipeuteuy RT 001/002",
        "dusun": "Cipeuteuy",
        "rt": "1",
        "rw": "2",
        "no_kk": KK_ASEP,
        "nik": NIK_ASEP,
        "nama": "Asep Suhendar",
        "tempat_lahir": "Sukabumi",
        "tanggal_lahir": "1980-01-20",
        "jenis_kelamin": "L",
        "hubungan_keluarga": "Kepala Keluarga",
        "status_kawin": "Kawin",
        "pendidikan": "SD",
        "pekerjaan": "Petani",
        "desil": "1",
        "status_pkh": "Graduasi Alamiah",
        "penghasilan_bulanan": "900.000",
        "kebutuhan_dasar_bulanan": "2000000",
    }
    values.update(overrides)
    return values


def family() -> list[dict]:
    """Asep (head), Euis (wife), Dede (son) on one KK; Ujang alone on another."""
    return [
        row(),
        row(
            nik=NIK_EUIS,
            nama="Euis Komariah",
            tanggal_lahir="12-05-1983",
            jenis_kelamin="P",
            hubungan_keluarga="istri",
            pekerjaan="Mengurus rumah tangga",
        ),
        row(
            nik=NIK_DEDE,
            nama="Dede Suhendar",
            tanggal_lahir="2010-07-01",
            hubungan_keluarga="Anak",
            status_kawin="Belum Kawin",
            pendidikan="SMP/sederajat",
            pekerjaan="Pelajar",
        ),
        row(
            no_kk=KK_UJANG,
            nik=NIK_UJANG,
            nama="Ujang Saepudin",
            tanggal_lahir="1975-09-30",
            rt="3",
            alamat="Kp. Pasir RT 003/002",
            desil="",
            status_pkh="",
            penghasilan_bulanan="1950000",
            kebutuhan_dasar_bulanan="2000000",
            id_dtks="",
        ),
    ]


def write_csv(
    folder: Path,
    rows: list[dict],
    *,
    name: str = "registri.csv",
    delimiter: str = ";",
    encoding: str = "utf-8",
    header: list[str] | None = None,
) -> Path:
    header = header or list(COLUMNS)
    path = folder / name
    with open(path, "w", newline="", encoding=encoding) as handle:
        out = csv.writer(handle, delimiter=delimiter)
        out.writerow(header)
        for values in rows:
            out.writerow([values.get(column.strip().lower(), "") for column in header])
    return path


def write_xlsx(folder: Path, rows: list[list], *, name: str = "registri.xlsx") -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    for values in rows:
        sheet.append(values)
    path = folder / name
    workbook.save(path)
    return path


def run_import(path: Path, actor, *, dry_run: bool = False, writer: str | None = None):
    run = import_run_create(actor=actor, path=path, file_name=path.name, dry_run=dry_run)
    return import_run_execute(run=run, path=path, writer=writer)


def rejections(run) -> list[tuple[int, str, str]]:
    return list(run.rejections.filter(warning=False).order_by("row", "id").values_list("row", "column", "code"))


# --- tests -------------------------------------------------------------------------------------------------------
import io  # noqa: E402

import pytest  # noqa: E402
from django.core.management import CommandError, call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from pendamping.core.models import AuditEvent  # noqa: E402
from pendamping.registry import imports  # noqa: E402
from pendamping.registry.imports import IMPORT_CODES  # noqa: E402
from pendamping.registry.models import Household, ImportRun, KkHistory, Person  # noqa: E402
from pendamping.registry.services import household_create, household_delete, person_add  # noqa: E402

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def area_list(areas):
    """Every import test needs the desa of Sukabumi and Bogor."""


WRITERS = ["orm", "sql"] if ON_POSTGRES else ["orm"]


def registry_state():
    """Everything an import may touch, to compare before and after."""
    return (
        sorted(Household.objects.values_list("id", "no_kk", "desa_id", "alamat", "desil", "pkh_status", "version")),
        sorted(Person.objects.values_list("id", "nik", "household_id", "name", "version")),
        KkHistory.objects.count(),
        AuditEvent.objects.exclude(action="registry.import").count(),
    )


def registered_elsewhere(system, *, desa: str, no_kk: str, nik: str | None = None):
    household = household_create(actor=system, desa_code=desa, no_kk=no_kk)
    if nik:
        person_add(
            actor=system,
            household=household,
            nik=nik,
            name="Asep Suhendar",
            sex="L",
            birth_date=datetime.date(1980, 1, 20),
            relation="kepala_keluarga",
        )
    return household


# (reason code, column, overrides of the head's row); the row is row 2 (the header is row 1)
ROW_CASES = [
    ("kk_kosong", "no_kk", {"no_kk": ""}),
    ("kk_format_ilmiah", "no_kk", {"no_kk": "3.20219E+15"}),
    ("kk_bukan_16_digit", "no_kk", {"no_kk": "3202190403150"}),
    ("kk_nomor_urut_tidak_sah", "no_kk", {"no_kk": make_kk(KABANDUNGAN, datetime.date(2015, 3, 4), 0)}),
    ("desa_kosong", "kode_desa", {"kode_desa": ""}),
    ("desa_tidak_dikenal", "kode_desa", {"kode_desa": "32.02.19.2999"}),
    ("rt_tidak_sah", "rt", {"rt": "12a"}),
    ("rw_tidak_sah", "rw", {"rw": "1234"}),
    ("desil_tidak_sah", "desil", {"desil": "11"}),
    ("status_pkh_tidak_dikenal", "status_pkh", {"status_pkh": "Sultan"}),
    ("rupiah_tidak_sah", "penghasilan_bulanan", {"penghasilan_bulanan": "-5000"}),
    ("nama_kosong", "nama", {"nama": "  "}),
    ("nama_terlalu_panjang", "nama", {"nama": "A" * 151}),
    ("jenis_kelamin_tidak_sah", "jenis_kelamin", {"jenis_kelamin": "X"}),
    ("tanggal_lahir_kosong", "tanggal_lahir", {"tanggal_lahir": ""}),
    ("nik_kosong", "nik", {"nik": ""}),
    ("nik_format_ilmiah", "nik", {"nik": "3.20219E+15"}),
    ("nik_bukan_16_digit", "nik", {"nik": "320219200180"}),
    ("nik_nomor_urut_tidak_sah", "nik", {"nik": make_nik(KABANDUNGAN, datetime.date(1980, 1, 20), "L", 0)}),
    ("nik_tanggal_tidak_sah", "nik", {"nik": "3202193201800001"}),
    ("nik_jenis_kelamin_tidak_cocok", "nik", {"jenis_kelamin": "P"}),
    ("nik_tanggal_lahir_tidak_cocok", "nik", {"tanggal_lahir": "1981-01-20"}),
    ("hubungan_tidak_dikenal", "hubungan_keluarga", {"hubungan_keluarga": "Tetangga"}),
    ("status_kawin_tidak_dikenal", "status_kawin", {"status_kawin": "Pacaran"}),
    ("pendidikan_tidak_dikenal", "pendidikan", {"pendidikan": "Kursus menjahit"}),
    ("tanggal_tidak_terbaca", "tanggal_lahir", {"tanggal_lahir": "20 Januari 1980"}),
    ("angka_tidak_terbaca", "desil", {"desil": "tiga"}),
    ("teks_terlalu_panjang", "alamat", {"alamat": "x" * 201}),
    ("sel_formula", "nama", {"nama": '=HYPERLINK("http://contoh.test","klik")'}),
]


@pytest.mark.parametrize(("code", "column", "overrides"), ROW_CASES, ids=[case[0] for case in ROW_CASES])
def test_a_bad_row_is_rejected_with_its_row_column_reason_code_and_indonesian_message(
    tmp_path, system, code, column, overrides
):
    path = write_csv(tmp_path, [row(**overrides), family()[3]])
    run = run_import(path, system)
    assert run.status == "done"
    assert (2, column, code) in rejections(run)
    rejection = run.rejections.get(code=code)
    assert rejection.message and not rejection.warning
    assert (run.rows_read, run.rows_rejected, run.rows_created) == (2, 1, 1)
    assert not Person.objects.filter(nik=NIK_ASEP).exists()
    assert Person.objects.filter(nik=NIK_UJANG).exists()


def test_a_birth_date_in_the_future_is_rejected(tmp_path, system):
    future = timezone.localdate() + datetime.timedelta(days=400)
    run = run_import(write_csv(tmp_path, [row(tanggal_lahir=future.isoformat())]), system)
    assert rejections(run) == [(2, "tanggal_lahir", "tanggal_lahir_masa_depan")]


def test_a_nik_giving_an_age_outside_0_to_110_is_rejected(tmp_path, system, monkeypatch):
    # every NIK issued so far reads as an age of 0-110 today; the rule bites once time has moved on
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2130, 1, 1))
    nik = make_nik(KABANDUNGAN, datetime.date(2010, 7, 1), "L", 9)
    run = run_import(write_csv(tmp_path, [row(nik=nik, tanggal_lahir="2010-07-01")]), system)
    assert rejections(run) == [(2, "nik", "nik_umur_di_luar_rentang")]


def test_two_different_rows_with_the_same_nik_are_both_rejected(tmp_path, system):
    rows = [row(), family()[3], row(nama="Asep S.")]
    run = run_import(write_csv(tmp_path, rows), system)
    assert rejections(run) == [(2, "nik", "nik_ganda_dalam_berkas"), (4, "nik", "nik_ganda_dalam_berkas")]
    assert "baris 2, 4" in run.rejections.first().message
    assert not Person.objects.filter(nik=NIK_ASEP).exists()
    assert (run.rows_read, run.rows_created, run.rows_rejected) == (3, 1, 2)


def test_a_rejected_row_still_counts_for_the_same_nik_check(tmp_path, system):
    run = run_import(write_csv(tmp_path, [row(desil="99"), row()]), system)
    codes = {(number, code) for number, _column, code in rejections(run)}
    assert codes == {(2, "desil_tidak_sah"), (2, "nik_ganda_dalam_berkas"), (3, "nik_ganda_dalam_berkas")}
    assert run.rows_rejected == 2 and not Person.objects.exists()


def test_household_fields_that_differ_within_one_kk_reject_every_row_of_that_kk(tmp_path, system):
    rows = family()
    rows[1]["alamat"] = "Kp. Lain RT 009/009"
    rows[2]["desil"] = "4"
    run = run_import(write_csv(tmp_path, rows), system)
    assert [(r, c) for r, _col, c in rejections(run)] == [(2, "kk_tidak_konsisten")] * 1 + [
        (3, "kk_tidak_konsisten"),
        (4, "kk_tidak_konsisten"),
    ]
    message = run.rejections.first().message
    assert "alamat" in message and "desil" in message and KK_ASEP in message
    assert (run.rows_created, run.rows_rejected) == (1, 3)
    assert not Household.objects.filter(no_kk=KK_ASEP).exists()


@pytest.mark.parametrize("writer", WRITERS)
def test_a_row_rejected_for_its_nik_neither_splits_its_kk_nor_gives_the_household_its_values(tmp_path, system, writer):
    """The consistency check and the household's values take only the rows still taken: here the first row of KK
    Asep, with another address, goes out with Ujang's row as the same NIK twice; the rest of the KK is imported."""
    asep, euis, dede, ujang = family()
    stray = {**asep, "nik": NIK_UJANG, "tanggal_lahir": ujang["tanggal_lahir"], "alamat": "Kp. Lain RT 009/009"}
    run = run_import(write_csv(tmp_path, [stray, asep, euis, dede, ujang]), system, writer=writer)
    assert [(r, c) for r, _col, c in rejections(run)] == [(2, "nik_ganda_dalam_berkas"), (6, "nik_ganda_dalam_berkas")]
    assert (run.rows_created, run.rows_rejected, run.households_created) == (3, 2, 1)
    household = Household.objects.get(no_kk=KK_ASEP)
    assert household.alamat == asep["alamat"]
    assert set(household.members.values_list("nik", flat=True)) == {NIK_ASEP, NIK_EUIS, NIK_DEDE}


def test_a_row_with_more_cells_than_the_header_is_rejected(tmp_path, system):
    path = write_csv(tmp_path, [family()[3]])
    values = row()
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(";".join(values[c] for c in COLUMNS) + ";Jl. Raya;No. 5\r\n")
    run = run_import(path, system)
    assert rejections(run) == [(3, "", "kolom_berlebih")]
    assert run.rows_created == 1


def test_a_csv_cell_over_the_length_limit_rejects_that_row_and_reading_goes_on(tmp_path, system):
    path = write_csv(tmp_path, [])
    values = row(nama="A" * 140_000)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(";".join(f'"{values[c]}"' for c in COLUMNS) + "\r\n")
        ujang = family()[3]
        handle.write(";".join(ujang[c] for c in COLUMNS) + "\r\n")
    run = run_import(path, system)
    assert rejections(run) == [(2, "", "baris_terlalu_panjang")]
    assert (run.rows_read, run.rows_created, run.rows_rejected) == (2, 1, 1)


def test_a_row_in_a_desa_outside_the_importers_areas_is_rejected_not_imported(tmp_path, tksk_kabandungan):
    rows = [*family(), row(kode_desa=KALAPANUNGGAL_DESA, no_kk=KK_UJANG, nik=NIK_UJANG, tanggal_lahir="1975-09-30")]
    rows.pop(3)
    run = run_import(write_csv(tmp_path, rows), tksk_kabandungan)
    assert rejections(run) == [(5, "kode_desa", "di_luar_wilayah")]
    assert not Household.objects.filter(desa_id=KALAPANUNGGAL_DESA).exists()
    assert (run.rows_created, run.rows_rejected) == (3, 1)
    assert run.area_code == KABANDUNGAN


def test_a_nik_or_kk_registered_outside_the_importers_areas_is_rejected(tmp_path, system, tksk_kabandungan):
    registered_elsewhere(system, desa=KALAPANUNGGAL_DESA, no_kk=KK_UJANG, nik=NIK_ASEP)
    other_kk = make_kk("32.02.18", datetime.date(2014, 1, 1), 7)
    registered_elsewhere(system, desa=KALAPANUNGGAL_DESA, no_kk=other_kk)
    before = registry_state()
    rows = [row(), row(no_kk=other_kk, nik=NIK_UJANG, nama="Ujang", tanggal_lahir="1975-09-30")]
    run = run_import(write_csv(tmp_path, rows), tksk_kabandungan)
    assert rejections(run) == [(2, "nik", "di_luar_wilayah"), (3, "no_kk", "di_luar_wilayah")]
    assert "32.02.18.2001" in run.rejections.get(row=2).message
    assert registry_state() == before


def test_a_nik_of_a_deleted_person_is_rejected(tmp_path, system):
    household = registered_elsewhere(system, desa=CIPEUTEUY, no_kk=KK_ASEP, nik=NIK_ASEP)
    household_delete(actor=system, household=household, reason="salah input")
    run = run_import(write_csv(tmp_path, [row()]), system)
    assert rejections(run) == [(2, "nik", "nik_terhapus")]


TESTED_CODES = {case[0] for case in ROW_CASES} | {
    "tanggal_lahir_masa_depan",
    "karakter_nul",  # test_a_nul_character_in_a_cell_rejects_that_row_only
    "nik_umur_di_luar_rentang",
    "nik_ganda_dalam_berkas",
    "kk_tidak_konsisten",
    "kolom_berlebih",
    "baris_terlalu_panjang",
    "di_luar_wilayah",
    "nik_terhapus",
}


def test_every_reason_code_an_import_can_give_has_a_test():
    # the rules' codes for the fields a file can hold (desil period, KUBE year, unmet needs and disability have
    # no column, so their codes cannot come from an import)
    from_rules = {
        "kk_kosong",
        "kk_format_ilmiah",
        "kk_bukan_16_digit",
        "kk_nomor_urut_tidak_sah",
        "desa_kosong",
        "desa_tidak_dikenal",
        "rt_tidak_sah",
        "rw_tidak_sah",
        "desil_tidak_sah",
        "status_pkh_tidak_dikenal",
        "rupiah_tidak_sah",
        "nama_kosong",
        "nama_terlalu_panjang",
        "jenis_kelamin_tidak_sah",
        "tanggal_lahir_kosong",
        "tanggal_lahir_masa_depan",
        "nik_kosong",
        "nik_format_ilmiah",
        "nik_bukan_16_digit",
        "nik_nomor_urut_tidak_sah",
        "nik_tanggal_tidak_sah",
        "nik_umur_di_luar_rentang",
        "nik_jenis_kelamin_tidak_cocok",
        "nik_tanggal_lahir_tidak_cocok",
        "hubungan_tidak_dikenal",
        "status_kawin_tidak_dikenal",
        "pendidikan_tidak_dikenal",
    }
    assert set(IMPORT_CODES) - TESTED_CODES == set()
    assert from_rules - TESTED_CODES == set()


# --- what a good file does -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("writer", WRITERS)
def test_a_clean_file_creates_households_and_people_and_the_totals_add_up(tmp_path, system, writer):
    run = run_import(write_csv(tmp_path, family()), system, writer=writer)
    assert run.status == "done" and run.error == ""
    assert (run.rows_read, run.rows_created, run.rows_updated, run.rows_unchanged, run.rows_rejected) == (4, 4, 0, 0, 0)
    assert (run.households_created, run.households_updated) == (2, 0)
    household = Household.objects.get(no_kk=KK_ASEP)
    assert (household.desa_id, household.rt, household.rw, household.desil) == (CIPEUTEUY, "001", "002", 1)
    assert household.pkh_status == "graduasi_alamiah"
    assert (household.monthly_income, household.basic_needs_cost, household.poverty_class) == (
        900_000,
        2_000_000,
        "fakir",
    )
    assert Household.objects.get(no_kk=KK_UJANG).poverty_class == "tidak_miskin"
    assert list(household.kk_history.values_list("no_kk", "reason", "valid_to")) == [(KK_ASEP, "pertama", None)]
    members = {p.nik: p for p in household.members.all()}
    assert set(members) == {NIK_ASEP, NIK_EUIS, NIK_DEDE}
    euis = members[NIK_EUIS]
    assert (euis.relation, euis.sex, euis.birth_date) == ("suami_istri", "P", datetime.date(1983, 5, 12))
    dede = members[NIK_DEDE]
    assert (dede.relation, dede.marital_status, dede.education) == ("anak", "belum_kawin", "smp")
    assert members[NIK_ASEP].name_normalized == "asep suhendar"
    event = AuditEvent.objects.get(action="registry.import")
    assert event.actor == system and event.object_id == str(run.pk)
    assert event.changes["rows_created"]["after"] == 4 and event.changes["households_created"]["after"] == 2
    assert not AuditEvent.objects.filter(action__in=["person.create", "person.update"]).exists()


@pytest.mark.parametrize("writer", WRITERS)
def test_importing_the_same_file_again_changes_nothing(tmp_path, system, writer):
    path = write_csv(tmp_path, family())
    run_import(path, system, writer=writer)
    before = registry_state()
    again = run_import(path, system, writer=writer)
    assert (again.rows_read, again.rows_unchanged, again.rows_created, again.rows_updated) == (4, 4, 0, 0)
    assert (again.households_created, again.households_updated) == (0, 0)
    assert registry_state() == before


@pytest.mark.parametrize("writer", WRITERS)
def test_a_changed_row_updates_only_what_changed_and_audits_before_and_after(tmp_path, system, writer):
    run_import(write_csv(tmp_path, family(), name="pertama.csv"), system, writer=writer)
    asep = Person.objects.get(nik=NIK_ASEP)
    rows = family()
    rows[0]["pekerjaan"] = "Pedagang"
    for values in rows[:3]:
        values["desil"] = "2"
    rows[2]["no_kk"] = KK_UJANG  # Dede moves to Ujang's family card
    rows[2].update({k: rows[3][k] for k in ("alamat", "rt", "desil", "status_pkh", "id_dtks")})
    rows[2].update(penghasilan_bulanan="1950000", kebutuhan_dasar_bulanan="2000000")
    run = run_import(write_csv(tmp_path, rows, name="kedua.csv"), system, writer=writer)
    assert (run.rows_created, run.rows_updated, run.rows_unchanged, run.rows_rejected) == (0, 3, 1, 0)
    assert (run.households_created, run.households_updated) == (0, 1)
    asep.refresh_from_db()
    assert (asep.occupation, asep.version, asep.name) == ("Pedagang", 2, "Asep Suhendar")
    change = AuditEvent.objects.get(action="person.update", object_id=str(asep.pk))
    assert change.changes == {"occupation": {"before": "Petani", "after": "Pedagang"}}
    assert change.actor == system and f"#{run.pk}" in change.reason and change.area_code == CIPEUTEUY
    dede = Person.objects.get(nik=NIK_DEDE)
    ujang_household = Household.objects.get(no_kk=KK_UJANG)
    assert dede.household_id == ujang_household.pk
    moved = AuditEvent.objects.get(action="person.update", object_id=str(dede.pk))
    assert moved.changes["household"]["after"] == ujang_household.pk
    household = Household.objects.get(no_kk=KK_ASEP)
    assert (household.desil, household.version) == (2, 2)
    assert AuditEvent.objects.get(action="household.update").changes == {"desil": {"before": 1, "after": 2}}


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_separated_by_semicolons_or_commas_imports_alike(tmp_path, system, delimiter):
    rows = family()
    rows[0]["alamat"] = "Kp. Cipeuteuy; RT 001, RW 002"  # a separator inside a quoted cell
    for values in rows[:3]:
        values["alamat"] = rows[0]["alamat"]
    run = run_import(write_csv(tmp_path, rows, delimiter=delimiter), system)
    assert (run.rows_created, run.rows_rejected) == (4, 0)
    assert f"pemisah '{delimiter}'" in run.messages[0]
    assert Household.objects.get(no_kk=KK_ASEP).alamat == "Kp. Cipeuteuy; RT 001, RW 002"


def test_a_windows_1252_file_keeps_accented_names(tmp_path, system):
    rows = family()
    rows[1]["nama"] = "Ëneng Nurhayatí"
    path = write_csv(tmp_path, rows, encoding="cp1252")
    run = run_import(path, system)
    assert run.encoding == "cp1252" and "Windows-1252" in run.messages[0]
    euis = Person.objects.get(nik=NIK_EUIS)
    assert euis.name == "Ëneng Nurhayatí" and euis.name_normalized == "eneng nurhayati"


def test_a_utf8_file_with_a_byte_order_mark_reads_its_first_column(tmp_path, system):
    header = ["  ID_DTKS ", *COLUMNS[1:]]  # also: header names match whatever their case and spaces
    path = write_csv(tmp_path, family(), encoding="utf-8-sig", header=header)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    run = run_import(path, system)
    assert (run.rows_created, run.rows_rejected) == (4, 0)
    assert Household.objects.get(no_kk=KK_ASEP).id_dtks == "DTKS-3202192002-0001"
    assert not any("tidak dikenal" in message for message in run.messages)


def test_an_xlsx_file_imports_its_first_sheet_with_numbers_and_dates_as_spreadsheets_keep_them(tmp_path, system):
    header = list(COLUMNS)
    rows = []
    for values in family():
        cells = [values[c] for c in header]
        rows.append(cells)
    rows[0][header.index("nik")] = int(NIK_ASEP)  # a NIK typed as a number
    rows[0][header.index("tanggal_lahir")] = datetime.datetime(1980, 1, 20)  # a date cell
    rows[0][header.index("desil")] = 1
    rows[0][header.index("penghasilan_bulanan")] = 900000.0
    rows[3][header.index("nama")] = "=CONCAT(A1,B1)"  # a formula: rejected, never evaluated
    path = write_xlsx(tmp_path, [header, *rows, [None] * len(header)])
    run = run_import(path, system)
    assert run.file_format == "xlsx" and "XLSX" in run.messages[0]
    assert rejections(run) == [(5, "nama", "sel_formula")]
    assert (run.rows_read, run.rows_created) == (4, 3)
    asep = Person.objects.get(nik=NIK_ASEP)
    assert asep.birth_date == datetime.date(1980, 1, 20)
    assert asep.household.monthly_income == 900_000


def test_a_file_missing_a_required_column_is_refused_naming_it_and_nothing_is_written(tmp_path, system):
    header = [c for c in COLUMNS if c not in ("nik", "tanggal_lahir")]
    before = registry_state()
    run = run_import(write_csv(tmp_path, family(), header=header), system)
    assert run.status == "failed"
    assert "nik" in run.error and "tanggal_lahir" in run.error
    assert registry_state() == before
    assert AuditEvent.objects.get(action="registry.import").changes["status"]["after"] == "failed"


def test_income_without_basic_needs_cost_is_refused(tmp_path, system):
    header = [c for c in COLUMNS if c != "kebutuhan_dasar_bulanan"]
    run = run_import(write_csv(tmp_path, family(), header=header), system)
    assert run.status == "failed" and "kebutuhan_dasar_bulanan" in run.error


def test_a_duplicate_header_refuses_the_file_naming_it(tmp_path, system):
    header = [*COLUMNS, " NAMA"]
    run = run_import(write_csv(tmp_path, family(), header=header), system)
    assert run.status == "failed" and "nama" in run.error and not Person.objects.exists()


def test_unknown_extra_columns_are_kept_nowhere_and_reported_once(tmp_path, system):
    header = [*COLUMNS, "catatan", "no_hp"]
    rows = family()
    for values in rows:
        values.update(catatan="rahasia", no_hp="0812")
    run = run_import(write_csv(tmp_path, rows, header=header), system)
    assert run.rows_created == 4
    reported = [message for message in run.messages if "catatan" in message]
    assert reported == ["Kolom tidak dikenal diabaikan (tidak disimpan): catatan, no_hp."]
    assert not run.rejections.exists()


def test_an_absent_optional_column_leaves_that_field_as_it_was(tmp_path, system):
    run_import(write_csv(tmp_path, family(), name="lengkap.csv"), system)
    header = [c for c in COLUMNS if c not in ("pendidikan", "penghasilan_bulanan", "kebutuhan_dasar_bulanan")]
    rows = family()
    rows[0]["pendidikan"] = "S1"
    run = run_import(write_csv(tmp_path, rows, header=header, name="sebagian.csv"), system)
    assert (run.rows_unchanged, run.rows_updated) == (4, 0)
    assert Person.objects.get(nik=NIK_ASEP).education == "sd"
    assert Household.objects.get(no_kk=KK_ASEP).monthly_income == 900_000
    assert any("pendidikan" in message for message in run.messages)


def test_a_nik_with_an_unknown_kecamatan_prefix_is_a_warning_and_the_row_is_taken(tmp_path, system):
    nik = make_nik("32.02.99", datetime.date(1980, 1, 20), "L", 1)
    run = run_import(write_csv(tmp_path, [row(nik=nik)]), system)
    assert (run.rows_created, run.rows_rejected, run.warnings) == (1, 0, 1)
    warning = run.rejections.get()
    assert warning.warning and warning.code == "nik_kecamatan_tidak_dikenal" and warning.row == 2


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path, system):
    before = registry_state()
    rows = [*family(), row(desil="x")]
    rows[4]["nik"] = make_nik(KABANDUNGAN, datetime.date(1980, 1, 20), "L", 8)
    run = run_import(write_csv(tmp_path, rows), system, dry_run=True)
    assert run.status == "done" and run.dry_run
    assert (run.rows_read, run.rows_created, run.rows_rejected, run.households_created) == (5, 4, 1, 2)
    assert registry_state() == before
    assert any("dry run" in message for message in run.messages)


@pytest.mark.parametrize("writer", WRITERS)
def test_blank_rows_are_skipped_and_not_counted(tmp_path, system, writer):
    path = write_csv(tmp_path, [row(), {}, family()[3]])
    run = run_import(path, system, writer=writer)
    assert (run.rows_read, run.rows_created) == (2, 2)
    assert "1 baris kosong dilewati." in run.messages


def test_a_failure_in_the_middle_of_writing_leaves_the_registry_unchanged_and_the_run_failed(
    tmp_path, system, settings, monkeypatch
):
    settings.PENDAMPING = {**settings.PENDAMPING, "IMPORT_BATCH_SIZE": 2}
    original = imports.OrmWriter.write_batch
    calls = []

    def write_then_break(self, rows):
        calls.append(len(rows))
        original(self, rows)
        if len(calls) == 2:
            raise OSError("disk penuh")

    monkeypatch.setattr(imports.OrmWriter, "write_batch", write_then_break)
    run_import(write_csv(tmp_path, [family()[3]], name="awal.csv"), system, writer="orm")
    before = registry_state()
    rows = family()
    rows[3]["pekerjaan"] = "Pedagang"
    calls.clear()
    with pytest.raises(OSError, match="disk penuh"):
        run_import(write_csv(tmp_path, rows, name="besar.csv"), system, writer="orm")
    assert len(calls) == 2  # the first batches were written before it broke
    assert registry_state() == before
    run = ImportRun.objects.latest("id")
    assert run.status == "failed" and "disk penuh" in run.error and run.finished_at
    assert (run.rows_created, run.rows_updated) == (0, 0)


@pytest.mark.skipif(not ON_POSTGRES, reason="the set-based writer runs on PostgreSQL")
def test_a_failure_in_the_set_based_writer_leaves_the_registry_unchanged(tmp_path, system, monkeypatch):
    def broken(self):
        raise RuntimeError("koneksi putus")

    monkeypatch.setattr(imports.SqlWriter, "update_people", broken)  # after households and new people went in
    before = registry_state()
    with pytest.raises(RuntimeError):
        run_import(write_csv(tmp_path, family()), system, writer="sql")
    assert registry_state() == before
    assert ImportRun.objects.get().status == "failed"


def test_the_run_records_who_when_the_file_name_and_its_sha256(tmp_path, tksk_kabandungan):
    import hashlib

    path = write_csv(tmp_path, family(), name="Data Cipeuteuy.csv")
    run = run_import(path, tksk_kabandungan)
    run.refresh_from_db()
    assert run.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (run.file_name, run.actor, run.actor_username) == (
        "Data Cipeuteuy.csv",
        tksk_kabandungan,
        "tksk.kabandungan",
    )
    assert run.started_at and run.finished_at and run.file_size == path.stat().st_size
    assert run.totals_add_up


def test_a_user_without_the_import_capability_cannot_start_an_import(tmp_path, pengamat_sukabumi):
    from pendamping.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        run_import(write_csv(tmp_path, family()), pengamat_sukabumi)
    assert not ImportRun.objects.exists()


# --- the command ---------------------------------------------------------------------------------------------------
def test_the_command_imports_prints_the_totals_and_a_progress_bar(tmp_path, system):
    rows = [*family(), row(nik="123")]
    path = write_csv(tmp_path, rows)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_registry", str(path), stdout=out, stderr=err)
    printed = out.getvalue()
    assert "5 baris dibaca = 4 baru + 0 diperbarui + 0 tidak berubah + 1 ditolak" in printed
    assert "baris 6 [nik] nik_bukan_16_digit" in printed
    assert "baris/detik" in err.getvalue() and "[" in err.getvalue()
    assert Person.objects.count() == 4


def test_the_command_dry_run_writes_nothing_and_can_save_the_rejection_report(tmp_path, system):
    path = write_csv(tmp_path, [*family(), row(nik="123")])
    report = tmp_path / "ditolak.csv"
    out = io.StringIO()
    call_command("import_registry", str(path), "--dry-run", "--report", str(report), "--no-progress", stdout=out)
    assert "Uji coba" in out.getvalue() and not Person.objects.exists()
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "baris;kolom;kode;pesan;jenis"
    assert lines[1].startswith("6;nik;nik_bukan_16_digit;")


def test_the_command_fails_naming_the_missing_column_or_file(tmp_path, system):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import_registry", str(tmp_path / "tidak-ada.csv"))
    path = write_csv(tmp_path, family(), header=[c for c in COLUMNS if c != "no_kk"])
    with pytest.raises(CommandError, match="no_kk"):
        call_command("import_registry", str(path), "--no-progress", stdout=io.StringIO())


def test_the_command_imports_as_a_named_user_within_their_areas(tmp_path, tksk_kabandungan):
    rows = [row(), row(kode_desa=KALAPANUNGGAL_DESA, no_kk=KK_UJANG, nik=NIK_UJANG, tanggal_lahir="1975-09-30")]
    path = write_csv(tmp_path, rows)
    out = io.StringIO()
    call_command("import_registry", str(path), "--user", "tksk.kabandungan", "--no-progress", stdout=out)
    assert "1 ditolak" in out.getvalue() and "di_luar_wilayah" in out.getvalue()
    assert ImportRun.objects.get().actor == tksk_kabandungan


def test_the_rejection_report_defuses_cells_that_look_like_formulas():
    assert imports.safe_cell("=1+1") == "'=1+1"
    assert imports.safe_cell("-5") == "'-5"
    assert imports.safe_cell("Kolom nama berisi rumus") == "Kolom nama berisi rumus"


def test_checking_in_worker_processes_gives_the_same_outcome_as_in_one(tmp_path, system, settings, monkeypatch):
    settings.PENDAMPING = {**settings.PENDAMPING, "IMPORT_WORKERS": 2, "IMPORT_PARALLEL_MIN_ROWS": 1}
    monkeypatch.setattr(imports, "PARALLEL_CHUNK", 2)
    rows = [*family(), row(nik="123"), {}, {**family()[1], "nama": "Euis lagi"}]
    run = run_import(write_csv(tmp_path, rows), system)
    assert rejections(run) == [
        (3, "nik", "nik_ganda_dalam_berkas"),
        (6, "nik", "nik_bukan_16_digit"),
        (8, "nik", "nik_ganda_dalam_berkas"),
    ]
    assert (run.rows_read, run.rows_created, run.rows_rejected) == (6, 3, 3)
    assert "1 baris kosong dilewati." in run.messages


def test_a_nul_character_in_a_cell_rejects_that_row_only(tmp_path, system):
    rows = [*family(), {**family()[0], "alamat": "Kp. Cipeuteuy\x00RT 1"}]
    run = run_import(write_csv(tmp_path, rows[1:]), system)
    assert ("alamat", "karakter_nul") in [(column, code) for _row, column, code in rejections(run)]
    assert run.rows_created >= 1 and run.rows_rejected >= 1
