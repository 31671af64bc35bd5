"""Screening one person from their registry page."""

from django.urls import reverse

from pendamping.targeting.models import ScreeningResult
from tests.targeting.helpers import eligible_household, make_rule_set


def test_tksk_screens_a_person_from_the_registry_page_and_lands_on_the_explanation(
    login, admin_sukabumi, tksk_kabandungan
):
    make_rule_set(admin_sukabumi)
    household = eligible_household(tksk_kabandungan)
    head = household.members.get()
    client = login(tksk_kabandungan)
    page = client.get(reverse("registry:person-detail", args=[head.pk])).content.decode()
    assert reverse("targeting:screen-person", args=[head.pk]) in page
    response = client.post(reverse("targeting:screen-person", args=[head.pk]))
    result = ScreeningResult.objects.get(person=head)
    assert response.status_code == 302 and response["Location"] == reverse("targeting:result-detail", args=[result.pk])
    assert result.decision == "eligible"


def test_without_an_active_rule_set_the_person_page_says_so(login, tksk_kabandungan):
    head = eligible_household(tksk_kabandungan).members.get()
    response = login(tksk_kabandungan).post(reverse("targeting:screen-person", args=[head.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("registry:person-detail", args=[head.pk])
    assert not ScreeningResult.objects.exists()


def test_a_pengamat_sees_no_screen_button_and_cannot_screen(login, admin_sukabumi, tksk_kabandungan, pengamat_sukabumi):
    make_rule_set(admin_sukabumi)
    head = eligible_household(tksk_kabandungan).members.get()
    client = login(pengamat_sukabumi)
    page = client.get(reverse("registry:person-detail", args=[head.pk])).content.decode()
    assert reverse("targeting:screen-person", args=[head.pk]) not in page
    assert client.post(reverse("targeting:screen-person", args=[head.pk])).status_code == 403
    assert not ScreeningResult.objects.exists()


def test_a_person_of_another_kecamatan_is_not_found(login, admin_sukabumi, tksk_kabandungan, tksk_kalapanunggal):
    make_rule_set(admin_sukabumi)
    head = eligible_household(tksk_kabandungan).members.get()
    assert login(tksk_kalapanunggal).post(reverse("targeting:screen-person", args=[head.pk])).status_code == 404
