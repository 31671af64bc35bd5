"""The fast path of a CSV import (imports.FastPath) agrees with the rules (RowChecker, nik.py,
rules.py): a row the fast path stages is a row RowChecker takes, without a problem or a warning, staged with the
same values; every other row is left to RowChecker, which alone writes the reasons. Random rows near the edges of
every rule (hypothesis) check the agreement; whole imports with the fast path on and off give the same records and
the same rejections."""

import datetime

from django.utils import timezone
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from pendamping.registry import imports
from pendamping.registry.imports import COLUMNS, FastPath, RowChecker, read_header
from pendamping.registry.models import Person
from pendamping.registry.nik import make_kk, make_nik
from tests.conftest import CIPEUTEUY
from tests.registry.test_import import KABANDUNGAN, KALAPANUNGGAL_DESA, family, rejections, row, run_import, write_csv

TODAY = timezone.localdate()
UNKNOWN_KECAMATAN = "32.99.99"


def fast_staged(header_cells: list[str], rows: list[list[str]], *, actor_codes=None) -> tuple[RowChecker, dict]:
    """RowChecker for the header, and what the fast path stages of the rows: {row number: staged tuple}."""
    header = read_header(header_cells)
    checker = RowChecker(header, actor_codes=actor_codes, today=TODAY)
    fast = FastPath(header, checker)
    staged = {}
    for number, cells in enumerate(rows, start=2):
        result = fast.stage([*cells, ""]) if len(cells) == header.width else None
        if result is not None:
            staged[number] = result
            # copy_lines gives FastPath.line only lines without quotes, backslashes or tabs (so no line break either)
            if not any(mark in cell for cell in cells for mark in ("\\", "\t", "\n", "\r")):
                line = fast.line(number, [*cells, ""])
                assert line == "\t".join(imports._copy_text(value) for value in (number, *result)) + "\n"
    return checker, staged


def assert_agree(checker: RowChecker, rows: list[list[str]], staged: dict) -> None:
    for number, cells in enumerate(rows, start=2):
        if number not in staged:
            continue  # left to RowChecker: always right
        result = checker.check(list(cells))
        assert result.problems == [], (cells, result.problems)
        assert result.warnings == [], (cells, result.warnings)
        assert result.stage == staged[number], cells


def cells_of(values: dict) -> list[str]:
    return [values.get(column, "") for column in COLUMNS]


def test_a_plain_valid_row_is_staged_by_the_sql_as_the_python_rules_stage_it(db, areas):
    born = datetime.date(1990, 2, 28)
    plain = row(
        nik=make_nik(KABANDUNGAN, born, "P", 7),
        nama="Euis Komariah",
        jenis_kelamin="P",
        tanggal_lahir="28-02-1990",
        hubungan_keluarga="suami_istri",
        status_kawin="kawin",
        pendidikan="sd",
        status_pkh="graduasi_alamiah",
        penghasilan_bulanan="900000",
        alamat="  Kp. Cipeuteuy RT 001/002 ",
    )
    rows = [cells_of(plain), cells_of({**plain, "nik": make_nik(KABANDUNGAN, born, "L", 8), "jenis_kelamin": "L"})]
    checker, staged = fast_staged(list(COLUMNS), rows)
    assert set(staged) == {2, 3}  # the fast path took both: the test below is not comparing nothing
    assert (
        staged[2][imports.STAGE_NAMES.index("alamat") - 1] == "Kp. Cipeuteuy RT 001/002"
    )  # stripped as cell_text strips
    assert_agree(checker, rows, staged)


def test_labels_aliases_and_rejected_rows_are_left_to_the_python_rules(db, areas):
    rows = [
        cells_of(row()),  # labels: "Kepala Keluarga", "Kawin", "SD", "900.000"
        cells_of(row(hubungan_keluarga="kepala_keluarga", status_kawin="kawin", pendidikan="sd", nik="123")),
        cells_of(row(jenis_kelamin="P", hubungan_keluarga="kepala_keluarga", status_kawin="kawin", pendidikan="sd")),
    ]
    _checker, staged = fast_staged(list(COLUMNS), rows)
    assert staged == {}


