"""Two households registered at the same moment in one desa, each in its own transaction on PostgreSQL: the kept
count of the desa is the right one after both (each refresh locks the desa first, so the second counts what the
first committed instead of both replacing the rows with their own count). The same for two contacts of one KUBE."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction

from pendamping.kube.models import Kube
from pendamping.registry.models import HouseholdCount
from tests.kube.helpers import make_kube
from tests.mentoring.helpers import record
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db(transaction=True)


def together(first, second) -> None:
    """`first` runs in a transaction held open for a moment after its work; `second` starts meanwhile and must wait
    for the first's commit wherever they meet."""
    done = threading.Event()
    errors = []

    def run_first():
        try:
            with transaction.atomic():
                first()
                done.set()
                time.sleep(0.5)  # the second has started and waits on the lock the first holds
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
            done.set()
        finally:
            connections.close_all()

    def run_second():
        done.wait(10)
        try:
            second()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors, errors


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: nothing to race")


def test_two_households_registered_together_in_one_desa_are_both_counted(tksk_kabandungan):
    make_household(tksk_kabandungan, serial=1, desil=2)
    together(
        lambda: make_household(tksk_kabandungan, serial=2, desil=2),
        lambda: make_household(tksk_kabandungan, serial=3, desil=2),
    )
    rows = list(HouseholdCount.objects.filter(desil=2).values_list("desa_id", "households"))
    assert len(rows) == 1 and rows[0][1] == 3


def test_two_contacts_of_one_group_recorded_together_leave_the_latest_date(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan)
    together(
        lambda: record(tksk_kabandungan, kube=kube, contact_date=datetime.date(2026, 6, 20)),
        lambda: record(tksk_kabandungan, kube=kube, contact_date=datetime.date(2026, 6, 1)),
    )
    assert Kube.objects.get(pk=kube.pk).last_contact_on == datetime.date(2026, 6, 20)
