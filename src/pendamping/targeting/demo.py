"""Demo targeting: the active rule set of 2026 (APBD, Kabupaten Sukabumi) with the domain's defaults, every desa
of Kabandungan screened against it, and one special case (a landslide in Cihamerang) proposed by the TKSK for
families held back only by their desil or a missing DTKS listing, approved by the Dinas Sosial, so that they show
as kasus_khusus. Runs through the services; a second run adds nothing."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel

from . import services
from .models import RuleSet, ScreeningResult, ScreeningRun, SpecialCaseProposal
from .vocab import FundingSource, RuleSetStatus, SpecialCaseKind

SUKABUMI = "32.02"
KABANDUNGAN = "32.02.19"
REFERENCE = datetime.date(2026, 1, 2)  # ages counted to the start of the budget year: the demo never depends on today
REASON = "data demo"
SPECIAL_CASE_DESA = "32.02.19.2003"  # Cihamerang
SPECIAL_CASE_PEOPLE = 3
# a one-page PDF: the desa's letter of the landslide, as a document of the proposal
LETTER = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@transaction.atomic
def build(*, actor, rng) -> list[str]:
    if not Area.objects.filter(code=SUKABUMI).exists():
        return []
    rule_set = RuleSet.objects.filter(
        area_code=SUKABUMI, budget_year=2026, funding_source=FundingSource.APBD, status=RuleSetStatus.ACTIVE
    ).first()
    done = []
    if rule_set is None:
        rule_set = services.rule_set_create(
            actor=actor,
            area_code=SUKABUMI,
            budget_year=2026,
            funding_source=FundingSource.APBD,
            name="Seleksi calon anggota KUBE APBD 2026",
            reason=REASON,
        )
        rule_set = services.rule_set_activate(actor=actor, rule_set=rule_set, reason=REASON)
        done.append("1 aturan seleksi")
    desa_codes = (
        Area.objects.filter(parent_id=KABANDUNGAN, level=AreaLevel.DESA).order_by("code").values_list("code", flat=True)
    )
    screened = 0
    for code in desa_codes:
        if ScreeningRun.objects.filter(rule_set=rule_set, area_code=code).exists():
            continue
        run = services.screening_desa(
            actor=actor, rule_set=rule_set, desa_code=code, reference_date=REFERENCE, reason=REASON
        )
        if run.people:
            screened += 1
    if screened:
        done.append(f"{screened} desa disaring")
    if _special_case(rule_set):
        done.append("1 usulan kasus khusus (disetujui)")
    return done


def _special_case(rule_set: RuleSet) -> bool:
    """Cihamerang's landslide: the TKSK proposes the heads held back only by the poverty-evidence rules, the Dinas
    Sosial admin approves, and their households are screened again (kasus_khusus)."""
    from pendamping.accounts.models import User

    if SpecialCaseProposal.objects.filter(area_code=SPECIAL_CASE_DESA).exists():
        return False
    tksk = User.objects.filter(username="tksk.kabandungan").first()
    admin = User.objects.filter(username="admin.sukabumi").first()
    if tksk is None or admin is None:
        return False
    held_back = Q(rule_desil_maks=False) | Q(rule_terdaftar_dtks__isnull=True) | Q(rule_terdaftar_dtks=False)
    people = list(
        ScreeningResult.objects.filter(
            held_back,
            rule_set=rule_set,
            desa_code=SPECIAL_CASE_DESA,
            current=True,
            rule_umur=True,
            rule_status_kawin=True,
            rule_bukan_asn=True,
            rule_belum_pernah_kube=True,
            rule_kepala_keluarga=True,
        )
        .order_by("person__nik")
        .values_list("person_id", flat=True)[:SPECIAL_CASE_PEOPLE]
    )
    if not people:
        return False
    proposal = services.special_case_propose(
        actor=tksk,
        area_code=SPECIAL_CASE_DESA,
        kind=SpecialCaseKind.BENCANA_ALAM,
        reason=(
            "Longsor di Kampung Cibuluh, 14 Oktober 2026: rumah dan kebun keluarga ini rusak berat; "
            "penghasilan hilang. Surat keterangan kepala desa terlampir."
        ),
        person_ids=people,
        documents=[ContentFile(LETTER, name="surat-keterangan-longsor.pdf")],
    )
    services.special_case_decide(
        actor=admin,
        proposal=proposal,
        approve=True,
        reason="Sesuai laporan BPBD dan kunjungan lapangan.",
        reference_date=REFERENCE,
    )
    return True
