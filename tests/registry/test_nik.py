"""NIK and No. KK rules: what a number says of its holder, and every way a number is refused or warned about."""

import datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pendamping.registry.nik import check_kk, check_nik, clean_number, make_kk, make_nik, parse_nik

TODAY = datetime.date(2026, 11, 28)
KABANDUNGAN = "32.02.19"
KNOWN = {KABANDUNGAN, "32.02.18"}


def known(code: str) -> bool:
    return code in KNOWN


def codes(problems) -> list[str]:
    return [p.code for p in problems]


birth_dates = st.dates(
    min_value=datetime.date(TODAY.year - 110, TODAY.month, TODAY.day) + datetime.timedelta(days=1), max_value=TODAY
)


@given(born=birth_dates, sex=st.sampled_from("LP"), serial=st.integers(1, 9999))
@example(born=datetime.date(2000, 2, 29), sex="L", serial=1)
@example(born=datetime.date(2000, 2, 29), sex="P", serial=9999)
@example(born=TODAY, sex="P", serial=1)
def test_a_valid_nik_gives_back_the_sex_and_birth_date_of_anyone_aged_0_to_110(born, sex, serial):
    nik = make_nik(KABANDUNGAN, born, sex, serial)
    info = parse_nik(nik, today=TODAY)
    assert info.sex == sex
    assert born in info.birth_dates
    assert info.kecamatan_code == KABANDUNGAN
    check = check_nik(nik, sex=sex, birth_date=born, kecamatan_known=known, today=TODAY)
    assert check.ok and not check.warnings, check.errors


@given(born=birth_dates, serial=st.integers(1, 9999))
def test_a_womans_nik_carries_her_day_of_birth_plus_40(born, serial):
    woman, man = make_nik(KABANDUNGAN, born, "P", serial), make_nik(KABANDUNGAN, born, "L", serial)
    assert int(woman[6:8]) == born.day + 40 and int(man[6:8]) == born.day
    assert 41 <= int(woman[6:8]) <= 71
    assert woman[8:] == man[8:]
    assert parse_nik(woman, today=TODAY).sex == "P" and parse_nik(man, today=TODAY).sex == "L"


def test_29_february_2000_is_a_birth_date_though_1900_was_no_leap_year():
    nik = make_nik(KABANDUNGAN, datetime.date(2000, 2, 29), "P", 12)
    assert nik == "3202196902000012"
    assert parse_nik(nik, today=TODAY).birth_dates == (datetime.date(2000, 2, 29),)


@pytest.mark.parametrize(
    "nik",
    [
        "3202193102850001",  # 31 February
        "3202190013850001",  # day 00, month 13
        "3202193206850001",  # day 32
        "3202197201850001",  # a woman born on the 32nd (72 - 40)
        "3202194001850001",  # day 40: neither a man's day nor a woman's
        "3202192902010001",  # 29 February 2001 and 1901: no leap year either way
    ],
)
def test_a_date_that_does_not_exist_is_refused(nik):
    check = check_nik(nik, today=TODAY)
    assert codes(check.errors) == ["nik_tanggal_tidak_sah"]
    assert nik in check.errors[0].message


@pytest.mark.parametrize("raw", ["320219120385001", "32021912038500011", "3202191203850O01", "3202-1912-0385"])
def test_a_nik_that_is_not_16_digits_is_refused_with_its_length(raw):
    check = check_nik(raw, today=TODAY)
    assert codes(check.errors) == ["nik_bukan_16_digit"]
    assert str(len(clean_number(raw))) in check.errors[0].message


@pytest.mark.parametrize("raw", ["3.20219E+15", "3,20219E+15", "3.202191203850E15", "3E+15"])
def test_a_nik_mangled_by_excel_into_scientific_notation_says_so(raw):
    check = check_nik(raw, today=TODAY)
    assert codes(check.errors) == ["nik_format_ilmiah"]
    assert raw in check.errors[0].message and "teks" in check.errors[0].message


def test_an_empty_nik_is_refused():
    assert codes(check_nik("  ", today=TODAY).errors) == ["nik_kosong"]


def test_serial_0000_is_refused():
    check = check_nik("3202191203850000", today=TODAY)
    assert codes(check.errors) == ["nik_nomor_urut_tidak_sah"]


