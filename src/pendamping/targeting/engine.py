"""The screening engine: one queryset that evaluates every rule of a rule set for a set of people, set-based.

`screening_queryset` annotates the people with every rule's outcome (True passed, False failed, None not known),
the data each rule used, the mechanism and its priority, the decision and the missing fields, all in SQL
(Case/When, Subquery for the latest checklists, a window over the household for one-per-KK). `write_results`
turns that queryset into `INSERT INTO targeting_screeningresult (...) SELECT ...` from its compiled SQL, so that
screening a desa or a million people is one statement on SQLite and PostgreSQL alike; screening one person is the
same queryset filtered to that person.

`rules_of(result)` builds the list of rules with their outcome and an explanation in Bahasa Indonesia from the
stored columns: the explanation page, the command's JSON and the API use it, never anything else.
"""

import datetime
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Concat, ExtractDay, ExtractMonth, ExtractYear, FirstValue

from pendamping.core.templatetags.pendamping import tanggal
from pendamping.registry.models import PovertyChecklist
from pendamping.registry.vocab import ChecklistKind, MaritalStatus, PkhStatus, Relation

from .models import RuleSet, ScreeningResult
from .vocab import PRIORITY, Decision, Mechanism, Rule

PREFIX = "x_"
# the registry field (as named in imports) whose absence makes a rule's outcome unknown
MISSING_FIELD = {
    Rule.UMUR: "tanggal_lahir",
    Rule.STATUS_KAWIN: "status_kawin",
    Rule.TERDAFTAR_DTKS: "id_dtks,ceklis_kemiskinan",
    Rule.DESIL_MAKS: "desil",
    Rule.BUKAN_ASN: "asn_tni_polri_pensiunan",
    Rule.BELUM_PERNAH_KUBE: "tahun_bantuan_kube",
    Rule.KEPALA_KELUARGA: "hubungan_keluarga",
}
MISSING_LABEL = {
    "tanggal_lahir": "tanggal lahir",
    "status_kawin": "status perkawinan",
    "id_dtks": "ID DTKS/desil",
    "ceklis_kemiskinan": "ceklis kemiskinan (Kepmensos 146 atau BPS 14)",
    "desil": "desil DTSEN",
    "asn_tni_polri_pensiunan": "status ASN/TNI/Polri/pensiunan",
    "tahun_bantuan_kube": "bantuan KUBE sebelumnya",
    "hubungan_keluarga": "hubungan dalam keluarga",
}


def applied_rules(rule_set: RuleSet) -> list[str]:
    """The rules a rule set applies (age and desil always; the others as the rule set says)."""
    rules = [Rule.UMUR]
    if rule_set.require_married:
        rules.append(Rule.STATUS_KAWIN)
    if rule_set.require_dtks:
        rules.append(Rule.TERDAFTAR_DTKS)
    rules.append(Rule.DESIL_MAKS)
    if rule_set.exclude_state_employees:
        rules.append(Rule.BUKAN_ASN)
    if rule_set.exclude_prior_kube_aid:
        rules.append(Rule.BELUM_PERNAH_KUBE)
    if rule_set.require_head:
        rules.append(Rule.KEPALA_KELUARGA)
    if rule_set.one_per_kk:
        rules.append(Rule.SATU_PER_KK)
    return rules


def special_case_q(rule_set: RuleSet) -> Q | None:
    """Hook for special cases by proposal (issue 4 item 4, a later slice): the people an approved proposal admits
    under kasus_khusus. None until proposals exist."""
    return None


def _bool(*whens: When, default=None) -> Case:
    return Case(*whens, default=Value(default), output_field=BooleanField())


def _latest_checklist(kind: str, field: str):
    return Subquery(
        PovertyChecklist.objects.filter(household_id=OuterRef("household_id"), kind=kind)
        .order_by("-assessed_on", "-id")
        .values(field)[:1]
    )


