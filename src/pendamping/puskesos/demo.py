"""Demo Puskesos desk: about 150 requests over a year in the six desa of Kabandungan, taken by each desa's
fasilitator through the services: casework at every step, referrals in every state (some answered, some overdue),
two confidential cases (violence, a child), register proposals at several states, hand PPKS counts and a PSKS
register. Dates are fixed (up to LAST_DAY), so the demo never depends on today; a second run adds nothing.
"""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from pendamping.accounts.models import RoleAssignment, User
from pendamping.registry.models import Person

from .models import Case, Psks, RegisterProposal
from .services import cases, referrals, register
from .vocab import CaseStatus, Channel, ProblemKind, ReferralStatus, Sector

KABANDUNGAN = "32.02.19"
FIRST_DAY = datetime.date(2025, 12, 1)
LAST_DAY = datetime.date(2026, 11, 20)
REQUESTS_PER_DESA = 25

# (sector, problem kind, what the resident asks, office referred to)
NEEDS = [
    (
        Sector.KESEHATAN,
        ProblemKind.KESEHATAN,
        "Butuh kartu PBI-JK untuk berobat anak",
        "Dinas Kesehatan / BPJS Kesehatan",
    ),
    (Sector.PENDIDIKAN, ProblemKind.PENDIDIKAN, "Anak putus sekolah, perlu PIP", "SD/SMP setempat (PIP)"),
    (Sector.ADMINDUK, ProblemKind.ADMINISTRASI, "Belum punya akta kelahiran anak", "Disdukcapil Kabupaten Sukabumi"),
    (Sector.PERUMAHAN, ProblemKind.PERUMAHAN, "Rumah bilik rusak, atap bocor", "Dinas Perkim (RTLH)"),
    (Sector.SEMBAKO, ProblemKind.EKONOMI, "Tidak lagi menerima Sembako", "Dinas Sosial (Sembako)"),
    (Sector.PKH, ProblemKind.EKONOMI, "Ingin diusulkan menjadi peserta PKH", "Pendamping PKH Kecamatan"),
    (Sector.ENERGI, ProblemKind.EKONOMI, "Listrik diputus, menunggak", "PLN ULP Cibadak"),
    (Sector.KUBE, ProblemKind.EKONOMI, "Ingin bergabung dengan KUBE", "TKSK Kabandungan"),
    (Sector.REHABILITASI_SOSIAL, ProblemKind.KESEHATAN, "Lansia terlantar tinggal sendiri", "LKS Lansia Sukabumi"),
    (Sector.PERTANIAN, ProblemKind.EKONOMI, "Butuh bibit dan pupuk bersubsidi", "BPP Kabandungan"),
]
CHANNELS = [
    Channel.DATANG_LANGSUNG,
    Channel.DATANG_LANGSUNG,
    Channel.KUNJUNGAN_RUMAH,
    Channel.TELEPON_PESAN,
    Channel.LAPORAN_RT_RW,
]
PSKS = [
    ("karang_taruna", "Karang Taruna Tunas Harapan", "32.02.19.2001", "Deden Sopandi", 30),
    ("psm", "PSM Desa Cipeuteuy", "32.02.19.2002", "Nining Kurniasih", 1),
    ("tagana", "Tagana Kabandungan", "32.02.19.2003", "Ujang Rohman", 15),
    ("lks", "LKS Al-Hidayah (anak yatim)", "32.02.19.2004", "Ustad Hasan", 40),
    ("wksbm", "WKSBM Mekarjaya", "32.02.19.2005", "Iis Rohaeti", 12),
    ("karang_taruna", "Karang Taruna Cianaga Bangkit", "32.02.19.2006", "Rizki Maulana", 25),
    ("dunia_usaha", "CSR Perkebunan Teh Cianaga", "32.02.19.2006", "Humas PT", None),
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n% berita acara musyawarah desa (demo)\n", content_type="application/pdf"
    )


def _bnba(household) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["No. KK", "Nama kepala keluarga", "Alamat"])
    head = household.members.filter(relation="kepala_keluarga").first()
    sheet.append(
        [household.no_kk, head.name if head else "", f"{household.alamat} RT {household.rt}/RW {household.rw}"]
    )
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("bnba.xlsx", data.getvalue())