def test_a_desa_outside_the_actors_areas_is_left_to_the_python_rules(db, areas):
    plain = {
        **row(hubungan_keluarga="kepala_keluarga", status_kawin="kawin", pendidikan="sd", status_pkh=""),
        "penghasilan_bulanan": "900000",
    }
    rows = [cells_of(plain), cells_of({**plain, "kode_desa": KALAPANUNGGAL_DESA})]
    _checker, staged = fast_staged(list(COLUMNS), rows, actor_codes=[KABANDUNGAN])
    assert set(staged) == {2}


# --- random rows -------------------------------------------------------------------------------------------------
EDGE_DATES = [
    TODAY,
    TODAY - datetime.timedelta(days=1),
    datetime.date(TODAY.year - 110, TODAY.month, min(TODAY.day, 28)),
    datetime.date(TODAY.year - 109, 1, 1),
    datetime.date(TODAY.year - 111, 12, 31),
    datetime.date(2000, 2, 29),
    datetime.date(1996, 2, 29),
    datetime.date(1999, 12, 31),
]
BIRTH = st.one_of(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)), st.sampled_from(EDGE_DATES)
)
TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=8)
FREE = st.one_of(
    st.sampled_from(["", "Kp. Cipeuteuy", "  Cikaret ", "=SUM(A1)", " =1", "+62", "\xa0Babakan\u2003", "\x1cX"]),
    TEXT,
    st.integers(45, 210).map(lambda n: "a" * n),
)


def fixed(values: list[str]):
    return st.one_of(st.sampled_from(values), TEXT)


PLAIN_NAME = st.from_regex(r"[A-Za-z]{1,6}( [A-Za-z]{1,6}){0,2}", fullmatch=True)
PERTURBABLE = (*COLUMNS, "born", "sex")


