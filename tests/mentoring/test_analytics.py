"""The role analytics on a hand-checked fixture: counts and shares cell by cell, the gaps in key roles, the
comparison by typology and trend, scoping and the number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pendamping.accounts.vocab import Role
from pendamping.kube.models import ProgressReport
from pendamping.kube.services import groups as kube_groups
from pendamping.mentoring.selectors import analytics
from pendamping.mentoring.selectors.analytics import Period
from pendamping.mentoring.services import contacts
from tests.conftest import KABANDUNGAN
from tests.kube.helpers import formed_kube, make_kube, pass_t0
from tests.mentoring.helpers import record

pytestmark = pytest.mark.django_db

JUNE = Period(date_from=datetime.date(2026, 6, 1), date_to=datetime.date(2026, 6, 30))


@pytest.fixture
def pendamping_kabandungan(make_user):
    return make_user("pendamping.kabandungan", Role.PENDAMPING, KABANDUNGAN, "Yayan Sopyan")


@pytest.fixture
def fixture(tksk_kabandungan, fasilitator_cipeuteuy, pendamping_kabandungan):
    """3 workers, 2 groups, 7 live contacts in June (and one removed, one in May, which do not count)."""
    a = make_kube(tksk_kabandungan, name="KUBE Sukamaju")
    b = make_kube(tksk_kabandungan, name="KUBE Mekar Jaya")
    tksk, fasil, pend = tksk_kabandungan, fasilitator_cipeuteuy, pendamping_kabandungan
    record(tksk, kube=a, roles=["enabler", "broker"], tks_roles=["03"])
    record(tksk, kube=a, roles=["enabler"], tks_roles=["03", "04"])
    record(tksk, roles=["social_planner"], tks_roles=["06"])  # a community meeting, no group
    record(fasil, kube=b, roles=["expert", "enabler"])
    record(fasil, kube=a, roles=["broker"])
    record(pend, kube=b, roles=["enabler"], tks_roles=["03"])
    record(pend, kube=b, roles=["advocate"])
    removed = record(pend, kube=b, roles=["activist"])
    contacts.contact_delete(actor=pend, contact=removed, reason="salah catat")
    record(tksk, kube=a, roles=["activist"], contact_date=datetime.date(2026, 5, 31))
    return {"a": a, "b": b, "tksk": tksk, "fasil": fasil, "pend": pend}


def cells(row) -> dict:
    """The non-empty cells of a row: {code: (count, share)}."""
    return {c.code: (c.count, c.share) for c in row.cells if c.count}


def test_the_worker_matrix_counts_each_role_per_worker_with_its_share_of_the_workers_contacts(fixture, admin_sukabumi):
    matrix = analytics.role_matrix(actor=admin_sukabumi, period=JUNE, by="worker")
    rows = {row.key: row for row in matrix.rows}
    assert set(rows) == {fixture["tksk"].pk, fixture["fasil"].pk, fixture["pend"].pk}
    tksk, fasil, pend = rows[fixture["tksk"].pk], rows[fixture["fasil"].pk], rows[fixture["pend"].pk]
    assert tksk.label == "Asep Saepudin" and tksk.contacts == 3
    assert cells(tksk) == {
        "enabler": (2, 66.7),
        "broker": (1, 33.3),
        "social_planner": (1, 33.3),
        "03": (2, 66.7),
        "04": (1, 33.3),
        "06": (1, 33.3),
    }
    assert fasil.contacts == 2
    assert cells(fasil) == {"expert": (1, 50.0), "enabler": (1, 50.0), "broker": (1, 50.0)}
    assert pend.contacts == 2
    assert cells(pend) == {"enabler": (1, 50.0), "advocate": (1, 50.0), "03": (1, 50.0)}
    assert matrix.total.contacts == 7
    assert cells(matrix.total) == {
        "enabler": (4, 57.1),
        "broker": (2, 28.6),
        "expert": (1, 14.3),
        "social_planner": (1, 14.3),
        "advocate": (1, 14.3),
        "03": (3, 42.9),
        "04": (1, 14.3),
        "06": (1, 14.3),
    }
    assert len(matrix.total.cells) == 20 and matrix.total.cell("zastrow", "activist").count == 0


def test_the_group_matrix_counts_only_contacts_with_a_group(fixture, admin_sukabumi):
    matrix = analytics.role_matrix(actor=admin_sukabumi, period=JUNE, by="kube")
    rows = {row.key: row for row in matrix.rows}
    assert set(rows) == {fixture["a"].pk, fixture["b"].pk}
    a, b = rows[fixture["a"].pk], rows[fixture["b"].pk]
    assert a.label == "KUBE Sukamaju" and a.contacts == 3
    assert cells(a) == {"enabler": (2, 66.7), "broker": (2, 66.7), "03": (2, 66.7), "04": (1, 33.3)}
    assert b.contacts == 3
    assert cells(b) == {"expert": (1, 33.3), "enabler": (2, 66.7), "advocate": (1, 33.3), "03": (1, 33.3)}
    assert matrix.total.contacts == 6
    assert cells(matrix.total) == {
        "enabler": (4, 66.7),
        "broker": (2, 33.3),
        "expert": (1, 16.7),
        "advocate": (1, 16.7),
        "03": (3, 50.0),
        "04": (1, 16.7),
    }


def test_the_period_includes_both_ends_and_the_area_narrows_the_matrix(fixture, admin_sukabumi):
    one_day = Period(date_from=datetime.date(2026, 5, 31), date_to=datetime.date(2026, 5, 31))
    matrix = analytics.role_matrix(actor=admin_sukabumi, period=one_day, by="kube")
    assert [(r.key, r.contacts) for r in matrix.rows] == [(fixture["a"].pk, 1)]
    elsewhere = Period(JUNE.date_from, JUNE.date_to, area="32.02.18")
    assert analytics.role_matrix(actor=admin_sukabumi, period=elsewhere, by="worker").rows == []
    here = Period(JUNE.date_from, JUNE.date_to, area=KABANDUNGAN)
    assert analytics.role_matrix(actor=admin_sukabumi, period=here, by="worker").total.contacts == 7


def test_a_tksk_of_another_kecamatan_sees_none_of_the_contacts(fixture, tksk_kalapanunggal):
    assert analytics.role_matrix(actor=tksk_kalapanunggal, period=JUNE, by="worker").rows == []
    assert analytics.role_matrix(actor=tksk_kalapanunggal, period=JUNE, by="kube").total.contacts == 0
    assert analytics.role_gaps(actor=tksk_kalapanunggal) == []


def test_the_matrices_take_the_same_number_of_queries_for_more_contacts(fixture, admin_sukabumi):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            analytics.role_matrix(actor=admin_sukabumi, period=JUNE, by="worker")
            analytics.role_matrix(actor=admin_sukabumi, period=JUNE, by="kube")
            analytics.role_gaps(actor=admin_sukabumi)
            analytics.role_comparison(actor=admin_sukabumi, period=JUNE)
        return len(captured)

    analytics.role_matrix(actor=admin_sukabumi, period=JUNE, by="worker")  # the scope is read once
    before = queries()
    c = make_kube(fixture["tksk"], name="KUBE Baru")
    for index in range(6):
        record(fixture["fasil"], kube=c, roles=["expert", "activist"], tks_roles=["12"], what_done=f"kunjungan {index}")
    assert queries() == before
    assert before <= 10


# -- gaps -------------------------------------------------------------------------------------------------------------


def _t1_group(actor):
    kube = formed_kube(actor, name="KUBE Sukamaju")
    return pass_t0(actor, kube)


@pytest.mark.parametrize(("days_ago", "broker_gap"), [(91, True), (90, False), (89, False)])
def test_a_key_role_last_played_more_than_90_days_ago_is_a_gap(tksk_kabandungan, days_ago, broker_gap):
    kube = _t1_group(tksk_kabandungan)
    today = datetime.date(2026, 9, 1)
    record(tksk_kabandungan, kube=kube, roles=["broker"], contact_date=today - datetime.timedelta(days=days_ago))
    record(tksk_kabandungan, kube=kube, roles=["enabler", "advocate"], contact_date=today - datetime.timedelta(days=5))
    gaps = analytics.role_gaps(actor=tksk_kabandungan, today=today)
    expected = {"expert", "broker"} if broker_gap else {"expert"}
    assert {(g.kube.pk, g.role) for g in gaps} == {(kube.pk, role) for role in expected}
    expert = next(g for g in gaps if g.role == "expert")
    assert expert.last_played is None and expert.days == 90
    assert "KUBE Sukamaju" in expert.message and "90" in expert.message
    if broker_gap:
        broker = next(g for g in gaps if g.role == "broker")
        assert broker.last_played == today - datetime.timedelta(days=91)


def test_removed_contacts_do_not_fill_a_gap_and_dissolved_groups_have_none(tksk_kabandungan, settings):
    kube = _t1_group(tksk_kabandungan)
    today = timezone.localdate()
    contact = record(tksk_kabandungan, kube=kube, roles=["enabler", "broker", "expert"], contact_date=today)
    assert analytics.role_gaps(actor=tksk_kabandungan, today=today) == []
    contacts.contact_delete(actor=tksk_kabandungan, contact=contact, reason="salah catat")
    assert {g.role for g in analytics.role_gaps(actor=tksk_kabandungan, today=today)} == {"enabler", "broker", "expert"}
    settings.PENDAMPING = {**settings.PENDAMPING, "MENTORING_KEY_ROLES": {"T1": ["activist"]}}
    assert [g.role for g in analytics.role_gaps(actor=tksk_kabandungan, today=today)] == ["activist"]
    kube_groups.kube_status_set(actor=tksk_kabandungan, kube=kube, status="bubar", reason="bubar")
    assert analytics.role_gaps(actor=tksk_kabandungan, today=today) == []


# -- comparison -------------------------------------------------------------------------------------------------------


def _report(kube, month: int, omzet: int, typology: str):
    return ProgressReport.objects.create(
        kube=kube,
        month=datetime.date(2026, month, 1),
        omzet=omzet,
        profit=0,
        capital=0,
        iks_collected=0,
        iks_used=0,
        active_members=5,
        business_status="aktif",
        typology=typology,
        submitted_at=timezone.now(),
    )


def test_the_comparison_sums_the_roles_of_groups_by_typology_and_by_trend(fixture, admin_sukabumi):
    a = fixture["a"]
    for month, omzet in ((2, 100), (3, 120), (4, 90), (5, 150)):  # a: latest 150 against 100 three reports earlier
        _report(a, month, omzet, "belum_tumbuh" if month < 5 else "tumbuh")
    c = make_kube(fixture["tksk"], name="KUBE Tanpa Kunjungan")
    for month, omzet in ((3, 200), (4, 100), (5, 50), (6, 200)):  # c: flat, no contacts
        _report(c, month, omzet, "berkembang")
    d = make_kube(fixture["tksk"], name="KUBE Menurun")
    for month, omzet in ((3, 200), (4, 100)):  # d: two reports only, unknown trend
        _report(d, month, omzet, "berkembang")
    record(fixture["tksk"], kube=d, roles=["expert"])
    comparison = analytics.role_comparison(actor=admin_sukabumi, period=JUNE)
    typology = {row.key: row for row in comparison.by_typology}
    assert list(typology) == ["belum_tumbuh", "tumbuh", "berkembang", "maju", "none"]
    assert (typology["tumbuh"].groups, typology["tumbuh"].contacts) == (1, 3)
    assert cells(typology["tumbuh"]) == cells(
        next(r for r in analytics.role_matrix(actor=admin_sukabumi, period=JUNE, by="kube").rows if r.key == a.pk)
    )
    assert (typology["berkembang"].groups, typology["berkembang"].contacts) == (2, 1)
    assert cells(typology["berkembang"]) == {"expert": (1, 100.0)}
    assert (typology["none"].groups, typology["none"].contacts) == (1, 3)  # b has no report
    assert cells(typology["none"]) == {
        "expert": (1, 33.3),
        "enabler": (2, 66.7),
        "advocate": (1, 33.3),
        "03": (1, 33.3),
    }
    assert (typology["maju"].groups, typology["maju"].contacts, cells(typology["maju"])) == (0, 0, {})
    trend = {row.key: row for row in comparison.by_trend}
    assert list(trend) == ["rising", "flat", "falling", "unknown"]
    assert (trend["rising"].groups, trend["rising"].contacts) == (1, 3)
    assert (trend["flat"].groups, trend["flat"].contacts) == (1, 0)
    assert (trend["falling"].groups, trend["falling"].contacts) == (0, 0)
    assert (trend["unknown"].groups, trend["unknown"].contacts) == (2, 4)  # b (no report) and d (two reports)
    assert cells(trend["unknown"])["expert"] == (2, 50.0)
