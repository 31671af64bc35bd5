# ruff: noqa: S608 -- SQL built from our own quoted names, checked codes (_lit) and integers; values are bound
"""The screening engine: one SQL statement that evaluates every rule of a rule set for a set of people, set-based.

`screening_sql` builds `SELECT ...` giving one ScreeningResult row per live person of the set, in layers (derived
tables), so that each value is computed once per person:

1. the person and their household, the latest Kepmensos 146 and BPS 14 checklists of the household (one pass over
   the checklists, ranked by a window: no subquery per person) and the approved special case naming the person;
2. the age, in whole years on the reference date, as integers;
3. every rule's outcome (True passed, False failed, NULL not known), the mechanism and its priority;
4. the rank before one-per-KK (0 all gates passed, 1 something unknown, 2 something failed) and the missing fields;
5. a window over the household for one-per-KK (the KK's place goes to its first person by rank, priority, head
   first, NIK), then the decision.

On PostgreSQL each layer is closed with `OFFSET 0`, which keeps the planner from folding it into the next one (and
so from computing an expression again for every reference to it). `write_results` runs
`INSERT INTO targeting_screeningresult (...) SELECT ...`: screening a desa or a million people is one statement on
SQLite and PostgreSQL alike; screening one person is the same statement for a set of one.

A special case (an approved SpecialCaseProposal naming the person) gives the mechanism kasus_khusus and replaces
the two rules of poverty evidence: the DTKS/DTSEN listing (or checklist) and the highest desil are still computed
and stored, but they neither fail nor hold the person back; every other rule of the rule set (age, married, not
ASN/TNI/Polri/pensiunan, no earlier KUBE aid, head of family, one per KK) still applies.

`rules_of(result)` builds the list of rules with their outcome and an explanation in Bahasa Indonesia from the
stored columns: the explanation page, the command's JSON and the API use it, never anything else.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import QuerySet

from pendamping.core.templatetags.pendamping import tanggal
from pendamping.registry.models import Household, Person, PovertyChecklist
from pendamping.registry.vocab import ChecklistKind, MaritalStatus, PkhStatus, Relation

from .models import RuleSet, ScreeningResult, SoftCriteria, SpecialCaseMember, SpecialCaseProposal
from .vocab import PRIORITY, Decision, Mechanism, Rule, SpecialCaseStatus

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
# the rules an approved special case replaces (poverty evidence: the listing and the desil)
REPLACED_BY_SPECIAL_CASE = (Rule.TERDAFTAR_DTKS, Rule.DESIL_MAKS)
# the rules computed for every person (one-per-KK comes from the window), in the order of their columns
COMPUTED_RULES = [code for code in Rule.values if code != Rule.SATU_PER_KK]


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


_CODE = re.compile(r"[a-z0-9_,]*")


def _lit(code: str) -> str:
    """A code of our own vocabularies as an SQL string literal (only lower-case letters, digits, _ and ,)."""
    text = str(code)
    if not _CODE.fullmatch(text):
        raise ValueError(f"not a plain code: {text!r}")
    return f"'{text}'"


def _fence(connection) -> str:
    """Ends a layer so that PostgreSQL plans it as its own step instead of folding its expressions into the next."""
    return " OFFSET 0" if connection.vendor == "postgresql" else ""


def _birth_number(connection, column: str) -> str:
    """The birth date as the integer YYYYMMDD."""
    if connection.vendor == "postgresql":
        return f"CAST(to_char({column}, 'YYYYMMDD') AS integer)"
    return f"CAST(replace({column}, '-', '') AS integer)"


def screening_sql(
    rule_set: RuleSet,
    people: QuerySet,
    *,
    reference_date: datetime.date,
    screened_at: datetime.datetime,
    run_id: int | None,
    using: str = "default",
) -> tuple[str, list, list[str]]:
    """The SELECT of the results of `people` (a Person queryset: a desa, a list, one person): its SQL, parameters
    and the ScreeningResult columns it gives, in order. Soft-deleted people and households are left out.
    Deterministic: the same rule set, data and reference date give the same rows."""
    connection = connections[using]
    q, fence = connection.ops.quote_name, _fence(connection)
    rs, ref = rule_set, reference_date
    people_sql, people_params = people.order_by().values("pk").query.get_compiler(using=using).as_sql()
    people_in = f"({people_sql})"

    k146, bps14 = str(ChecklistKind.KEPMENSOS_146), str(ChecklistKind.BPS_14)
    # layer 1: person, household, latest checklists, special case
    c = q(PovertyChecklist._meta.db_table)
    person, household = q(Person._meta.db_table), q(Household._meta.db_table)
    checklists = (
        "SELECT ranked.household_id, "
        f"MAX(CASE WHEN ranked.kind = {_lit(k146)} THEN ranked.n END) AS k146, "
        f"MAX(CASE WHEN ranked.kind = {_lit(k146)} THEN ranked.assessed_on END) AS k146_date, "
        f"MAX(CASE WHEN ranked.kind = {_lit(bps14)} THEN ranked.n END) AS bps14, "
        f"MAX(CASE WHEN ranked.kind = {_lit(bps14)} THEN ranked.assessed_on END) AS bps14_date "
        f"FROM (SELECT {c}.{q('household_id')} AS household_id, {c}.{q('kind')} AS kind, {c}.{q('count')} AS n, "
        f"{c}.{q('assessed_on')} AS assessed_on, ROW_NUMBER() OVER (PARTITION BY {c}.{q('household_id')}, "
        f"{c}.{q('kind')} ORDER BY {c}.{q('assessed_on')} DESC, {c}.{q('id')} DESC) AS rn FROM {c} "
        f"WHERE {c}.{q('kind')} IN ({_lit(k146)}, {_lit(bps14)}) AND {c}.{q('household_id')} IN "
        f"(SELECT p2.{q('household_id')} FROM {person} p2 WHERE p2.{q('id')} IN {people_in})) ranked "
        "WHERE ranked.rn = 1 GROUP BY ranked.household_id"
    )
    member, proposal = q(SpecialCaseMember._meta.db_table), q(SpecialCaseProposal._meta.db_table)
    special = (
        f"SELECT m.{q('person_id')} AS person_id, MIN(m.{q('proposal_id')}) AS special_case FROM {member} m "
        f"JOIN {proposal} s ON s.{q('id')} = m.{q('proposal_id')} "
        f"WHERE s.{q('status')} = {_lit(SpecialCaseStatus.DISETUJUI)} GROUP BY m.{q('person_id')}"
    )
    soft_table = q(SoftCriteria._meta.db_table)
    soft = (
        "SELECT ranked.person_id, ranked.jw, ranked.eu, ranked.bb FROM "
        f"(SELECT s.{q('person_id')} AS person_id, s.{q('jiwa_wirausaha')} AS jw, s.{q('embrio_usaha')} AS eu, "
        f"s.{q('bersedia_berkelompok')} AS bb, ROW_NUMBER() OVER (PARTITION BY s.{q('person_id')} "
        f"ORDER BY s.{q('recorded_on')} DESC, s.{q('id')} DESC) AS rn FROM {soft_table} s "
        f"WHERE s.{q('person_id')} IN {people_in}) ranked WHERE ranked.rn = 1"
    )
    layer1 = (
        f"SELECT p.{q('id')} AS pid, p.{q('household_id')} AS hid, p.{q('nik')} AS nik, "
        f"p.{q('birth_date')} AS birth_date, {_birth_number(connection, 'p.' + q('birth_date'))} AS bnum, "
        f"p.{q('marital_status')} AS marital_status, p.{q('relation')} AS relation, "
        f"p.{q('asn_tni_polri_pensiunan')} AS asn, p.{q('main_breadwinner')} AS breadwinner, "
        f"h.{q('desa_id')} AS desa_code, h.{q('id_dtks')} AS id_dtks, "
        f"h.{q('desil')} AS desil, h.{q('kube_aid_year')} AS kube_aid_year, h.{q('pkh_status')} AS pkh_status, "
        f"h.{q('purnabina_kat')} AS purnabina_kat, h.{q('purnabina_lain')} AS purnabina_lain, "
        "cl.k146 AS k146, cl.k146_date AS k146_date, cl.bps14 AS bps14, cl.bps14_date AS bps14_date, "
        "sc.special_case AS special_case, sf.jw AS soft_jw, sf.eu AS soft_eu, sf.bb AS soft_bb "
        f"FROM {person} p JOIN {household} h ON h.{q('id')} = p.{q('household_id')} "
        f"LEFT JOIN ({checklists}) cl ON cl.household_id = p.{q('household_id')} "
        f"LEFT JOIN ({special}) sc ON sc.person_id = p.{q('id')} "
        f"LEFT JOIN ({soft}) sf ON sf.person_id = p.{q('id')} "
        f"WHERE p.{q('deleted_at')} IS NULL AND h.{q('deleted_at')} IS NULL AND p.{q('id')} IN {people_in}"
        f"{fence}"
    )
    # layer 2: the age in whole years on the reference date
    ref_md = ref.month * 100 + ref.day
    layer2 = (
        "SELECT l1.*, CASE WHEN l1.bnum IS NULL THEN NULL "
        f"ELSE {int(ref.year)} - l1.bnum / 10000 "
        f"- CASE WHEN l1.bnum - (l1.bnum / 10000) * 10000 > {int(ref_md)} THEN 1 ELSE 0 END END AS age "
        f"FROM ({layer1}) l1{fence}"
    )
    # layer 3: every rule, the mechanism and its priority
    listed = f"(l2.desil IS NOT NULL OR l2.id_dtks <> {_lit('')})"
    evidence = f"(l2.k146 >= {int(rs.kepmensos146_min)} OR l2.bps14 >= {int(rs.bps14_min)})"
    rules = {
        Rule.UMUR: (
            "CASE WHEN l2.age IS NULL THEN NULL "
            f"WHEN l2.age >= {int(rs.age_min)} AND l2.age <= {int(rs.age_max)} THEN TRUE ELSE FALSE END"
        ),
        Rule.STATUS_KAWIN: (
            f"CASE WHEN l2.marital_status = {_lit('')} THEN NULL "
            f"WHEN l2.marital_status = {_lit(MaritalStatus.KAWIN)} THEN TRUE ELSE FALSE END"
        ),
        Rule.TERDAFTAR_DTKS: (
            f"CASE WHEN {listed} THEN TRUE WHEN {evidence} THEN TRUE "
            "WHEN l2.k146 IS NOT NULL OR l2.bps14 IS NOT NULL THEN FALSE ELSE NULL END"
        ),
        Rule.DESIL_MAKS: (
            f"CASE WHEN l2.desil <= {int(rs.max_desil)} THEN TRUE WHEN l2.desil IS NOT NULL THEN FALSE "
            f"WHEN l2.id_dtks = {_lit('')} AND {evidence} THEN TRUE ELSE NULL END"
        ),
        Rule.BUKAN_ASN: "CASE WHEN l2.asn = FALSE THEN TRUE ELSE FALSE END",
        Rule.BELUM_PERNAH_KUBE: "CASE WHEN l2.kube_aid_year IS NULL THEN TRUE ELSE FALSE END",
        Rule.KEPALA_KELUARGA: (
            f"CASE WHEN l2.relation = {_lit('')} THEN NULL "
            f"WHEN l2.relation = {_lit(Relation.KEPALA_KELUARGA)} OR l2.breadwinner = TRUE THEN TRUE ELSE FALSE END"
        ),
    }
    graduated = f"{_lit(PkhStatus.GRADUASI_ALAMIAH)}, {_lit(PkhStatus.GRADUASI_SEJAHTERA_MANDIRI)}"
    mechanisms = [
        (Mechanism.KASUS_KHUSUS, "l2.special_case IS NOT NULL"),
        (Mechanism.PKH_TRANSISI, f"l2.pkh_status = {_lit(PkhStatus.TRANSISI)}"),
        (Mechanism.PKH_GRADUASI, f"l2.pkh_status IN ({graduated})"),
        (Mechanism.PKH_AKTIF_SINERGI, f"l2.pkh_status = {_lit(PkhStatus.AKTIF)}"),
        (Mechanism.PURNABINA_KAT, "l2.purnabina_kat = TRUE"),
        (Mechanism.PURNABINA_LAIN, f"l2.purnabina_lain <> {_lit('')}"),
        (Mechanism.RTSM_TERDAFTAR, listed),
    ]
    whens = " ".join(f"WHEN {condition} THEN {_lit(m)}" for m, condition in mechanisms)
    mechanism = f"CASE {whens} ELSE {_lit(Mechanism.RTSM_BELUM_TERDAFTAR)} END"
    whens = " ".join(f"WHEN {condition} THEN {PRIORITY[m]}" for m, condition in mechanisms)
    priority = f"CASE {whens} ELSE {PRIORITY[Mechanism.RTSM_BELUM_TERDAFTAR]} END"
    layer3 = (
        "SELECT l2.*, "
        + ", ".join(f"{expression} AS r_{code}" for code, expression in rules.items())
        + f", {mechanism} AS mechanism, {priority} AS priority FROM ({layer2}) l2{fence}"
    )
    # layer 4: the rank before one-per-KK and the missing fields
    applied = applied_rules(rs)
    gates = [code for code in applied if code != Rule.SATU_PER_KK]

    def gate(code: str, test: str) -> str:
        if code in REPLACED_BY_SPECIAL_CASE:
            return f"(l3.special_case IS NULL AND l3.r_{code} {test})"
        return f"l3.r_{code} {test}"

    any_false = " OR ".join(gate(code, "= FALSE") for code in gates)
    any_unknown = " OR ".join(gate(code, "IS NULL") for code in gates)
    missing = " || ".join(
        f"CASE WHEN {gate(code, 'IS NULL')} THEN {_lit(MISSING_FIELD[code] + ',')} ELSE {_lit('')} END"
        for code in gates
    )
    layer4 = (
        f"SELECT l3.*, CASE WHEN {any_false} THEN 2 WHEN {any_unknown} THEN 1 ELSE 0 END AS pre_rank, "
        f"{missing} AS missing FROM ({layer3}) l3{fence}"
    )
    # layer 5: one per KK, then the row as stored
    if Rule.SATU_PER_KK in applied:
        window = (
            "OVER (PARTITION BY l4.hid ORDER BY l4.pre_rank ASC, l4.priority ASC, "
            "l4.r_kepala_keluarga DESC NULLS LAST, l4.nik ASC)"
        )
        layer5 = (
            f"SELECT l4.*, FIRST_VALUE(l4.pid) {window} AS top, FIRST_VALUE(l4.pre_rank) {window} AS top_rank "
            f"FROM ({layer4}) l4"
        )
        taken = "(r.top_rank = 0 AND r.top <> r.pid)"
        satu = "CASE WHEN r.top = r.pid THEN TRUE WHEN r.top_rank = 0 THEN FALSE ELSE TRUE END"
        taken_by = f"CASE WHEN {taken} THEN r.top ELSE NULL END"
        not_taken = f"WHEN {taken} THEN {_lit(Decision.NOT_ELIGIBLE)} "
    else:
        layer5 = f"SELECT l4.* FROM ({layer4}) l4"
        satu, taken_by, not_taken = "CAST(NULL AS boolean)", "CAST(NULL AS integer)", ""
    decision = (
        f"CASE WHEN r.pre_rank = 2 THEN {_lit(Decision.NOT_ELIGIBLE)} "
        f"WHEN r.pre_rank = 1 THEN {_lit(Decision.NEEDS_VERIFICATION)} "
        f"{not_taken}ELSE {_lit(Decision.ELIGIBLE)} END"
    )
    adapt = connection.ops
    columns = {
        "run_id": "CAST(NULL AS integer)" if run_id is None else str(int(run_id)),
        "rule_set_id": str(int(rs.pk)),
        "person_id": "r.pid",
        "household_id": "r.hid",
        "desa_code": "r.desa_code",
        "screened_at": "%s",
        "reference_date": "%s",
        "current": "TRUE",
        "decision": decision,
        "mechanism": "r.mechanism",
        "priority": "r.priority",
        "missing": "r.missing",
        "soft_jiwa_wirausaha": "r.soft_jw",
        "soft_embrio_usaha": "r.soft_eu",
        "soft_bersedia_berkelompok": "r.soft_bb",
        **{f"rule_{code}": f"r.r_{code}" for code in COMPUTED_RULES},
        "rule_satu_per_kk": satu,
        "data_birth_date": "r.birth_date",
        "data_age": "r.age",
        "data_marital_status": "r.marital_status",
        "data_id_dtks": "r.id_dtks",
        "data_desil": "r.desil",
        "data_k146_count": "r.k146",
        "data_k146_date": "r.k146_date",
        "data_bps14_count": "r.bps14",
        "data_bps14_date": "r.bps14_date",
        "data_asn": "r.asn",
        "data_kube_aid_year": "r.kube_aid_year",
        "data_relation": "r.relation",
        "data_main_breadwinner": "r.breadwinner",
        "data_pkh_status": "r.pkh_status",
        "data_purnabina_kat": "r.purnabina_kat",
        "data_purnabina_lain": "r.purnabina_lain",
        "data_kk_taken_by_id": taken_by,
        "special_case_id": "r.special_case",
    }
    select = "SELECT " + ", ".join(f"{expression} AS {q(name)}" for name, expression in columns.items())
    # the parameters in the order of their places: the two dates of the SELECT, then the people of the checklists'
    # subquery, of the soft criteria's subquery and of layer 1
    params = [adapt.adapt_datetimefield_value(screened_at), adapt.adapt_datefield_value(ref)]
    params += [*people_params, *people_params, *people_params]
    return f"{select} FROM ({layer5}) r", params, list(columns)


def write_results(
    rule_set: RuleSet,
    people: QuerySet,
    *,
    reference_date: datetime.date,
    screened_at: datetime.datetime,
    run_id: int,
) -> int:
    """INSERT INTO targeting_screeningresult (...) SELECT ... : the screening of `people` written in one statement."""
    using = router.db_for_write(ScreeningResult)
    connection = connections[using]
    select, params, names = screening_sql(
        rule_set, people, reference_date=reference_date, screened_at=screened_at, run_id=run_id, using=using
    )
    table = connection.ops.quote_name(ScreeningResult._meta.db_table)
    fields = ", ".join(connection.ops.quote_name(name) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({fields}) {select}", params)
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
        if passed and r.data_relation != Relation.KEPALA_KELUARGA:
            return f"Hubungan dalam keluarga: {relation}; tercatat sebagai pencari nafkah utama."
        if passed:
            return f"Hubungan dalam keluarga: {relation}."
        return (
            f"Hubungan dalam keluarga: {relation}, bukan pencari nafkah utama; yang disyaratkan kepala keluarga "
            "atau pencari nafkah utama."
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


SPECIAL_CASE = "kasus_khusus"  # the code of the approved special case in an explanation and the JSON


def _special_case_text(result: ScreeningResult) -> str:
    proposal = result.special_case
    decided = f" oleh {proposal.decided_by_name}" if proposal.decided_by_name else ""
    when = f" tanggal {tanggal(proposal.decided_at)}" if proposal.decided_at else ""
    return (
        f"Usulan kasus khusus #{proposal.pk} ({proposal.get_kind_display()}, {proposal.area_code}) "
        f"disetujui{decided}{when}."
    )


def rules_of(result: ScreeningResult) -> list[RuleOutcome]:
    """Every rule of the result's rule set, in order, with its outcome and why, from the stored columns only.
    Needs result.rule_set (and result.data_kk_taken_by for one-per-KK) loaded.

    For a person admitted by an approved special case, the DTKS listing and desil rules are shown as replaced (not
    applied, with what the data said) and an outcome `kasus_khusus` (passed) names the proposal."""
    applied = set(applied_rules(result.rule_set))
    special = result.special_case_id is not None
    outcomes = []
    if special:
        outcomes.append(RuleOutcome(SPECIAL_CASE, "Kasus khusus yang disetujui", True, _special_case_text(result)))
    for code in Rule.values:
        if special and code in REPLACED_BY_SPECIAL_CASE and code in applied:
            outcomes.append(
                RuleOutcome(
                    code,
                    str(Rule(code).label),
                    None,
                    f"Diganti oleh kasus khusus #{result.special_case_id}. Data: {_detail(code, result)}",
                    applied=False,
                )
            )
        elif code in applied:
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