def _walk(case: Case, fasilitator, tksk, day: datetime.date, rng, need) -> str:
    """Take a case along the casework as far as its age allows; returns what happened to it."""
    step = datetime.timedelta(days=rng.randint(2, 6))
    age = (LAST_DAY - case.received_on).days
    case = cases.case_status_set(actor=fasilitator, case=case, status=CaseStatus.ASESMEN, on=min(day + step, LAST_DAY))
    if age < 10:
        return "asesmen"
    case = cases.case_status_set(
        actor=fasilitator, case=case, status=CaseStatus.RENCANA, on=min(day + 2 * step, LAST_DAY)
    )
    sent = min(day + 3 * step, LAST_DAY)
    referral = referrals.referral_create(
        actor=fasilitator, case=case, sector=need[0], office=need[3], reason=need[2], sent_on=sent
    )
    roll = rng.random()
    if age < 30 or roll < 0.12:  # not answered yet (the older ones are overdue)
        return "dirujuk"
    if roll < 0.22:
        referrals.referral_status_set(
            actor=fasilitator,
            referral=referral,
            status=ReferralStatus.DITOLAK,
            response="Tidak memenuhi syarat program",
            responder_name="Petugas layanan",
        )
        case.refresh_from_db()
        cases.case_status_set(actor=fasilitator, case=case, status=CaseStatus.EVALUASI, on=min(sent + step, LAST_DAY))
        case.refresh_from_db()
        cases.case_status_set(
            actor=fasilitator,
            case=case,
            status=CaseStatus.DITUTUP,
            note="Rujukan ditolak; diarahkan ke program lain",
            on=min(sent + 2 * step, LAST_DAY),
        )
        return "ditolak"
    referrals.referral_status_set(
        actor=fasilitator,
        referral=referral,
        status=ReferralStatus.DITERIMA,
        response="Berkas diterima, sedang diproses",
        responder_name="Petugas layanan",
    )
    if roll < 0.35:
        return "diterima"
    referral.refresh_from_db()
    referrals.referral_status_set(
        actor=fasilitator,
        referral=referral,
        status=ReferralStatus.DITINDAKLANJUTI,
        response="Sudah dijadwalkan",
        responder_name="Petugas layanan",
    )
    if roll < 0.5:
        return "ditindaklanjuti"
    referral.refresh_from_db()
    referrals.referral_status_set(
        actor=fasilitator,
        referral=referral,
        status=ReferralStatus.SELESAI,
        response="Layanan sudah diterima warga",
        responder_name="Petugas layanan",
    )
    case.refresh_from_db()
    cases.case_status_set(actor=fasilitator, case=case, status=CaseStatus.EVALUASI, on=min(sent + 2 * step, LAST_DAY))
    case.refresh_from_db()
    if roll < 0.9:
        cases.case_status_set(
            actor=fasilitator, case=case, status=CaseStatus.SELESAI, on=min(sent + 3 * step, LAST_DAY)
        )
        if rng.random() < 0.5:
            case.refresh_from_db()
            cases.case_review(actor=tksk, case=case, note="Sudah sesuai")
        return "selesai"
    return "evaluasi"


