"""Two users saving the same record from the same starting version: the second save is refused with code "stale",
never silently overwriting the first, and the page shows the second user both values (optimistic locking)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pendamping.kube.models import ProgressReport
from pendamping.kube.services import progress
from pendamping.puskesos.models import Case
from pendamping.puskesos.services import cases
from pendamping.registry import services as registry
from pendamping.registry.models import Household
from tests.kube.helpers import formed_kube
from tests.puskesos.helpers import make_case
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
MONTH = datetime.date(2026, 2, 1)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def form_data(response, skip=(None, [])) -> dict:
    return {name: value for name, value in response.context["form"].initial.items() if value not in skip}


def stale_code(call) -> str:
    with pytest.raises(ValidationError) as refused:
        call()
    error = refused.value
    codes = [e.code for e in error.error_list] if hasattr(error, "error_list") else []
    if hasattr(error, "error_dict"):
        codes = [e.code for errors in error.error_dict.values() for e in errors]
    return "stale" if "stale" in codes or error.code == "stale" else f"not stale: {codes or error.code}"


def test_the_second_household_save_is_refused_as_stale_and_shows_both_values(tksk_kabandungan, fasilitator_cipeuteuy):
    household = make_household(tksk_kabandungan, serial=900)
    version = household.version
    registry.household_update(actor=tksk_kabandungan, household=household, expected_version=version, dusun="Babakan")
    assert (
        stale_code(
            lambda: registry.household_update(
                actor=fasilitator_cipeuteuy, household=household, expected_version=version, dusun="Cisarua"
            )
        )
        == "stale"
    )
    url = reverse("registry:household-update", args=[household.pk])
    first, second = signed_in(tksk_kabandungan), signed_in(fasilitator_cipeuteuy)
    mine, theirs = form_data(first.get(url)), form_data(second.get(url))
    assert first.post(url, {**mine, "dusun": "Sukamaju"}).status_code == 302
    response = second.post(url, {**theirs, "dusun": "Cipanas"})
    assert response.status_code == 200
    assert Household.objects.get(pk=household.pk).dusun == "Sukamaju"
    page = response.content.decode()
    assert "Sukamaju" in page and "Cipanas" in page


def test_the_second_progress_report_save_is_refused_as_stale_and_shows_both_values(tksk_kabandungan, admin_sukabumi):
    kube = formed_kube(tksk_kabandungan)
    values = dict(profit=100_000, capital=1_000_000, iks_collected=0, iks_used=0, active_members=5)
    report = progress.progress_report_submit(
        actor=tksk_kabandungan, kube=kube, month=MONTH, omzet=1_000_000, business_status="aktif", **values
    )
    url = reverse("kube:report-update", args=[kube.pk, "2026-02"])
    first, second = signed_in(tksk_kabandungan), signed_in(admin_sukabumi)
    mine, theirs = form_data(first.get(url)), form_data(second.get(url))
    assert mine["expected_version"] == theirs["expected_version"] == report.version
    assert first.post(url, {**mine, "omzet": "2222222"}).status_code == 302
    response = second.post(url, {**theirs, "omzet": "3333333"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert ProgressReport.objects.get(pk=report.pk).omzet == 2_222_222
    page = response.content.decode()
    assert "3333333" in page, "the second user's own value is kept in the form"
    assert "2.222.222" in page or "2222222" in page, "the saved value is shown beside it"
    again = second.post(url, response.context["form"].data)  # saving again, knowingly
    assert again.status_code == 302 and ProgressReport.objects.get(pk=report.pk).omzet == 3_333_333
    assert (
        stale_code(
            lambda: progress.progress_report_submit(
                actor=admin_sukabumi,
                kube=kube,
                month=MONTH,
                omzet=1,
                business_status="aktif",
                expected_version=report.version,
                **values,
            )
        )
        == "stale"
    )


def test_the_second_case_save_is_refused_as_stale_and_shows_both_values(fasilitator_cipeuteuy, tksk_kabandungan):
    case = make_case(fasilitator_cipeuteuy)
    url = reverse("puskesos:case-update", args=[case.pk])
    first, second = signed_in(fasilitator_cipeuteuy), signed_in(tksk_kabandungan)
    skip = (None, False)
    mine, theirs = form_data(first.get(url), skip), form_data(second.get(url), skip)
    assert first.post(url, {**mine, "plan": "Rencana pertama"}).status_code == 302
    response = second.post(url, {**theirs, "plan": "Rencana kedua"})
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).plan == "Rencana pertama"
    page = response.content.decode()
    assert "Rencana pertama" in page and "Rencana kedua" in page
    assert (
        stale_code(
            lambda: cases.case_update(actor=tksk_kabandungan, case=case, expected_version=case.version, plan="x")
        )
        == "stale"
    )
