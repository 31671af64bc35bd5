"""NIK and No. KK rules, in one place for forms, imports and the Puskesos desk.

NIK: PP KK CC DDMMYY SSSS. The first six digits are the kecamatan where it was first issued (it does not move with
the person); DD is the day of birth plus 40 for women (41-71); then month, two-digit year, serial from 0001. The
century is the one that gives an age from 0 to 110 today (when both do, the entered birth date decides; without one
the younger reading is taken). A prefix that is not a known kecamatan code is a warning, not a rejection: codes are
re-issued and areas split.

No. KK: 16 digits, the first six a kecamatan code.

Every problem has a stable code (used as the reason code of import rejections) and a message in Bahasa Indonesia.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

MAX_AGE = 110
DIGITS_16 = re.compile(r"^\d{16}$")


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


@dataclass(frozen=True)
class NikInfo:
    """What a NIK says of its holder."""

    nik: str
    kecamatan_code: str
    sex: str  # "L" or "P"
    birth_dates: tuple[datetime.date, ...]  # the readings within 0-110 years, youngest first
    serial: str

    @property
    def birth_date(self) -> datetime.date:
        return self.birth_dates[0]


@dataclass
class Check:
    """The outcome of checking an identity number: errors refuse the record, warnings are shown but allowed."""

    value: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    info: NikInfo | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_number(value) -> str:
    """A number as typed or as a spreadsheet keeps it: spaces, dots, dashes and a leading apostrophe removed."""
    text = "" if value is None else str(value).strip()
    text = text.lstrip("'")
    text = re.sub(r"^(\d+)\.0+$", r"\1", text)  # a number cell of a spreadsheet read as 3202194101900001.0
    return re.sub(r"[\s.\-]", "", text)


def kecamatan_code_of(number: str) -> str:
    """ "320219..." → "32.02.19"."""
    return f"{number[0:2]}.{number[2:4]}.{number[4:6]}"


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _age(born: datetime.date, today: datetime.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _shape_problem(raw, number: str, label: str, prefix: str) -> Problem | None:
    if not number:
        return Problem(f"{prefix}_kosong", f"{label} kosong")
    if re.fullmatch(r"\d+([.,]\d+)?[eE]\+?\d+", str(raw).strip()):
        return Problem(
            f"{prefix}_format_ilmiah",
            f"{label} {str(raw).strip()} tertulis sebagai angka ilmiah (digit terakhir hilang di spreadsheet); "
            "simpan kolom sebagai teks",
        )
    if not DIGITS_16.match(number):
        return Problem(
            f"{prefix}_bukan_16_digit", f"{label} {number} harus 16 digit angka (ada {len(number)} karakter)"
        )
    return None


def parse_nik(raw, *, today: datetime.date | None = None) -> NikInfo | Problem:
    """Read a NIK; a Problem when it cannot be a NIK at all."""
    number = clean_number(raw)
    shape = _shape_problem(raw, number, "NIK", "nik")
    if shape:
        return shape
    day, month, year = int(number[6:8]), int(number[8:10]), int(number[10:12])
    sex = "P" if day > 40 else "L"
    if sex == "P":
        day -= 40
    if number[12:] == "0000":
        return Problem("nik_nomor_urut_tidak_sah", f"NIK {number}: nomor urut 0000 tidak sah (mulai dari 0001)")
    today = _today(today)
    readings = []
    dates = 0
    for century in (2000, 1900):
        try:
            born = datetime.date(century + year, month, day)
        except ValueError:
            continue  # 29 February of "00" is a date in 2000 but not in 1900
        dates += 1
        if born <= today and _age(born, today) <= MAX_AGE:
            readings.append(born)
    if not dates:
        return Problem(
            "nik_tanggal_tidak_sah",
            f"NIK {number}: bagian tanggal {number[6:12]} bukan tanggal yang sah",
        )
    if not readings:
        return Problem(
            "nik_umur_di_luar_rentang",
            f"NIK {number}: tanggal lahir {number[6:12]} memberi umur di luar 0-{MAX_AGE} tahun",
        )
    return NikInfo(
        nik=number, kecamatan_code=kecamatan_code_of(number), sex=sex, birth_dates=tuple(readings), serial=number[12:]
    )


def check_nik(
    raw,
    *,
    sex: str | None = None,
    birth_date: datetime.date | None = None,
    kecamatan_known: Callable[[str], bool] | None = None,
    today: datetime.date | None = None,
) -> Check:
    """Check a NIK against the sex and birth date entered with it, and its prefix against the known kecamatan."""
    result = Check(value=clean_number(raw))
    parsed = parse_nik(raw, today=today)
    if isinstance(parsed, Problem):
        result.errors.append(parsed)
        return result
    result.info = parsed
    if sex and sex != parsed.sex:
        said = "perempuan" if parsed.sex == "P" else "laki-laki"
        result.errors.append(
            Problem(
                "nik_jenis_kelamin_tidak_cocok",
                f"NIK {parsed.nik} menunjukkan {said}, tetapi jenis kelamin yang diisi {sex}",
            )
        )
    if birth_date and birth_date not in parsed.birth_dates:
        result.errors.append(
            Problem(
                "nik_tanggal_lahir_tidak_cocok",
                f"NIK {parsed.nik} menunjukkan lahir {parsed.birth_date:%d-%m-%Y}, "
                f"tetapi tanggal lahir yang diisi {birth_date:%d-%m-%Y}",
            )
        )
    if kecamatan_known and not kecamatan_known(parsed.kecamatan_code):
        result.warnings.append(
            Problem(
                "nik_kecamatan_tidak_dikenal",
                f"NIK {parsed.nik}: awalan {parsed.kecamatan_code} bukan kode kecamatan yang dikenal "
                "(mungkin kode lama); tetap diterima",
            )
        )
    return result


def check_kk(raw, *, kecamatan_known: Callable[[str], bool] | None = None) -> Check:
    """Check a No. KK: 16 digits, the first six a kecamatan code (an unknown one is a warning)."""
    result = Check(value=clean_number(raw))
    shape = _shape_problem(raw, result.value, "No. KK", "kk")
    if shape:
        result.errors.append(shape)
        return result
    if result.value[12:] == "0000":
        result.errors.append(Problem("kk_nomor_urut_tidak_sah", f"No. KK {result.value}: nomor urut 0000 tidak sah"))
    code = kecamatan_code_of(result.value)
    if kecamatan_known and not kecamatan_known(code):
        result.warnings.append(
            Problem(
                "kk_kecamatan_tidak_dikenal",
                f"No. KK {result.value}: awalan {code} bukan kode kecamatan yang dikenal; tetap diterima",
            )
        )
    return result


def make_nik(kecamatan_code: str, birth_date: datetime.date, sex: str, serial: int) -> str:
    """The NIK a person born on that date would get (for demo data and tests)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{kecamatan_code.replace('.', '')}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def make_kk(kecamatan_code: str, issued: datetime.date, serial: int) -> str:
    """A No. KK in the usual shape: kecamatan, date of issue DDMMYY, serial."""
    return f"{kecamatan_code.replace('.', '')}{issued:%d%m%y}{serial:04d}"