@transaction.atomic
def build(*, actor, rng) -> list[str]:
    tksk = User.objects.filter(username="tksk.kabandungan").first()
    admin = User.objects.filter(username="admin.sukabumi").first()
    if tksk is None or admin is None or Case.objects.filter(desa__code__startswith=KABANDUNGAN + ".").exists():
        return []
    fasilitators = {
        assignment.area_id: assignment.user
        for assignment in RoleAssignment.objects.filter(
            ended_at__isnull=True, role="fasilitator", area__code__startswith=KABANDUNGAN + "."
        ).select_related("user")
    }
    made = proposals = 0
    for desa, fasilitator in sorted(fasilitators.items()):
        people = list(
            Person.objects.filter(
                household__desa_id=desa,
                relation="kepala_keluarga",
                deleted_at__isnull=True,
                household__deleted_at__isnull=True,
            )
            .select_related("household")
            .order_by("nik")
        )
        rng.shuffle(people)
        span = (LAST_DAY - FIRST_DAY).days
        for index, person in enumerate(people[:REQUESTS_PER_DESA]):
            need = NEEDS[(index + len(desa)) % len(NEEDS)]
            received = FIRST_DAY + datetime.timedelta(days=span * index // REQUESTS_PER_DESA + rng.randint(0, 6))
            received = min(received, LAST_DAY)
            case = cases.case_intake(
                actor=fasilitator,
                person=person,
                channel=rng.choice(CHANNELS),
                sector=need[0],
                problem_kind=need[1],
                description=need[2],
                received_on=received,
                proposal_reason="Keluarga miskin belum terdaftar; penghasilan tidak tetap",
            )
            made += 1
            proposals += 1 if getattr(case, "proposal", None) else 0
            _walk(case, fasilitator, tksk, received, rng, need)
    # two confidential cases: violence against a wife, a child at risk
    cipeuteuy = fasilitators.get(f"{KABANDUNGAN}.2002")
    mothers = Person.objects.filter(household__desa_id=f"{KABANDUNGAN}.2002", relation="suami_istri", sex="P").order_by("nik")[:2]
    for person, kind, text in zip(
        mothers,
        [ProblemKind.KEKERASAN, ProblemKind.ANAK],
        [
            "Kekerasan dalam rumah tangga; korban mengungsi ke rumah orang tua",
            "Anak tidak terurus, orang tua bekerja di luar kota",
        ],
        strict=False,
    ):
        case = cases.case_intake(
            actor=cipeuteuy,
            person=person,
            channel=Channel.KUNJUNGAN_RUMAH,
            sector=Sector.PERLINDUNGAN,
            problem_kind=kind,
            description=text,
            received_on=datetime.date(2026, 10, 5),
            proposal_reason="Keluarga miskin belum terdaftar",
        )
        cases.case_note_add(actor=cipeuteuy, case=case, text="Korban didampingi ke UPTD PPA; identitas dirahasiakan")
        cases.case_status_set(actor=cipeuteuy, case=case, status=CaseStatus.ASESMEN, on=datetime.date(2026, 10, 6))
        made += 1
    # register proposals taken forward to several states
    steps = ["draf", "musyawarah_desa", "verifikasi_validasi", "pengesahan", "dikirim", "ditetapkan", "ditolak"]
    for index, proposal in enumerate(RegisterProposal.objects.select_related("household").order_by("created_at", "pk")):
        target = steps[index % len(steps)]
        fasilitator = fasilitators.get(proposal.desa_id)
        if target == "draf" or fasilitator is None:
            continue
        proposal = register.proposal_musdes(
            actor=fasilitator,
            proposal=proposal,
            musdes_on=min(LAST_DAY, proposal.created_at.date()),
            minutes=_pdf("berita-acara-musdes.pdf"),
            bnba=_bnba(proposal.household),
        )
        if target == "musyawarah_desa":
            continue
        refused = target == "ditolak" and index % 2
        proposal = register.proposal_verify(
            actor=tksk,
            proposal=proposal,
            result="tidak_layak" if refused else "layak",
            note="Memiliki usaha warung besar" if refused else "",
        )
        if target == "verifikasi_validasi" or refused:
            continue
        for state in ("pengesahan", "dikirim", "ditetapkan" if target != "ditolak" else "ditolak"):
            who = admin if state in ("ditetapkan",) else tksk
            proposal = register.proposal_advance(
                actor=who,
                proposal=proposal,
                to_state=state,
                note="Tidak lolos penetapan pusat" if state == "ditolak" else "",
            )
            if state == target:
                break
    for kind, name, desa, leader, members in PSKS:
        if not Psks.objects.filter(name=name).exists():
            register.psks_add(actor=tksk, kind=kind, name=name, desa_code=desa, leader=leader, members=members)
    for desa in sorted(fasilitators):
        register.ppks_count_record(
            actor=tksk,
            desa_code=desa,
            category="09",
            count=rng.randint(5, 30),
            counted_on=datetime.date(2026, 9, 15),
            source="Pendataan PMKS bersama RT/RW",
        )
    return [f"{made} kasus Puskesos", f"{proposals} usulan DTKS", f"{len(PSKS)} PSKS"]
