"""The households per desa kept for the dashboard (registry.counts): the services and the import keep them as
counting afresh gives them, and `pendamping recount` corrects them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from pendamping.registry import services
from pendamping.registry.models import Household, HouseholdCount
from tests.conftest import CIPEUTEUY
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db

OTHER_DESA = "32.02.19.2003"


def kept() -> set:
    return set(HouseholdCount.objects.values_list("desa_id", "desil", "poverty_class", "households"))


def afresh() -> set:
    return set(
        Household.objects.live().order_by().values_list("desa_id", "desil", "poverty_class").annotate(n=Count("*"))
    )


def test_the_household_services_keep_the_counts_of_each_desa(tksk_kabandungan):
    first = make_household(tksk_kabandungan, serial=1, desil=1)
    make_household(tksk_kabandungan, serial=2, desil=1)
    assert kept() == afresh() and (CIPEUTEUY, 1, first.poverty_class, 2) in kept()

    services.household_update(actor=tksk_kabandungan, household=first, desil=4, desa_code=OTHER_DESA)
    assert kept() == afresh()
    assert {row[0] for row in kept()} == {CIPEUTEUY, OTHER_DESA}

    first.refresh_from_db()
    services.household_delete(actor=tksk_kabandungan, household=first, reason="pindah ke luar kabupaten")
    assert kept() == afresh() and OTHER_DESA not in {row[0] for row in kept()}
    services.household_restore(actor=tksk_kabandungan, household=first, reason="salah hapus")
    assert kept() == afresh() and OTHER_DESA in {row[0] for row in kept()}


def test_recount_corrects_counts_changed_by_hand(tksk_kabandungan):
    make_household(tksk_kabandungan, serial=1)
    HouseholdCount.objects.update(households=99)
    out = StringIO()
    call_command("recount", stdout=out)
    assert "1 desa" in out.getvalue() and kept() == afresh()
    from pendamping.core.models import AuditEvent

    event = AuditEvent.objects.get(action="core.recount")
    assert event.changes["desa_corrected"]["after"] == 1 and event.actor_username == "sistem"
    out = StringIO()
    call_command("recount", stdout=out)
    assert "0 KUBE dan 0 desa" in out.getvalue()


@pytest.mark.parametrize("writer", ["orm", "sql"])
def test_an_import_keeps_the_counts_of_the_importers_area(tmp_path, tksk_kabandungan, writer):
    from django.db import connection

    from tests.registry.test_import import family, run_import, write_csv

    if writer == "sql" and connection.vendor != "postgresql":
        pytest.skip("the set-based writer runs on PostgreSQL")
    make_household(tksk_kabandungan, serial=30, desa=OTHER_DESA)
    run = run_import(write_csv(tmp_path, family()), tksk_kabandungan, writer=writer)
    assert run.status == "done" and run.rows_created == 4
    assert kept() == afresh() and sum(row[3] for row in kept()) == 3
