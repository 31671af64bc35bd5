"""The audit trail: append-only, written by the services, readable by admins within their own area."""

import datetime

import pytest
from django.utils import timezone

from pendamping.accounts.services import user_update
from pendamping.core.audit import changes_between, json_value
from pendamping.core.models import AppendOnlyError, AuditEvent
from tests.conftest import SUKABUMI


def test_audit_events_cannot_be_edited_or_deleted(tksk_kabandungan):
    event = AuditEvent.objects.filter(action="user.create").first()
    event.reason = "diubah"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_changes_keep_only_what_changed_with_before_and_after():
    before = {"full_name": "Asep", "phone": "0812", "is_active": True}
    after = {"full_name": "Asep Saepudin", "phone": "0812", "is_active": False}
    assert changes_between(before, after) == {
        "full_name": {"before": "Asep", "after": "Asep Saepudin"},
        "is_active": {"before": True, "after": False},
    }
    assert json_value(datetime.date(2026, 11, 28)) == "2026-11-28"


def _events_page(client, **params):
    return client.get("/audit/", params)


def test_admin_reads_the_audit_log_of_their_kabupaten_only(admin_sukabumi, admin_bogor, tksk_kabandungan, login):
    client = login(admin_sukabumi)
    response = _events_page(client)
    assert response.status_code == 200
    body = response.content.decode()
    assert "tksk.kabandungan" in body
    assert "admin.bogor" not in body  # Bogor's events are not Sukabumi's to read


def test_audit_log_filters_by_who_what_when_and_area(admin_sukabumi, tksk_kabandungan, login):
    user_update(actor=admin_sukabumi, user=tksk_kabandungan, full_name="Asep S.", reason="ejaan nama")
    client = login(admin_sukabumi)
    page = _events_page(client, actor="admin.sukabumi", action="user.update").context["page"]
    assert [e.action for e in page] == ["user.update"]
    assert page[0].changes == {"full_name": {"before": "Asep Saepudin", "after": "Asep S."}}
    assert page[0].reason == "ejaan nama"
    assert _events_page(client, area="32.02.18").context["page"].paginator.count == 0
    assert _events_page(client, area="32.02.19", action="user.create").context["page"].paginator.count == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert _events_page(client, date_from=tomorrow.isoformat()).context["page"].paginator.count == 0
    assert _events_page(client, date_to=timezone.localdate().isoformat()).context["page"].paginator.count >= 3


def test_a_bad_area_filter_is_named_and_shows_no_events(admin_sukabumi, login):
    response = _events_page(login(admin_sukabumi), area="32-02")
    assert response.status_code == 200
    assert "32-02" in response.context["form"].errors["area"][0]
    assert response.context["page"].paginator.count == 0


def test_workers_other_than_admin_cannot_open_the_audit_log(tksk_kabandungan, pengamat_sukabumi, login):
    assert _events_page(login(tksk_kabandungan)).status_code == 403
    assert _events_page(login(pengamat_sukabumi)).status_code == 403


def test_audit_page_queries_do_not_grow_with_events(admin_sukabumi, make_user, login, django_assert_max_num_queries):
    for i in range(30):
        make_user(f"fasilitator.{i}", "fasilitator", "32.02.19.2001")
    client = login(admin_sukabumi)
    with django_assert_max_num_queries(12):
        assert _events_page(client).status_code == 200
    assert SUKABUMI
