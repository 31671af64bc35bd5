"""The monthly TKSK report through its services: the figures on a hand-checked fixture, its states (draft,
submitted, acknowledged), optimistic locking, permissions and scoping, the audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.mentoring.models import TkskReport
from pendamping.mentoring.selectors import reports as selectors
from pendamping.mentoring.services import contacts, reports
from pendamping.registry.services import person_ppks_add
from tests.conftest import KABANDUNGAN, KALAPANUNGGAL
from tests.kube.helpers import formed_kube, make_kube, pass_t0
from tests.mentoring.helpers import record
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2026, 6, 1)
JULY_15 = datetime.date(2026, 7, 15)
OTHER_DESA = "32.02.19.2001"
KALAPANUNGGAL_DESA = "32.02.18.2001"


def d(day: int, month: int = 6) -> datetime.date:
    return datetime.date(2026, month, day)


@pytest.fixture
def june(tksk_kabandungan, fasilitator_cipeuteuy, tksk_kalapanunggal, admin_sukabumi):
    tksk, fasil = tksk_kabandungan, fasilitator_cipeuteuy
    a = make_kube(tksk, name="KUBE Sukamaju")
    b = pass_t0(tksk, formed_kube(tksk, name="KUBE Mekar Jaya"))
    make_kube(tksk, name="KUBE Tidak Dikunjungi")  # T0, not visited
    far = make_kube(admin_sukabumi, name="KUBE Kalapanunggal", desa=KALAPANUNGGAL_DESA)
    # the five contacts of June in Kabandungan
    first = record(
        tksk,
        kube=a,
        roles=["enabler", "broker"],
        tks_roles=["03"],
        contact_date=d(10),
        tasks=[{"title": "Buka rekening", "due_on": d(20)}],
    )
    record(
        tksk,
        kube=b,
        roles=["expert"],
        tks_roles=["03", "04"],
        contact_date=d(12),
        tasks=[{"title": "Cari pembeli", "due_on": d(25)}],
    )
    record(fasil, kube=a, method="casework", roles=["enabler"], contact_date=d(15))
    record(fasil, roles=["social_planner"], tks_roles=["06"], contact_date=d(20))
    record(tksk, roles=["advocate"], contact_date=d(30))
    # not counted: July, removed, another kecamatan
    record(tksk, kube=a, roles=["activist"], contact_date=d(1, 7))
    removed = record(tksk, kube=a, roles=["activist"], contact_date=d(11))
    contacts.contact_delete(actor=tksk, contact=removed, reason="salah catat")
    record(tksk_kalapanunggal, kube=far, roles=["activist"], contact_date=d(11))
    # tasks: done in June; overdue at the end of June though done in July; cancelled
    done = first.tasks.get()
    contacts.task_set_status(actor=tksk, task=done, status="done", on=d(18))
    may = record(tksk, roles=["enabler"], contact_date=d(28, 5), tasks=[{"title": "Rapat", "due_on": d(5)}])
    contacts.task_set_status(actor=tksk, task=may.tasks.get(), status="done", on=d(2, 7))
    cancelled = contacts.task_add(actor=tksk, desa_code=OTHER_DESA, title="Batal", assignee=tksk, due_on=d(1))
    contacts.task_set_status(actor=tksk, task=cancelled, status="cancelled")
    # PPKS: two rows of one person and one of another in June; one in May; one in Kalapanunggal
    head = make_household(tksk, serial=11).head
    person_ppks_add(actor=tksk, person=head, category="01", assessed_on=d(5), source="uji")
    person_ppks_add(actor=tksk, person=head, category="12", assessed_on=d(20), source="uji")
    other = make_household(tksk, serial=12, desa=OTHER_DESA).head
    person_ppks_add(actor=tksk, person=other, category="12", assessed_on=d(30), source="uji")
    person_ppks_add(actor=tksk, person=other, category="03", assessed_on=d(31, 5), source="uji")
    far_head = make_household(tksk_kalapanunggal, serial=13, desa=KALAPANUNGGAL_DESA).head
    person_ppks_add(actor=tksk_kalapanunggal, person=far_head, category="12", assessed_on=d(5), source="uji")
    return {"a": a, "b": b}


def nonzero(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if value}


def test_the_figures_of_june_count_the_kecamatans_records(june, tksk_kabandungan):
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=d(17), today=JULY_15)
    assert report.month == JUNE and report.status == "draft"
    figures = TkskReport.objects.get(pk=report.pk).figures
    every, own = figures["contacts"]["all"], figures["contacts"]["own"]
    assert every["total"] == 5
    assert every["by_method"] == {"casework": 1, "groupwork": 2, "cocd": 2}
    assert nonzero(every["by_role"]) == {"enabler": 2, "broker": 1, "expert": 1, "social_planner": 1, "advocate": 1}
    assert nonzero(every["by_tks_role"]) == {"03": 2, "04": 1, "06": 1}
    assert own["total"] == 3
    assert own["by_method"] == {"casework": 0, "groupwork": 2, "cocd": 1}
    assert nonzero(own["by_role"]) == {"enabler": 1, "broker": 1, "expert": 1, "advocate": 1}
    assert nonzero(own["by_tks_role"]) == {"03": 2, "04": 1}
    assert [(g["name"], g["stage"], g["contacts"]) for g in figures["groups_visited"]] == [
        ("KUBE Mekar Jaya", "T1", 1),
        ("KUBE Sukamaju", "T0", 2),
    ]
    assert figures["groups_by_stage"] == {"T0": 2, "T1": 1, "T2": 0, "T3": 0}
    assert figures["tasks"] == {"opened": 2, "done": 1, "overdue": 2}
    assert figures["ppks"] == {"total": 3, "people": 2, "by_category": {"01": 1, "12": 2}}
    assert figures["casework"] == 0 and figures["referrals"] == 0  # no Puskesos case in the fixture
    event = AuditEvent.objects.get(action="mentoring.report_generate")
    assert event.area_code == KABANDUNGAN and event.actor == tksk_kabandungan


def test_the_figures_take_the_same_number_of_queries_for_more_records(
    june, tksk_kabandungan, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.report_figures(kecamatan_code=KABANDUNGAN, month=JUNE, worker=tksk_kabandungan, today=JULY_15)
        return len(captured)

    before = queries()
    for day in range(1, 6):
        record(tksk_kabandungan, kube=june["b"], roles=["broker"], contact_date=d(day))
    assert queries() == before


def test_the_figures_count_the_puskesos_cases_handled_and_referrals_sent_in_the_month(
    tksk_kabandungan, fasilitator_cipeuteuy
):
    from pendamping.mentoring.selectors.reports import report_figures
    from pendamping.puskesos.services.referrals import referral_create
    from tests.puskesos.helpers import make_case

    may = make_case(fasilitator_cipeuteuy, received_on=datetime.date(2026, 5, 20))  # still open in June
    make_case(fasilitator_cipeuteuy, received_on=datetime.date(2026, 7, 2))  # after June
    referral_create(
        actor=fasilitator_cipeuteuy,
        case=may,
        sector="kesehatan",
        office="Puskesmas Kabandungan",
        reason="PBI-JK",
        sent_on=datetime.date(2026, 6, 3),
    )
    figures = report_figures(kecamatan_code=KABANDUNGAN, month=datetime.date(2026, 6, 1), worker=tksk_kabandungan)
    assert (figures["casework"], figures["referrals"]) == (1, 1)


def test_a_draft_regenerates_then_is_frozen_once_submitted(june, tksk_kabandungan):
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE, today=JULY_15)
    record(tksk_kabandungan, kube=june["a"], roles=["broker"], contact_date=d(21))
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE, today=JULY_15)
    assert report.figures["contacts"]["all"]["total"] == 6 and report.version == 2
    assert TkskReport.objects.count() == 1
    report = reports.report_update(
        actor=tksk_kabandungan, report=report, narrative="Bulan ini fokus pada KUBE Sukamaju.", expected_version=2
    )
    report = reports.report_submit(actor=tksk_kabandungan, report=report, expected_version=3)
    assert report.status == "submitted" and report.submitted_at is not None
    record(tksk_kabandungan, kube=june["a"], roles=["broker"], contact_date=d(22))
    with pytest.raises(ValidationError):
        reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE, today=JULY_15)
    with pytest.raises(ValidationError):
        reports.report_update(actor=tksk_kabandungan, report=report, narrative="ubah", expected_version=4)
    stored = TkskReport.objects.get(pk=report.pk)
    assert stored.figures["contacts"]["all"]["total"] == 6 and stored.narrative.startswith("Bulan ini")


def test_a_stale_narrative_is_refused(june, tksk_kabandungan):
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE, today=JULY_15)
    reports.report_update(actor=tksk_kabandungan, report=report, narrative="pertama", expected_version=1)
    with pytest.raises(ValidationError) as caught:
        reports.report_update(actor=tksk_kabandungan, report=report, narrative="kedua", expected_version=1)
    assert "narrative" in caught.value.message_dict
    assert TkskReport.objects.get(pk=report.pk).narrative == "pertama"


def test_the_dinas_sosial_acknowledges_a_submitted_report_with_a_note(june, tksk_kabandungan, admin_sukabumi):
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE, today=JULY_15)
    with pytest.raises(ValidationError):
        reports.report_acknowledge(actor=admin_sukabumi, report=report, note="belum diajukan")
    report = reports.report_submit(actor=tksk_kabandungan, report=report, expected_version=1)
    with pytest.raises(NotAllowed):
        reports.report_acknowledge(actor=tksk_kabandungan, report=report, note="sendiri")
    report = reports.report_acknowledge(actor=admin_sukabumi, report=report, note="Diterima, terima kasih.")
    assert report.status == "acknowledged" and report.acknowledged_by == admin_sukabumi
    assert report.acknowledgement_note == "Diterima, terima kasih."
    actions = list(AuditEvent.objects.filter(action__startswith="mentoring.report").values_list("action", flat=True))
    assert sorted(actions) == ["mentoring.report_acknowledge", "mentoring.report_generate", "mentoring.report_submit"]


def test_a_tksk_cannot_report_on_or_write_another_kecamatan(june, tksk_kabandungan, tksk_kalapanunggal, admin_sukabumi):
    with pytest.raises(NotAllowed):
        reports.report_generate(actor=tksk_kalapanunggal, kecamatan_code=KABANDUNGAN, month=JUNE, today=JULY_15)
    with pytest.raises(NotAllowed):  # the admin acknowledges; the report is the TKSK's
        reports.report_generate(actor=admin_sukabumi, kecamatan_code=KABANDUNGAN, month=JUNE, today=JULY_15)
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE, today=JULY_15)
    with pytest.raises(NotAllowed):
        reports.report_update(actor=tksk_kalapanunggal, report=report, narrative="bukan milik", expected_version=1)
    with pytest.raises(NotAllowed):
        reports.report_submit(actor=tksk_kalapanunggal, report=report, expected_version=1)
    assert list(selectors.reports_visible(actor=tksk_kalapanunggal)) == []
    assert list(selectors.reports_visible(actor=tksk_kabandungan)) == [report]
    assert list(selectors.reports_visible(actor=admin_sukabumi, status="draft")) == [report]
    other = reports.report_generate(actor=tksk_kalapanunggal, kecamatan_code=KALAPANUNGGAL, month=JUNE, today=JULY_15)
    assert other.figures["contacts"]["all"]["total"] == 1 and other.figures["ppks"]["total"] == 1


def test_a_report_cannot_be_made_for_a_month_to_come(tksk_kabandungan):
    with pytest.raises(ValidationError) as caught:
        reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=d(1, 8), today=JULY_15)
    assert "month" in caught.value.message_dict
    with pytest.raises(ValidationError):
        reports.report_generate(actor=tksk_kabandungan, kecamatan_code="32.02.19.2002", month=JUNE, today=JULY_15)