@st.composite
def random_row(draw) -> list[str]:
    """A plainly valid row with up to three of its values (or the birth date behind the NIK) drawn near an edge."""
    odd = draw(st.sets(st.sampled_from(PERTURBABLE), max_size=3))

    def pick(column: str, plain, weird):
        return draw(weird if column in odd else plain)

    born = pick(
        "born",
        st.dates(min_value=datetime.date(TODAY.year - 100, 1, 1), max_value=TODAY - datetime.timedelta(days=2)),
        BIRTH,
    )
    sex = pick("sex", st.sampled_from("LP"), st.sampled_from("LP"))
    nik = make_nik(KABANDUNGAN, born, sex, draw(st.integers(1, 9999)))
    nik = pick(
        "nik",
        st.just(nik),
        st.one_of(
            st.sampled_from(
                [
                    nik[:15],
                    nik + "1",
                    " " + nik,
                    "'" + nik,
                    nik[:4] + "." + nik[4:],
                    nik[:6] + "00" + nik[8:],
                    nik[:12] + "0000",
                    make_nik(UNKNOWN_KECAMATAN, born, sex, 1),
                ]
            ),
            st.from_regex(r"[0-9]{16}", fullmatch=True),
        ),
    )
    other_century = born.year % 100 + (2000 if born.year < 2000 else 1900)
    shifted = born.replace(year=other_century) if (born.month, born.day) != (2, 29) else born
    date_text = pick(
        "tanggal_lahir",
        st.sampled_from([born.isoformat(), born.strftime("%d-%m-%Y")]),
        st.one_of(
            st.sampled_from(
                [
                    born.strftime("%Y/%m/%d"),
                    f"{born.day}-{born.month}-{born.year}",
                    (born + datetime.timedelta(days=1)).isoformat(),
                    shifted.isoformat(),
                    "",
                    "2000-02-30",
                    "31-04-1990",
                    "0000-00-00",
                    "1990-13-01",
                    " " + born.isoformat(),
                ]
            ),
            st.from_regex(r"[0-9]{2}-[0-9]{2}-[0-9]{4}", fullmatch=True),
        ),
    )
    kk = make_kk(KABANDUNGAN, datetime.date(2015, 3, 4), 12)
    vocab = {name: sorted(imports.fast_values(name)) for name in imports.VOCABS}
    values = {
        "id_dtks": pick("id_dtks", st.sampled_from(["", "DTKS-1"]), FREE),
        "kode_desa": pick(
            "kode_desa",
            st.just(CIPEUTEUY),
            st.sampled_from([KALAPANUNGGAL_DESA, "32.02.19.9999", " " + CIPEUTEUY, ""]),
        ),
        "alamat": pick("alamat", st.sampled_from(["", "Kp. Cipeuteuy RT 001/002"]), FREE),
        "dusun": pick("dusun", st.sampled_from(["", "Cikaret"]), FREE),
        "rt": pick("rt", st.sampled_from(["", "1", "01", "001"]), fixed(["1234", " 1", "a", "\u0663", "-1"])),
        "rw": pick("rw", st.sampled_from(["", "2", "002"]), fixed(["0002", "2 "])),
        "no_kk": pick(
            "no_kk",
            st.just(kk),
            st.sampled_from(
                [kk[:15], " " + kk, kk[:12] + "0000", make_kk(UNKNOWN_KECAMATAN, datetime.date(2015, 3, 4), 1)]
            ),
        ),
        "nik": nik,
        "nama": pick(
            "nama",
            PLAIN_NAME,
            st.one_of(
                st.sampled_from(["Asep  Suhendar", " Asep", "Hj. Imas", "\u00cblis", "A" * 151, "", "=A1"]), TEXT
            ),
        ),
        "tempat_lahir": pick("tempat_lahir", st.sampled_from(["", "Sukabumi"]), FREE),
        "tanggal_lahir": date_text,
        "jenis_kelamin": pick("jenis_kelamin", st.just(sex), fixed(["L", "P", "l", "Laki-laki", "", "X"])),
        "hubungan_keluarga": pick(
            "hubungan_keluarga", st.sampled_from(vocab["relation"]), fixed(["", "Kepala Keluarga", "istri"])
        ),
        "status_kawin": pick("status_kawin", st.sampled_from(vocab["marital_status"]), fixed(["Kawin", "x"])),
        "pendidikan": pick("pendidikan", st.sampled_from(vocab["education"]), fixed(["SLTA", "SD", "s2"])),
        "pekerjaan": pick("pekerjaan", st.sampled_from(["", "Petani"]), FREE),
        "desil": pick("desil", st.sampled_from(["", "1", "10"]), fixed(["11", "0", "01", " 3", "3.0", "-1"])),
        "status_pkh": pick("status_pkh", st.sampled_from(vocab["pkh_status"]), fixed(["Aktif", "bukan"])),
        "penghasilan_bulanan": pick(
            "penghasilan_bulanan",
            st.sampled_from(["", "0", "900000", "999999999999", "1000000", "1800000", "1799999", "1800001"]),
            fixed(["900.000", "Rp900000", "1000000000000", "-5", "007"]),
        ),
        "kebutuhan_dasar_bulanan": pick(
            "kebutuhan_dasar_bulanan",
            st.sampled_from(["", "0", "1000000", "2000000", "1", "999999999999"]),
            fixed(["2.000.000", " 1"]),
        ),
    }
    return cells_of(values)


