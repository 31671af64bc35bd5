"""Demo KUBE: twelve groups in Kecamatan Kabandungan across the four stages, and one in Kalapanunggal.

Members are heads of family the demo screening found eligible (targeting.demo), taken in a fixed order so the same
seed gives the same groups. Each group is taken through its stages by the services, on fixed past dates, so it
carries its activities, gates (three of them passed by override, with their reasons), stimulus and LPJ, a year of
cash book, monthly progress reports, and for the later stages partnerships and an e-Warung. A group that is already
there (by its name) is skipped: a second run adds nothing.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from pendamping.accounts.models import User
from pendamping.areas.models import Area
from pendamping.registry.models import Person
from pendamping.targeting.models import RuleSet, ScreeningResult, ScreeningRun
from pendamping.targeting.services import screening_desa
from pendamping.targeting.vocab import Decision, FundingSource, RuleSetStatus

from .models import BusinessType, Kube, KubeMember
from .services import groups, money, progress
from .vocab import EVALUATIONS, ActivityResult, MemberRole, Stage, stage_activities

KABANDUNGAN = "32.02.19"
REASON = "data demo"
REFERENCE = datetime.date(2026, 1, 2)  # the reference date of the demo screening (targeting.demo)


@dataclass(frozen=True)
class DemoGroup:
    name: str
    desa: str  # code
    business: str  # BusinessType code
    kind: str
    stage: str
    members: int
    formed_on: datetime.date
    pendamping: str  # username
    t0_override: bool = False  # T0.7 not recorded: T1 opened by override
    member_override: bool = False  # one member not eligible, admitted by override (gate T1.6)
    lpj_pending: bool = False  # the LPJ still awaits verification: T2 opened by override
    late_members: int = 0  # heads of family screened not eligible, added after the group was formed (inclusion errors)
    status: str = "aktif"


GROUPS = [
    DemoGroup(
        "KUBE Mekar Jaya",
        "32.02.19.2002",
        "ternak_domba",
        "produksi",
        Stage.T3,
        10,
        datetime.date(2025, 3, 10),
        "pendamping.agus",
    ),
    DemoGroup(
        "KUBE Sauyunan",
        "32.02.19.2001",
        "warung_sembako",
        "jasa",
        Stage.T3,
        8,
        datetime.date(2025, 4, 14),
        "pendamping.rina",
    ),
    DemoGroup(
        "KUBE Harapan Sejahtera",
        "32.02.19.2006",
        "e_warung",
        "jasa",
        Stage.T3,
        9,
        datetime.date(2025, 2, 3),
        "pendamping.rina",
    ),
    DemoGroup(
        "KUBE Gula Aren Halimun",
        "32.02.19.2003",
        "gula_aren",
        "produksi",
        Stage.T2,
        7,
        datetime.date(2025, 6, 2),
        "pendamping.agus",
        late_members=2,
    ),
    DemoGroup(
        "KUBE Sinar Tugu",
        "32.02.19.2004",
        "keripik_singkong",
        "produksi",
        Stage.T2,
        6,
        datetime.date(2025, 7, 7),
        "pendamping.agus",
        t0_override=True,
    ),
    DemoGroup(
        "KUBE Balong Mekar",
        "32.02.19.2005",
        "budidaya_ikan",
        "produksi",
        Stage.T2,
        6,
        datetime.date(2025, 8, 4),
        "pendamping.rina",
        lpj_pending=True,
    ),
    DemoGroup(
        "KUBE Cipeuteuy Maju",
        "32.02.19.2002",
        "konveksi",
        "produksi",
        Stage.T2,
        5,
        datetime.date(2025, 8, 18),
        "pendamping.agus",
        status="macet",
    ),
    DemoGroup(
        "KUBE Cianaga Berkah",
        "32.02.19.2006",
        "ternak_ayam",
        "produksi",
        Stage.T1,
        6,
        datetime.date(2026, 3, 2),
        "pendamping.rina",
        member_override=True,
    ),
    DemoGroup(
        "KUBE Awi Rancage",
        "32.02.19.2003",
        "kerajinan_bambu",
        "produksi",
        Stage.T1,
        5,
        datetime.date(2026, 4, 6),
        "pendamping.agus",
    ),
    DemoGroup(
        "KUBE Motekar",
        "32.02.19.2001",
        "jasa_servis",
        "jasa",
        Stage.T1,
        5,
        datetime.date(2026, 5, 11),
        "pendamping.rina",
    ),
    DemoGroup(
        "KUBE Tunas Harapan",
        "32.02.19.2004",
        "ternak_domba",
        "produksi",
        Stage.T0,
        5,
        datetime.date(2026, 9, 7),
        "pendamping.agus",
    ),
    DemoGroup(
        "KUBE Bina Usaha",
        "32.02.19.2005",
        "warung_sembako",
        "jasa",
        Stage.T0,
        0,
        datetime.date(2026, 10, 12),
        "pendamping.rina",
    ),
]
KALAPANUNGGAL_GROUP = DemoGroup(
    "KUBE Lembur Kuring", "32.02.18.2001", "ternak_ayam", "produksi", Stage.T0, 5, datetime.date(2026, 8, 3), ""
)


def _after(start: datetime.date, days: int) -> datetime.date:
    return start + datetime.timedelta(days=days)


class Builder:
    """Takes each demo group as far as its stage, through the services."""

    def __init__(self, actor, rng):
        self.actor = actor
        self.rng = rng
        self.admin = User.objects.filter(username="admin.sukabumi").first() or actor
        self.tksk = User.objects.filter(username="tksk.kabandungan").first() or actor
        self.taken: set[int] = set()
        self.plans = {plan.name: plan for plan in [*GROUPS, KALAPANUNGGAL_GROUP]}

    def screen_desa(self, desa: str) -> None:
        """The demo screening covers Kabandungan; the desa of Kalapanunggal are screened here."""
        rule_set = (
            RuleSet.objects.filter(area_code="32.02", status=RuleSetStatus.ACTIVE).order_by("-budget_year").first()
        )
        if rule_set and not ScreeningRun.objects.filter(rule_set=rule_set, area_code=desa).exists():
            screening_desa(actor=self.admin, rule_set=rule_set, desa_code=desa, reference_date=REFERENCE, reason=REASON)

    def candidates(self, desa: str, count: int, *, eligible: bool = True) -> list[Person]:
        """Heads of family screened eligible (or not), in no KUBE, preferring the group's desa, one per KK."""
        if count <= 0:
            return []
        kecamatan = desa.rsplit(".", 1)[0]
        active_members = KubeMember.objects.filter(left_on__isnull=True).values("person_id")
        results = (
            ScreeningResult.objects.filter(current=True, desa_code__startswith=kecamatan + ".")
            .filter(decision=Decision.ELIGIBLE)
            .exclude(person__in=active_members)
            .select_related("person")
            .order_by("desa_code", "priority", "person__nik")
        )
        if not eligible:
            results = (
                ScreeningResult.objects.filter(current=True, desa_code=desa, decision=Decision.NOT_ELIGIBLE)
                .filter(person__relation="kepala_keluarga")
                .exclude(person__in=active_members)
                .select_related("person")
                .order_by("person__nik")
            )
        chosen, households = [], set()
        for same_desa in (True, False):
            for result in results:
                person = result.person
                if (result.desa_code == desa) != same_desa or person.pk in self.taken:
                    continue
                if person.household_id in households:
                    continue
                chosen.append(person)
                households.add(person.household_id)
                self.taken.add(person.pk)
                if len(chosen) == count:
                    return chosen
        return chosen

    def group(self, plan: DemoGroup) -> Kube | None:
        if Kube.objects.filter(name=plan.name, desa_id=plan.desa).exists():
            return None
        if not Area.objects.filter(code=plan.desa).exists():
            return None
        pendamping = User.objects.filter(username=plan.pendamping).first() if plan.pendamping else None
        creator = self.tksk if plan.desa.startswith(KABANDUNGAN) else self.admin
        kube = groups.kube_create(
            actor=creator,
            name=plan.name,
            kind=plan.kind,
            business_type=BusinessType.objects.get(area_code="", code=plan.business),
            desa_code=plan.desa,
            funding_source=FundingSource.APBD,
            budget_year=plan.formed_on.year if plan.stage == Stage.T0 else 2026,
            formed_on=plan.formed_on,
            pendamping=pendamping,
            reason=REASON,
        )
        people = self.candidates(plan.desa, plan.members)
        roles = [MemberRole.KETUA, MemberRole.SEKRETARIS, MemberRole.BENDAHARA]
        for index, person in enumerate(people):
            groups.kube_member_add(
                actor=creator,
                kube=kube,
                person=person,
                joined_on=plan.formed_on,
                role=roles[index] if index < 3 else MemberRole.ANGGOTA,
                reason=REASON,
            )
        if plan.member_override:
            for person in self.candidates(plan.desa, 1, eligible=False):
                groups.kube_member_add(
                    actor=creator,
                    kube=kube,
                    person=person,
                    joined_on=plan.formed_on,
                    eligibility_override="Usia di atas 60 tahun, tetapi pencari nafkah utama dan diusulkan musyawarah desa",
                    reason=REASON,
                )
        self.advance(kube, plan, creator)
        for person in self.candidates(plan.desa, plan.late_members, eligible=False):
            groups.kube_member_add(
                actor=creator, kube=kube, person=person, joined_on=datetime.date(2026, 8, 3), reason=REASON
            )
        if plan.status != "aktif":
            groups.kube_status_set(
                actor=creator, kube=kube, status=plan.status, reason="Bahan baku kain sulit didapat sejak Agustus"
            )
        return kube

    def bank_and_sk(self, kube: Kube, day: datetime.date, actor) -> Kube:
        return groups.kube_update(
            actor=actor,
            kube=kube,
            bank_name="BRI Unit Kabandungan",
            bank_account_number=f"3402-01-{kube.pk:06d}-50-{self.rng.randint(1, 9)}",
            bank_account_name=kube.name,
            sk_number=f"460/{kube.pk:03d}/Dinsos/{day.year}",
            sk_date=day,
            reason=REASON,
        )

    def advance(self, kube: Kube, plan: DemoGroup, actor) -> None:
        """Every activity of the stages the group has finished, the first half of those of its current stage, and
        the steps of the other parts of the app (money, progress) after each stage's activities."""
        day = _after(plan.formed_on, 3)
        target = Stage.values.index(plan.stage)
        for index, stage in enumerate(Stage.values[: target + 1]):
            complete = index < target
            codes = stage_activities(stage)
            if stage == Stage.T0 and plan.t0_override:
                codes = codes[:4]
            elif not complete:
                codes = codes[: max(1, len(codes) // 2)]
            if stage == Stage.T1:
                kube = self.bank_and_sk(kube, day, actor)
            for code in codes:
                groups.activity_record(
                    actor=actor,
                    kube=kube,
                    activity=code,
                    done_on=day,
                    result=ActivityResult.PASSED if code in EVALUATIONS else "",
                    notes=DEMO_NOTES.get(code, ""),
                )
                day = _after(day, 7)
            for step in STAGE_STEPS.get(stage, []):
                day = step(self, kube, day, complete) or day
            if not complete:
                break
            target_stage = groups.next_stage(stage)
            override = DEMO_OVERRIDES[target_stage] if groups.gate_unmet(kube, target_stage) else ""
            kube = groups.stage_advance(
                actor=self.tksk if override else actor, kube=kube, on=day, override_reason=override, reason=REASON
            )
            day = _after(day, 7)


LAST_MONTH = datetime.date(2026, 10, 1)  # the books and reports of the demo run up to October 2026
ALL_ASSESSED = [
    "anggota_terlatih",
    "papan_nama",
    "kegiatan_dimulai",
    "percaya_diri_anggota",
    "relasi_masyarakat",
    "hasil_dirasakan",
    "relasi_melembaga",
]


def _months(first: datetime.date, last: datetime.date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def stimulus_step(builder: "Builder", kube: Kube, day: datetime.date, complete: bool) -> datetime.date | None:
    """Once T1.6 is recorded: the stimulus in two tranches, the LPJ with its lines, submitted and verified."""
    if not complete:
        return None
    due = money.stimulus_due(kube)
    first = due // 2
    money.tranche_add(
        actor=builder.admin, kube=kube, amount=first, transferred_on=day, bank_reference=f"BRI-{kube.pk:04d}-1"
    )
    money.tranche_add(
        actor=builder.admin,
        kube=kube,
        amount=due - first,
        transferred_on=_after(day, 21),
        bank_reference=f"BRI-{kube.pk:04d}-2",
    )
    money.cash_entry_add(
        actor=builder.tksk,
        kube=kube,
        entry_date=day,
        direction="in",
        category="modal_bantuan",
        amount=due,
        description="Bantuan stimulan UEP",
    )
    spending = [("Pembelian bahan baku awal", 45), ("Peralatan usaha", 35), ("Sewa tempat dan papan nama", 15)]
    for offset, (description, percent) in enumerate(spending):
        money.lpj_line_add(
            actor=builder.tksk,
            kube=kube,
            spent_on=_after(day, 25 + 5 * offset),
            description=description,
            amount=due * percent // 100,
        )
    day = _after(day, 45)
    money.lpj_submit(actor=builder.tksk, kube=kube)
    if not builder.plans[kube.name].lpj_pending:
        money.lpj_decide(actor=builder.admin, kube=kube, verified=True, note="Kuitansi lengkap")
    return day


def books_and_reports(builder: "Builder", kube: Kube, first: datetime.date, last: datetime.date, plan) -> None:
    """A cash book and a progress report for every month from `first` to `last`: sales grow month by month (or,
    for a group that stalled, fall in its last three months); profit is shared to IKS and savings."""
    base = 600_000 + 50_000 * len(plan.name)
    for index, month in enumerate(_months(first, last)):
        falling = plan.status == "macet" and month > datetime.date(2026, 7, 1)
        omzet = base + 40_000 * index - (250_000 * (month.month - 7) if falling else 0)
        costs = omzet * 60 // 100
        profit = omzet - costs
        iks = profit * int(groups.policy("KUBE_IKS_PERCENT")) // 100
        entries = [
            (5, "out", "pembelian_bahan", costs, "Bahan baku"),
            (20, "in", "penjualan", omzet, "Penjualan bulan ini"),
            (25, "out", "iks", iks, "IKS disisihkan"),
            (26, "out", "tabungan", profit // 4, "Tabungan kelompok"),
        ]
        for day, direction, category, amount, description in entries:
            if amount > 0:
                money.cash_entry_add(
                    actor=builder.tksk,
                    kube=kube,
                    entry_date=month.replace(day=day),
                    direction=direction,
                    category=category,
                    amount=amount,
                    description=description,
                )
        members = kube.members.filter(left_on__isnull=True).count()
        progress.progress_report_submit(
            actor=builder.tksk,
            kube=kube,
            month=month,
            omzet=omzet,
            profit=profit,
            capital=money.stimulus_due(kube) + profit * (index + 1) // 2,
            iks_collected=iks,
            iks_used=iks // 2 if index % 2 else 0,
            active_members=members,
            business_status="macet" if falling else "aktif",
            assessed=ALL_ASSESSED if plan.stage == Stage.T3 or index > 2 else ALL_ASSESSED[:3],
            evidence="Kunjungan pendamping dan pemeriksaan buku kas",
        )


def development_step(builder: "Builder", kube: Kube, day: datetime.date, complete: bool) -> datetime.date | None:
    """T2: six months of books and reports before T3 opens; a group still in T2 reports up to October 2026 (one
    of them stopped reporting in August, so that it is flagged)."""
    plan = builder.plans[kube.name]
    first = day.replace(day=1)
    if complete:
        last = min(LAST_MONTH, _after(first, 5 * 31).replace(day=1))
        books_and_reports(builder, kube, first, last, plan)
        return _after(last, 35).replace(day=2)
    last = datetime.date(2026, 7, 1) if plan.name == "KUBE Balong Mekar" else LAST_MONTH
    books_and_reports(builder, kube, first, last, plan)
    return None


def partnership_step(builder: "Builder", kube: Kube, day: datetime.date, complete: bool) -> datetime.date | None:
    """T3: books and reports up to October 2026, a partnership, and for the group running one, the e-Warung."""
    plan = builder.plans[kube.name]
    partner = DEMO_PARTNERS.get(kube.name)
    if partner:
        progress.partnership_add(actor=builder.tksk, kube=kube, agreement_date=day, status="aktif", **partner)
    if plan.business == "e_warung":
        progress.ewarung_open(
            actor=builder.tksk,
            kube=kube,
            name="e-Warung KUBE PKH Harapan Sejahtera",
            bank_agent="BRI, agen BRILink Cianaga",
            opened_on=day,
            address="Kp. Cianaga RT 002/RW 001",
        )
        outlet = kube.ewarung
        for index, month in enumerate(_months(day, LAST_MONTH)):
            progress.ewarung_month_record(
                actor=builder.tksk,
                ewarung=outlet,
                month=month,
                kpm_served=60 + 3 * index,
                transactions=140 + 8 * index,
                transaction_total=14_000_000 + 600_000 * index,
            )
        progress.ewarung_stockout_add(
            actor=builder.tksk,
            ewarung=outlet,
            started_on=datetime.date(2026, 9, 14),
            item="Beras premium 5 kg",
            reason="Pasokan dari distributor terlambat karena jalan longsor",
        )
    books_and_reports(builder, kube, day.replace(day=1), LAST_MONTH, plan)
    return None


# the steps of the other parts of the app after a stage's activities: stage -> [step(builder, kube, day, complete)]
STAGE_STEPS: dict[str, list] = {
    Stage.T1: [stimulus_step],
    Stage.T2: [development_step],
    Stage.T3: [partnership_step],
}
DEMO_PARTNERS = {
    "KUBE Mekar Jaya": {
        "partner_name": "BUMDes Cipeuteuy Mandiri",
        "partner_kind": "bumdes",
        "kind": "pemasaran",
        "notes": "BUMDes membeli domba untuk Idul Adha",
    },
    "KUBE Sauyunan": {
        "partner_name": "Koperasi Simpan Pinjam Kabandungan",
        "partner_kind": "koperasi",
        "kind": "permodalan",
        "notes": "Pinjaman modal bergulir tanpa agunan",
    },
}


DEMO_NOTES = {
    "T0.1": "Observasi lokasi usaha dan potensi desa bersama aparat desa",
    "T0.4": "Penyuluhan sosial umum di balai desa, dihadiri calon anggota",
    "T0.7": "Calon anggota siap membentuk kelompok",
    "T1.3": "Jenis usaha dipilih dalam musyawarah kelompok",
    "T1.7": "Kelompok berjalan, buku kas diisi bendahara",
    "T2.3": "Omzet naik, IKS mulai disisihkan",
    "T3.6": "Kemitraan berjalan baik",
}
DEMO_OVERRIDES = {
    Stage.T1: "Evaluasi persiapan dilakukan lisan pada musyawarah desa; berita acara menyusul",
    Stage.T2: "LPJ sedang diperiksa Dinas Sosial; pengembangan usaha tidak boleh tertunda musim panen",
    Stage.T3: "Kemitraan dengan BUMDes sudah disepakati sebelum evaluasi tipologi",
}


@transaction.atomic
def build(*, actor, rng) -> list[str]:
    if not Area.objects.filter(code=KABANDUNGAN).exists() or not ScreeningResult.objects.exists():
        return []
    builder = Builder(actor, rng)
    for desa in Area.objects.filter(parent_id=KALAPANUNGGAL_GROUP.desa.rsplit(".", 1)[0]).values_list(
        "code", flat=True
    ):
        builder.screen_desa(desa)
    made = [kube for plan in [*GROUPS, KALAPANUNGGAL_GROUP] if (kube := builder.group(plan))]
    return [f"{len(made)} KUBE"] if made else []
