"""Soft criteria: recorded for a person, shown by the next screening, never changing the decision."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pendamping.core.errors import NotAllowed
from pendamping.targeting import services
from tests.targeting.helpers import eligible_household, make_rule_set, screen_one

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 2)


def test_the_latest_soft_criteria_show_in_the_next_screening_and_leave_the_decision(admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    head = eligible_household(tksk_kabandungan).head
    before = screen_one(tksk_kabandungan, rule_set, head)
    assert (before.soft_jiwa_wirausaha, before.soft_embrio_usaha, before.soft_bersedia_berkelompok) == (
        None,
        None,
        None,
    )
    services.soft_criteria_record(
        actor=tksk_kabandungan,
        person=head,
        recorded_on=DAY - datetime.timedelta(days=30),
        jiwa_wirausaha=False,
        embrio_usaha=None,
        bersedia_berkelompok=None,
    )
    services.soft_criteria_record(
        actor=tksk_kabandungan,
        person=head,
        recorded_on=DAY,
        jiwa_wirausaha=True,
        embrio_usaha=False,
        bersedia_berkelompok=True,
        note="Wawancara di rumah",
    )
    after = screen_one(tksk_kabandungan, rule_set, head)
    assert (after.soft_jiwa_wirausaha, after.soft_embrio_usaha, after.soft_bersedia_berkelompok) == (True, False, True)
    assert after.decision == before.decision == "eligible"


def test_soft_criteria_need_one_answer_and_the_area(tksk_kabandungan, tksk_kalapanunggal):
    head = eligible_household(tksk_kabandungan).head
    with pytest.raises(ValidationError) as caught:
        services.soft_criteria_record(
            actor=tksk_kabandungan,
            person=head,
            recorded_on=DAY,
            jiwa_wirausaha=None,
            embrio_usaha=None,
            bersedia_berkelompok=None,
        )
    assert "jiwa_wirausaha" in caught.value.message_dict
    with pytest.raises(NotAllowed):
        services.soft_criteria_record(
            actor=tksk_kalapanunggal,
            person=head,
            recorded_on=DAY,
            jiwa_wirausaha=True,
            embrio_usaha=None,
            bersedia_berkelompok=None,
        )


def test_the_form_records_them_from_a_result(admin_sukabumi, tksk_kabandungan, login):
    rule_set = make_rule_set(admin_sukabumi)
    head = eligible_household(tksk_kabandungan).head
    result = screen_one(tksk_kabandungan, rule_set, head)
    client = login(tksk_kabandungan)
    url = reverse("targeting:soft-criteria", args=[result.pk])
    assert url.encode() in client.get(reverse("targeting:result-detail", args=[result.pk])).content
    response = client.post(url, {"jiwa_wirausaha": "1", "bersedia_berkelompok": "0", "recorded_on": "2026-11-01"})
    assert response.status_code == 302
    record = head.soft_criteria.get()
    assert (record.jiwa_wirausaha, record.embrio_usaha, record.bersedia_berkelompok) == (True, None, False)
