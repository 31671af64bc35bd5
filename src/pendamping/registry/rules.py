"""The rules a household or a person must meet, shared by the forms (through the services) and the import.

Each function returns problems as (field, Problem) pairs; the services turn them into a ValidationError, the
import into rejected rows with the same reason codes. No database access here: what must be looked up (known desa,
known kecamatan) is passed in.
"""

import datetime
import re
from collections.abc import Callable

from django.utils import timezone

from . import nik as nik_rules
from .nik import Problem
from .vocab import BasicNeed, Disability, Education, MaritalStatus, PkhStatus, Relation, Sex

DESIL_PERIOD = re.compile(r"^\d{4}-Q[1-4]$")
RT_RW = re.compile(r"^\d{1,3}$")
MAX_RUPIAH = 10**12

FieldProblem = tuple[str, Problem]

# The values of each fixed list, read once: TextChoices.values builds a new list on every access, which made these
# checks the slowest part of a large import.
VALUES = {
    choices: frozenset(choices.values)
    for choices in (PkhStatus, BasicNeed, Sex, Relation, MaritalStatus, Education, Disability)
}


def household_problems(values: dict, *, desa_known: Callable[[str], bool]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    kk = nik_rules.check_kk(values.get("no_kk"))
    problems += [("no_kk", p) for p in kk.errors]
    desa_code = values.get("desa_code") or ""
    if not desa_code:
        problems.append(("desa_code", Problem("desa_kosong", "Kode desa kosong")))
    elif not desa_known(desa_code):
        problems.append(("desa_code", Problem("desa_tidak_dikenal", f"Kode desa {desa_code} tidak dikenal")))
    for name in ("rt", "rw"):
        value = values.get(name) or ""
        if value and not RT_RW.match(value):
            problems.append((name, Problem(f"{name}_tidak_sah", f"{name.upper()} {value!r} harus 1-3 digit angka")))
    desil = values.get("desil")
    if desil is not None and not (isinstance(desil, int) and 1 <= desil <= 10):
        problems.append(("desil", Problem("desil_tidak_sah", f"Desil {desil} harus angka 1 sampai 10")))
    period = values.get("desil_period") or ""
    if period and not DESIL_PERIOD.match(period):
        problems.append(
            ("desil_period", Problem("periode_desil_tidak_sah", f"Periode desil {period!r} harus seperti 2026-Q3"))
        )
    pkh = values.get("pkh_status") or ""
    if pkh not in VALUES[PkhStatus]:
        problems.append(("pkh_status", Problem("status_pkh_tidak_dikenal", f"Status PKH {pkh!r} tidak dikenal")))
    year = values.get("kube_aid_year")
    this_year = timezone.localdate().year
    if year is not None and not (isinstance(year, int) and 1980 <= year <= this_year):
        problems.append(
            ("kube_aid_year", Problem("tahun_kube_tidak_sah", f"Tahun bantuan KUBE {year} harus 1980-{this_year}"))
        )
    for name, label in (("monthly_income", "Penghasilan bulanan"), ("basic_needs_cost", "Kebutuhan dasar bulanan")):
        amount = values.get(name)
        if amount is not None and not (isinstance(amount, int) and 0 <= amount < MAX_RUPIAH):
            problems.append((name, Problem("rupiah_tidak_sah", f"{label} {amount} harus Rupiah bulat, tidak negatif")))
    unknown = [need for need in values.get("unmet_needs") or [] if need not in VALUES[BasicNeed]]
    if unknown:
        problems.append(
            ("unmet_needs", Problem("kebutuhan_tidak_dikenal", f"Kebutuhan dasar tidak dikenal: {', '.join(unknown)}"))
        )
    return problems


def person_problems(
    values: dict, *, kecamatan_known: Callable[[str], bool] | None = None, today: datetime.date | None = None
) -> tuple[list[FieldProblem], list[FieldProblem]]:
    """(errors, warnings) of a person's values."""
    errors: list[FieldProblem] = []
    today = today or timezone.localdate()
    name = (values.get("name") or "").strip()
    if not name:
        errors.append(("name", Problem("nama_kosong", "Nama kosong")))
    elif len(name) > 150:
        errors.append(("name", Problem("nama_terlalu_panjang", f"Nama lebih dari 150 karakter ({len(name)})")))
    sex = values.get("sex") or ""
    if sex not in VALUES[Sex]:
        errors.append(("sex", Problem("jenis_kelamin_tidak_sah", f"Jenis kelamin {sex!r} harus L atau P")))
        sex = ""
    birth_date = values.get("birth_date")
    if birth_date is None:
        errors.append(("birth_date", Problem("tanggal_lahir_kosong", "Tanggal lahir kosong")))
    elif birth_date > today:
        errors.append(
            ("birth_date", Problem("tanggal_lahir_masa_depan", f"Tanggal lahir {birth_date:%d-%m-%Y} di masa depan"))
        )
        birth_date = None
    check = nik_rules.check_nik(
        values.get("nik"), sex=sex or None, birth_date=birth_date, kecamatan_known=kecamatan_known, today=today
    )
    errors += [("nik", p) for p in check.errors]
    warnings = [("nik", p) for p in check.warnings]
    for field, choices, code, label in (
        ("relation", Relation, "hubungan_tidak_dikenal", "Hubungan keluarga"),
        ("marital_status", MaritalStatus, "status_kawin_tidak_dikenal", "Status kawin"),
        ("education", Education, "pendidikan_tidak_dikenal", "Pendidikan"),
        ("disability", Disability, "disabilitas_tidak_dikenal", "Disabilitas"),
    ):
        value = values.get(field) or ""
        required = field == "relation"
        if (required and not value) or (value and value not in VALUES[choices]):
            errors.append((field, Problem(code, f"{label} {value!r} tidak dikenal")))
    return errors, warnings