def test_a_sex_that_disagrees_with_the_nik_is_an_error_naming_both():
    nik = make_nik(KABANDUNGAN, datetime.date(1985, 3, 12), "P", 7)
    check = check_nik(nik, sex="L", birth_date=datetime.date(1985, 3, 12), today=TODAY)
    assert codes(check.errors) == ["nik_jenis_kelamin_tidak_cocok"]
    assert nik in check.errors[0].message and "perempuan" in check.errors[0].message


def test_a_birth_date_that_disagrees_with_the_nik_is_an_error_naming_both_dates():
    nik = make_nik(KABANDUNGAN, datetime.date(1985, 3, 12), "L", 7)
    check = check_nik(nik, sex="L", birth_date=datetime.date(1985, 3, 21), today=TODAY)
    assert codes(check.errors) == ["nik_tanggal_lahir_tidak_cocok"]
    assert "12-03-1985" in check.errors[0].message and "21-03-1985" in check.errors[0].message


def test_sex_and_birth_date_both_wrong_give_two_errors():
    nik = make_nik(KABANDUNGAN, datetime.date(1985, 3, 12), "L", 7)
    check = check_nik(nik, sex="P", birth_date=datetime.date(1990, 1, 1), today=TODAY)
    assert codes(check.errors) == ["nik_jenis_kelamin_tidak_cocok", "nik_tanggal_lahir_tidak_cocok"]


def test_an_unknown_kecamatan_prefix_is_a_warning_not_an_error():
    nik = make_nik("32.02.99", datetime.date(1985, 3, 12), "L", 7)
    check = check_nik(nik, sex="L", birth_date=datetime.date(1985, 3, 12), kecamatan_known=known, today=TODAY)
    assert check.ok
    assert codes(check.warnings) == ["nik_kecamatan_tidak_dikenal"]
    assert "32.02.99" in check.warnings[0].message


def test_when_two_centuries_fit_the_entered_birth_date_decides_and_the_younger_is_the_default():
    nik = make_nik(KABANDUNGAN, datetime.date(1920, 6, 1), "L", 3)  # 1920 (106 years) or 2020 (6 years)
    info = parse_nik(nik, today=TODAY)
    assert info.birth_dates == (datetime.date(2020, 6, 1), datetime.date(1920, 6, 1))
    assert info.birth_date == datetime.date(2020, 6, 1)
    for born in info.birth_dates:
        assert check_nik(nik, sex="L", birth_date=born, today=TODAY).ok


def test_only_the_century_giving_an_age_of_0_to_110_is_read():
    future_then_old = make_nik(KABANDUNGAN, datetime.date(1927, 1, 5), "L", 1)  # 2027 is still to come
    assert parse_nik(future_then_old, today=TODAY).birth_dates == (datetime.date(1927, 1, 5),)
    too_old = make_nik(KABANDUNGAN, datetime.date(1915, 1, 5), "L", 1)  # 111 years old, or born 2015
    assert parse_nik(too_old, today=TODAY).birth_dates == (datetime.date(2015, 1, 5),)
    assert codes(check_nik(too_old, today=datetime.date(2130, 1, 1)).errors) == ["nik_umur_di_luar_rentang"]


def test_numbers_are_read_as_typed_or_as_a_spreadsheet_keeps_them():
    assert clean_number(" '3202.1912-0385 0001 ") == "3202191203850001"
    assert clean_number(None) == ""
    assert check_nik("'3202191203850001", today=TODAY).ok


def test_a_kk_is_16_digits_with_a_kecamatan_prefix_warned_about_when_unknown():
    kk = make_kk(KABANDUNGAN, datetime.date(2015, 11, 1), 23)
    assert kk == "3202190111150023"
    assert check_kk(kk, kecamatan_known=known).ok and not check_kk(kk, kecamatan_known=known).warnings
    assert codes(check_kk("3202190111150000").errors) == ["kk_nomor_urut_tidak_sah"]
    assert codes(check_kk("32021901111500").errors) == ["kk_bukan_16_digit"]
    assert codes(check_kk("3.20219E+15").errors) == ["kk_format_ilmiah"]
    unknown = check_kk("3299990111150023", kecamatan_known=known)
    assert unknown.ok and codes(unknown.warnings) == ["kk_kecamatan_tidak_dikenal"]