def screening_queryset(
    rule_set: RuleSet, people: QuerySet, *, reference_date: datetime.date, screened_at: datetime.datetime, run_id=None
) -> QuerySet:
    """`people` (a Person queryset: a desa, a list, one person) with every column of a ScreeningResult, named
    x_<column>. Soft-deleted people and households are left out. Deterministic: the same rule set, data and
    reference date give the same rows."""
    ref = reference_date
    rs = rule_set
    qs = people.filter(deleted_at__isnull=True, household__deleted_at__isnull=True).order_by()
    listed = Q(household__desil__isnull=False) | ~Q(household__id_dtks="")
    qs = qs.annotate(
        t_bmonth=ExtractMonth("birth_date"),
        t_bday=ExtractDay("birth_date"),
        t_k146=_latest_checklist(ChecklistKind.KEPMENSOS_146, "count"),
        t_bps14=_latest_checklist(ChecklistKind.BPS_14, "count"),
    )
    qs = qs.annotate(
        t_age=Case(
            When(birth_date__isnull=True, then=Value(None)),
            default=Value(ref.year)
            - ExtractYear("birth_date")
            - Case(
                When(Q(t_bmonth__gt=ref.month) | Q(t_bmonth=ref.month, t_bday__gt=ref.day), then=Value(1)),
                default=Value(0),
            ),
            output_field=IntegerField(),
        ),
    )
    evidence = Q(t_k146__gte=rs.kepmensos146_min) | Q(t_bps14__gte=rs.bps14_min)
    has_checklist = Q(t_k146__isnull=False) | Q(t_bps14__isnull=False)
    rules = {
        Rule.UMUR: _bool(
            When(t_age__isnull=True, then=Value(None)),
            When(t_age__gte=rs.age_min, t_age__lte=rs.age_max, then=Value(True)),
            default=False,
        ),
        Rule.STATUS_KAWIN: _bool(
            When(marital_status="", then=Value(None)),
            When(marital_status=MaritalStatus.KAWIN, then=Value(True)),
            default=False,
        ),
        Rule.TERDAFTAR_DTKS: _bool(
            When(listed, then=Value(True)),
            When(evidence, then=Value(True)),
            When(has_checklist, then=Value(False)),
        ),
        Rule.DESIL_MAKS: _bool(
            When(household__desil__lte=rs.max_desil, then=Value(True)),
            When(household__desil__isnull=False, then=Value(False)),
            When(Q(household__id_dtks="") & evidence, then=Value(True)),
        ),
        Rule.BUKAN_ASN: _bool(When(asn_tni_polri_pensiunan=False, then=Value(True)), default=False),
        Rule.BELUM_PERNAH_KUBE: _bool(When(household__kube_aid_year__isnull=True, then=Value(True)), default=False),
        Rule.KEPALA_KELUARGA: _bool(
            When(relation="", then=Value(None)),
            When(relation=Relation.KEPALA_KELUARGA, then=Value(True)),
            default=False,
        ),
    }
    qs = qs.annotate(**{f"t_rule_{code}": expression for code, expression in rules.items()})
    applied = applied_rules(rs)
    gates = [code for code in applied if code != Rule.SATU_PER_KK]
    any_false = Q()
    any_unknown = Q()
    for code in gates:
        any_false |= Q(**{f"t_rule_{code}": False})
        any_unknown |= Q(**{f"t_rule_{code}__isnull": True})
    mechanisms = [
        (Mechanism.PKH_TRANSISI, Q(household__pkh_status=PkhStatus.TRANSISI)),
        (
            Mechanism.PKH_GRADUASI,
            Q(household__pkh_status__in=[PkhStatus.GRADUASI_ALAMIAH, PkhStatus.GRADUASI_SEJAHTERA_MANDIRI]),
        ),
        (Mechanism.PKH_AKTIF_SINERGI, Q(household__pkh_status=PkhStatus.AKTIF)),
        (Mechanism.PURNABINA_KAT, Q(household__purnabina_kat=True)),
        (Mechanism.PURNABINA_LAIN, ~Q(household__purnabina_lain="")),
        (Mechanism.RTSM_TERDAFTAR, listed),
    ]
    special = special_case_q(rs)
    if special is not None:
        mechanisms.append((Mechanism.KASUS_KHUSUS, special))
    qs = qs.annotate(
        t_pre_rank=Case(
            When(any_false, then=Value(2)),
            When(any_unknown, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        t_mechanism=Case(
            *[When(condition, then=Value(str(m))) for m, condition in mechanisms],
            default=Value(str(Mechanism.RTSM_BELUM_TERDAFTAR)),
            output_field=CharField(),
        ),
        t_priority=Case(
            *[When(condition, then=Value(PRIORITY[m])) for m, condition in mechanisms],
            default=Value(PRIORITY[Mechanism.RTSM_BELUM_TERDAFTAR]),
            output_field=IntegerField(),
        ),
    )
    if Rule.SATU_PER_KK in applied:
        # within this batch, the KK's place goes to its first person by (eligible first, priority, head first, NIK)
        order = [
            F("t_pre_rank").asc(),
            F("t_priority").asc(),
            F("t_rule_kepala_keluarga").desc(nulls_last=True),
            F("nik").asc(),
        ]
        qs = qs.annotate(
            t_top=Window(FirstValue("pk"), partition_by=[F("household_id")], order_by=order),
            t_top_rank=Window(FirstValue("t_pre_rank"), partition_by=[F("household_id")], order_by=order),
        )
        satu = _bool(When(t_top=F("pk"), then=Value(True)), When(t_top_rank=0, then=Value(False)), default=True)
        taken_by = Case(
            When(Q(t_top_rank=0) & ~Q(t_top=F("pk")), then=F("t_top")), default=Value(None), output_field=IntegerField()
        )
        decision = Case(
            When(t_pre_rank=2, then=Value(str(Decision.NOT_ELIGIBLE))),
            When(t_pre_rank=1, then=Value(str(Decision.NEEDS_VERIFICATION))),
            When(Q(t_top_rank=0) & ~Q(t_top=F("pk")), then=Value(str(Decision.NOT_ELIGIBLE))),
            default=Value(str(Decision.ELIGIBLE)),
            output_field=CharField(),
        )
    else:
        satu = Value(None, output_field=BooleanField())
        taken_by = Value(None, output_field=IntegerField())
        decision = Case(
            When(t_pre_rank=2, then=Value(str(Decision.NOT_ELIGIBLE))),
            When(t_pre_rank=1, then=Value(str(Decision.NEEDS_VERIFICATION))),
            default=Value(str(Decision.ELIGIBLE)),
            output_field=CharField(),
        )
    missing_parts = []
    for code in gates:
        missing_parts.append(
            Case(When(**{f"t_rule_{code}__isnull": True}, then=Value(MISSING_FIELD[code] + ",")), default=Value(""))
        )
    missing = Concat(*missing_parts, Value(""), output_field=CharField()) if missing_parts else Value("")
    columns = {
        "run_id": Value(run_id, output_field=IntegerField()),
        "rule_set_id": Value(rs.pk, output_field=IntegerField()),
        "person_id": F("pk"),
        "household_id": F("household_id"),
        "desa_code": F("household__desa_id"),
        "screened_at": Value(screened_at, output_field=DateTimeField()),
        "reference_date": Value(ref, output_field=DateField()),
        "current": Value(True, output_field=BooleanField()),
        "decision": decision,
        "mechanism": F("t_mechanism"),
        "priority": F("t_priority"),
        "missing": missing,
        "soft_jiwa_wirausaha": Value(None, output_field=BooleanField()),
        "soft_embrio_usaha": Value(None, output_field=BooleanField()),
        "soft_bersedia_berkelompok": Value(None, output_field=BooleanField()),
        **{f"rule_{code}": F(f"t_rule_{code}") for code in rules},
        "rule_satu_per_kk": satu,
        "data_birth_date": F("birth_date"),
        "data_age": F("t_age"),
        "data_marital_status": F("marital_status"),
        "data_id_dtks": F("household__id_dtks"),
        "data_desil": F("household__desil"),
        "data_k146_count": F("t_k146"),
        "data_k146_date": _latest_checklist(ChecklistKind.KEPMENSOS_146, "assessed_on"),
        "data_bps14_count": F("t_bps14"),
        "data_bps14_date": _latest_checklist(ChecklistKind.BPS_14, "assessed_on"),
        "data_asn": F("asn_tni_polri_pensiunan"),
        "data_kube_aid_year": F("household__kube_aid_year"),
        "data_relation": F("relation"),
        "data_pkh_status": F("household__pkh_status"),
        "data_purnabina_kat": F("household__purnabina_kat"),
        "data_purnabina_lain": F("household__purnabina_lain"),
        "data_kk_taken_by_id": taken_by,
    }
    return qs.annotate(**{PREFIX + name: expression for name, expression in columns.items()}).values(
        *[PREFIX + name for name in columns]
    )


def write_results(queryset: QuerySet) -> int:
    """INSERT INTO targeting_screeningresult (...) SELECT ... : the screening queryset written in one statement."""
    using = router.db_for_write(ScreeningResult)
    connection = connections[using]
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    names = [alias for _expression, _sql, alias in compiler.select]
    assert all(name.startswith(PREFIX) for name in names), names
    table = connection.ops.quote_name(ScreeningResult._meta.db_table)
    fields = ", ".join(connection.ops.quote_name(name[len(PREFIX) :]) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({fields}) {sql}", params)  # noqa: S608 -- our compiled SQL, bound params
        return cursor.rowcount


# explanations ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleOutcome:
    code: str
    label: str
    passed: bool | None
    detail: str
    applied: bool = True


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "-"


def _checklists_text(r: ScreeningResult) -> str:
    parts = []
    if r.data_k146_count is not None:
        parts.append(
            f"ceklis Kepmensos 146 tanggal {tanggal(r.data_k146_date)}: {r.data_k146_count} kriteria "
            f"(minimal {r.rule_set.kepmensos146_min})"
        )
    if r.data_bps14_count is not None:
        parts.append(
            f"ceklis BPS 14 tanggal {tanggal(r.data_bps14_date)}: {r.data_bps14_count} kriteria "
            f"(minimal {r.rule_set.bps14_min})"
        )
    return "; ".join(parts)


def _detail(code: str, r: ScreeningResult) -> str:
    rs = r.rule_set
    passed = getattr(r, f"rule_{code}")
    on = tanggal(r.reference_date)
    if code == Rule.UMUR:
        if r.data_age is None:
            return "Tanggal lahir tidak tercatat: umur tidak dapat dihitung."
        where = "dalam" if passed else "di luar"
        return f"Umur {r.data_age} tahun pada {on}, {where} rentang {rs.age_min}-{rs.age_max}."
    if code == Rule.STATUS_KAWIN:
        if passed is None:
            return "Status perkawinan belum diisi."
        status = _label(MaritalStatus, r.data_marital_status)
        return f"Status perkawinan: {status}." if passed else f"Status perkawinan: {status}; yang disyaratkan kawin."
    if code == Rule.TERDAFTAR_DTKS:
        if r.data_id_dtks or r.data_desil is not None:
            listed = ", ".join(
                part
                for part in (
                    f"ID DTKS {r.data_id_dtks}" if r.data_id_dtks else "",
                    f"desil {r.data_desil}" if r.data_desil is not None else "",
                )
                if part
            )
            return f"Terdaftar di DTKS/DTSEN ({listed})."
        if passed is None:
            return (
                "Tidak terdaftar di DTKS/DTSEN (ID DTKS dan desil kosong) dan belum ada ceklis Kepmensos 146 "
                "atau BPS 14: perlu verifikasi kemiskinan."
            )
        if passed:
            return (
                f"Tidak terdaftar di DTKS/DTSEN, tetapi terbukti miskin: {_checklists_text(r)}. "
                "Perlu diusulkan masuk DTKS/DTSEN."
            )
        return f"Tidak terdaftar di DTKS/DTSEN dan ceklis terakhir di bawah ambang: {_checklists_text(r)}."
    if code == Rule.DESIL_MAKS:
        if r.data_desil is not None:
            if passed:
                return f"Desil {r.data_desil}, tidak melebihi batas desil {rs.max_desil}."
            return f"Desil {r.data_desil}, melebihi batas desil {rs.max_desil}."
        if passed:
            return "Belum ada desil DTSEN; bukti kemiskinan dari ceklis dipakai sebagai gantinya."
        return "Desil DTSEN belum diisi."
    if code == Rule.BUKAN_ASN:
        if passed is None:
            return "Status ASN/TNI/Polri/pensiunan tidak tercatat."
        if passed:
            return "Tidak tercatat sebagai ASN/TNI/Polri/pensiunan."
        return "Tercatat sebagai ASN/TNI/Polri/pensiunan."
    if code == Rule.BELUM_PERNAH_KUBE:
        if passed is None:
            return "Riwayat bantuan KUBE keluarga tidak tercatat."
        if passed:
            return "Keluarga belum pernah tercatat menerima bantuan KUBE."
        return f"Keluarga sudah menerima bantuan KUBE tahun {r.data_kube_aid_year}."
    if code == Rule.KEPALA_KELUARGA:
        if passed is None:
            return "Hubungan dalam keluarga belum diisi."
        relation = _label(Relation, r.data_relation)
        if passed:
            return f"Hubungan dalam keluarga: {relation}."
        return (
            f"Hubungan dalam keluarga: {relation}; yang disyaratkan kepala keluarga "
            "(pencari nafkah utama belum tercatat di registri)."
        )
    if code == Rule.SATU_PER_KK:
        if passed is None:
            return "Tidak dinilai."
        if passed:
            return "Mewakili KK-nya dalam penyaringan ini."
        taken = r.data_kk_taken_by
        who = f"{taken.name} (NIK {taken.nik})" if taken else "anggota lain"
        return f"KK ini sudah diwakili oleh {who}, yang lebih diutamakan dalam penyaringan yang sama."
    return ""


def rules_of(result: ScreeningResult) -> list[RuleOutcome]:
    """Every rule of the result's rule set, in order, with its outcome and why, from the stored columns only.
    Needs result.rule_set (and result.data_kk_taken_by for one-per-KK) loaded."""
    applied = set(applied_rules(result.rule_set))
    outcomes = []
    for code in Rule.values:
        if code in applied:
            outcomes.append(
                RuleOutcome(code, str(Rule(code).label), getattr(result, f"rule_{code}"), _detail(code, result))
            )
        else:
            outcomes.append(
                RuleOutcome(code, str(Rule(code).label), None, "Tidak diterapkan dalam aturan ini.", applied=False)
            )
    return outcomes


def missing_labels(result: ScreeningResult) -> list[str]:
    seen = []
    for name in result.missing_fields:
        label = MISSING_LABEL.get(name, name)
        if label not in seen:
            seen.append(label)
    return seen


def as_json(result: ScreeningResult) -> dict:
    """The result as the command and the API give it."""
    return {
        "nik": result.person.nik,
        "decision": result.decision,
        "mechanism": result.mechanism,
        "priority": result.priority,
        "rule_set": {
            "id": result.rule_set.pk,
            "name": result.rule_set.name,
            "version": result.rule_set.version,
            "budget_year": result.rule_set.budget_year,
            "funding_source": result.rule_set.funding_source,
        },
        "reference_date": result.reference_date.isoformat(),
        "missing": result.missing_fields,
        "rules": [
            {"code": rule.code, "passed": rule.passed, "detail": rule.detail}
            for rule in rules_of(result)
            if rule.applied
        ],
    }


def soft_criteria(result: ScreeningResult) -> list[tuple[str, bool | None]]:
    """The preferred (not gating) criteria with what is recorded; None: not recorded (no data source yet)."""
    from .vocab import SoftCriterion

    return [(str(item.label), getattr(result, f"soft_{item.value}")) for item in SoftCriterion]
