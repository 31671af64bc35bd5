"""Referral pages through the test client: refer from a case, the list with its filters, overdue flag and ageing
(fixed queries), a referral's page and status, the letter (no live link until a fresh letter is issued), the XLSX
export, the case page's partial, and scoping."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.core.models import AuditEvent
from pendamping.puskesos.models import Referral
from pendamping.puskesos.selectors.referrals import case_referrals
from pendamping.puskesos.services import referrals

from .helpers import make_case


def today():
    return timezone.localdate()


@pytest.fixture
def case(fasilitator_cipeuteuy, tksk_kabandungan):
    return make_case(
        fasilitator_cipeuteuy, household_actor=tksk_kabandungan, received_on=today() - datetime.timedelta(days=40)
    )


def refer(actor, case, days_ago=0, **values):
    defaults = {"sector": "kesehatan", "office": "Puskesmas Kabandungan", "reason": "Mohon layanan PBI-JK"}
    return referrals.referral_create(
        actor=actor, case=case, sent_on=today() - datetime.timedelta(days=days_ago), **{**defaults, **values}
    )


def test_a_fasilitator_refers_a_case_from_its_page(case, fasilitator_cipeuteuy, login):
    client = login(fasilitator_cipeuteuy)
    page = client.get(reverse("puskesos:referral-create", args=[case.pk]))
    assert page.status_code == 200 and page.context["form"]["sector"].value() == case.sector
    response = client.post(
        reverse("puskesos:referral-create", args=[case.pk]),
        {"sector": "adminduk", "office": "Disdukcapil", "reason": "Akta kelahiran", "sent_on": today().isoformat()},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "puskesos:referral-detail", args=[referral.pk]
    )
    assert (referral.sector, referral.office, referral.case_id) == ("adminduk", "Disdukcapil", case.pk)


def test_a_bad_referral_names_its_fields(case, fasilitator_cipeuteuy, login):
    page = login(fasilitator_cipeuteuy).post(
        reverse("puskesos:referral-create", args=[case.pk]), {"sector": "kesehatan", "office": "", "reason": ""}
    )
    assert page.status_code == 200 and {"office", "reason", "sent_on"} <= set(page.context["form"].errors)
    assert not Referral.objects.exists()


def test_the_list_flags_overdue_referrals_and_shows_their_age(case, fasilitator_cipeuteuy, tksk_kabandungan, login):
    late = refer(fasilitator_cipeuteuy, case, days_ago=20)
    fresh = refer(fasilitator_cipeuteuy, case, days_ago=3, sector="adminduk", office="Disdukcapil")
    client = login(tksk_kabandungan)
    page = client.get(reverse("puskesos:referral-list"))
    rows = {r.number: r for r in page.context["page"]}
    assert rows[late.number].overdue and rows[late.number].age_days == 20
    assert not rows[fresh.number].overdue and rows[fresh.number].age_days == 3
    html = page.content.decode()
    assert f'data-referral="{late.number}" data-status="dikirim" data-overdue="1"' in html
    assert f'data-referral="{fresh.number}" data-status="dikirim">' in html
    overdue = client.get(reverse("puskesos:referral-list"), {"overdue": "on"})
    assert [r.number for r in overdue.context["page"]] == [late.number]
    by_sector = client.get(reverse("puskesos:referral-list"), {"sector": "adminduk"})
    assert [r.number for r in by_sector.context["page"]] == [fresh.number]
    by_desa = client.get(reverse("puskesos:referral-list"), {"desa": "32.02.19.2001"})
    assert list(by_desa.context["page"]) == []


def test_the_list_takes_the_same_queries_for_few_and_many(fasilitator_cipeuteuy, tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    first = make_case(fasilitator_cipeuteuy, household_actor=tksk_kabandungan)
    refer(fasilitator_cipeuteuy, first)
    client.get(reverse("puskesos:referral-list"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("puskesos:referral-list")).status_code == 200
    for _n in range(5):
        refer(fasilitator_cipeuteuy, make_case(fasilitator_cipeuteuy, household_actor=tksk_kabandungan))
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("puskesos:referral-list"))
    assert page.context["page"].paginator.count == 6
    assert len(many) == len(few)


def test_staff_record_the_office_answer_on_the_referral_page(case, fasilitator_cipeuteuy, login):
    referral = refer(fasilitator_cipeuteuy, case)
    client = login(fasilitator_cipeuteuy)
    form = client.get(reverse("puskesos:referral-status", args=[referral.pk]))
    assert [v for v, _label in form.context["form"].fields["status"].choices] == [
        "diterima",
        "ditindaklanjuti",
        "selesai",
        "ditolak",
    ]
    response = client.post(
        reverse("puskesos:referral-status", args=[referral.pk]),
        {"status": "ditolak", "response": "Bukan wilayah kami", "responder_name": "Pak Ujang", "version": 1},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.response) == ("ditolak", "Bukan wilayah kami")
    detail = client.get(reverse("puskesos:referral-detail", args=[referral.pk]))
    html = detail.content.decode()
    assert 'data-status="ditolak"' in html and "Bukan wilayah kami" in html and "Pak Ujang" in html
    assert 'data-action="puskesos.referral_status"' in html and 'data-action="puskesos.referral_create"' in html
    assert not detail.context["can_change"]


def test_the_letter_shows_a_live_link_and_qr_code_only_when_issued(case, fasilitator_cipeuteuy, login):
    referral = refer(fasilitator_cipeuteuy, case)
    client = login(fasilitator_cipeuteuy)
    letter = client.get(reverse("puskesos:referral-letter", args=[referral.pk]))
    html = letter.content.decode()
    assert letter.status_code == 200 and "/puskesos/jawab/" not in html and "<svg" not in html
    assert case.person.name in html and case.person.nik in html and referral.number in html
    assert "no-store" in letter["Cache-Control"] and letter["Referrer-Policy"] == "same-origin"
    issued = client.post(reverse("puskesos:referral-letter-issue", args=[referral.pk]))
    html = issued.content.decode()
    assert issued.status_code == 200 and "no-store" in issued["Cache-Control"]
    assert "/puskesos/jawab/" in html and '<svg width="' in html and "<script" not in html
    token = issued.context["answer_url"].rstrip("/").rsplit("/", 1)[1]
    assert referrals.token_check(token).pk == referral.pk
    # opening the letter again shows no link: the token was shown once
    assert (
        "/puskesos/jawab/" not in client.get(reverse("puskesos:referral-letter", args=[referral.pk])).content.decode()
    )


def test_the_export_holds_the_listed_referrals_and_is_audited(case, fasilitator_cipeuteuy, tksk_kabandungan, login):
    late = refer(fasilitator_cipeuteuy, case, days_ago=20)
    refer(fasilitator_cipeuteuy, case, sector="adminduk", office="Disdukcapil")
    response = login(tksk_kabandungan).get(reverse("puskesos:referral-export"), {"overdue": "on"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[7], r[11], r[12]) for r in rows] == [(late.number, "dikirim", 20, "ya")]
    event = AuditEvent.objects.get(action="puskesos_referral.export")
    assert event.actor == tksk_kabandungan and event.changes["rows"]["after"] == 1


def test_the_case_partial_lists_its_referrals_with_the_overdue_flag(case, fasilitator_cipeuteuy):
    late = refer(fasilitator_cipeuteuy, case, days_ago=20)
    request = RequestFactory().get("/")
    request.user = fasilitator_cipeuteuy
    html = render_to_string(
        "puskesos/partials/_case_referrals.html",
        {"case": case, "referrals": case_referrals(case=case)},
        request=request,
    )
    assert f'data-referral="{late.number}" data-status="dikirim"' in html and 'data-overdue="1"' in html
    assert reverse("puskesos:referral-create", args=[case.pk]) in html


def test_a_tksk_of_kalapanunggal_gets_404_for_a_referral_of_cipeuteuy(
    case, fasilitator_cipeuteuy, tksk_kalapanunggal, login
):
    referral = refer(fasilitator_cipeuteuy, case)
    client = login(tksk_kalapanunggal)
    for name, args in [
        ("puskesos:referral-detail", [referral.pk]),
        ("puskesos:referral-letter", [referral.pk]),
        ("puskesos:referral-status", [referral.pk]),
        ("puskesos:referral-create", [case.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("puskesos:referral-letter-issue", args=[referral.pk])).status_code == 404
    assert client.get(reverse("puskesos:referral-list")).context["page"].paginator.count == 0
    referral.refresh_from_db()
    assert not referral.token_hash


def test_the_pengamat_reads_no_referrals(case, fasilitator_cipeuteuy, pengamat_sukabumi, login):
    referral = refer(fasilitator_cipeuteuy, case)
    client = login(pengamat_sukabumi)
    assert client.get(reverse("puskesos:referral-detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("puskesos:referral-list")).status_code == 403


def test_what_a_confidential_case_asks_is_hidden_from_other_desk_staff_and_its_reads_audited(
    fasilitator_cipeuteuy, tksk_kabandungan, make_user, login
):
    case = make_case(fasilitator_cipeuteuy, household_actor=tksk_kabandungan, confidential=True)
    referral = refer(fasilitator_cipeuteuy, case, reason="Pendampingan korban KDRT")
    colleague = make_user("fasilitator.lain", "fasilitator", "32.02.19.2002")
    for name in ("puskesos:referral-detail", "puskesos:referral-letter"):
        html = login(colleague).get(reverse(name, args=[referral.pk])).content.decode()
        assert "KDRT" not in html and "data-confidential-hidden" in html, name
    assert not AuditEvent.objects.filter(action="puskesos.case_read", actor=colleague).exists()
    html = login(fasilitator_cipeuteuy).get(reverse("puskesos:referral-detail", args=[referral.pk])).content.decode()
    assert "KDRT" in html
    assert AuditEvent.objects.filter(action="puskesos.case_read", actor=fasilitator_cipeuteuy).exists()