def test_the_random_rows_include_rows_the_fast_path_stages(db, areas):
    """Otherwise the agreement tests below would compare nothing."""
    header = read_header(list(COLUMNS))
    fast = FastPath(header, RowChecker(header, actor_codes=None, today=TODAY))
    find(
        random_row(),
        lambda cells: fast.stage([*cells, ""]) is not None,
        settings=settings(max_examples=5000, database=None, suppress_health_check=list(HealthCheck)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(random_row(), min_size=1, max_size=25))
def test_on_random_rows_what_the_fast_path_stages_the_rules_take_and_stage_alike(db, areas, rows):
    checker, staged = fast_staged(list(COLUMNS), rows)
    assert_agree(checker, rows, staged)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(random_row(), min_size=1, max_size=10),
    absent=st.sets(st.sampled_from([c for c in COLUMNS if c not in imports.REQUIRED]), max_size=6),
)
def test_with_optional_columns_absent_the_fast_path_and_the_rules_still_agree(db, areas, rows, absent):
    if "penghasilan_bulanan" in absent or "kebutuhan_dasar_bulanan" in absent:
        absent |= {"penghasilan_bulanan", "kebutuhan_dasar_bulanan"}
    keep = [position for position, column in enumerate(COLUMNS) if column not in absent]
    header = ["Kolom Lain", *[COLUMNS[position] for position in keep]]
    rows = [["x", *[cells[position] for position in keep]] for cells in rows]
    checker, staged = fast_staged(header, rows, actor_codes=[KABANDUNGAN])
    assert_agree(checker, rows, staged)


# --- whole imports -----------------------------------------------------------------------------------------------
def registry_rows() -> list[tuple]:
    return list(
        Person.objects.order_by("nik").values_list(
            "nik",
            "name",
            "name_normalized",
            "sex",
            "birth_date",
            "relation",
            "marital_status",
            "education",
            "household__no_kk",
            "household__desa_id",
            "household__rt",
            "household__desil",
            "household__poverty_class",
            "household__monthly_income",
        )
    )


def test_an_import_with_the_fast_path_gives_what_the_python_rules_alone_give(tmp_path, areas, system, settings):
    plain = [
        {
            **values,
            "hubungan_keluarga": {"Kepala Keluarga": "kepala_keluarga", "istri": "suami_istri", "Anak": "anak"}[
                values["hubungan_keluarga"]
            ],
            "status_kawin": "",
            "pendidikan": "sd",
            "status_pkh": "",
        }
        for values in family()
    ]
    for values in plain:
        values["penghasilan_bulanan"] = values["penghasilan_bulanan"].replace(".", "")
    rows = [
        *plain,
        row(nik=plain[0]["nik"], no_kk=make_kk(KABANDUNGAN, datetime.date(2019, 1, 1), 3)),  # NIK twice
        row(no_kk=make_kk(KABANDUNGAN, datetime.date(2019, 1, 1), 4), nik="3202190101900000"),
        row(kode_desa="32.02.19.9999", nik=make_nik(KABANDUNGAN, datetime.date(1970, 1, 1), "L", 9)),
        {**plain[1], "nik": make_nik(KABANDUNGAN, datetime.date(1983, 5, 12), "P", 11), "alamat": "lain"},  # KK differs
        {**plain[3], "nik": make_nik(UNKNOWN_KECAMATAN, datetime.date(1990, 1, 1), "L", 5)},  # warning only
    ]
    path = write_csv(tmp_path, rows)
    results = {}
    for fast in ("fast", "fast in two worker processes", "python"):
        settings.PENDAMPING = {
            **settings.PENDAMPING,
            "IMPORT_FAST_PATH": fast != "python",
            "IMPORT_WORKERS": 2 if "worker" in fast else 1,
            "IMPORT_PARALLEL_MIN_ROWS": 1,
        }
        run = run_import(path, system, dry_run=False)
        messages = list(run.rejections.order_by("row", "id").values_list("row", "column", "code", "message", "warning"))
        results[fast] = (run.rows_created, run.rows_rejected, run.warnings, messages, registry_rows(), rejections(run))
        Person.objects.all().delete()
        from pendamping.registry.models import Household, KkHistory

        KkHistory.objects.all().delete()
        Household.objects.all().delete()
    assert results["fast"][0] > 0 and results["fast"][1] > 0, (run.error, results)
    assert results["fast"] == results["python"]
    assert results["fast in two worker processes"] == results["python"]
