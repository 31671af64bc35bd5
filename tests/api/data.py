"""One set of records in Kabandungan (Cipeuteuy) and one in Kalapanunggal, made through the services."""

from dataclasses import dataclass

from pendamping.puskesos.services import referrals
from tests.kube.helpers import eligible_people, formed_kube, make_kube
from tests.mentoring.helpers import record
from tests.puskesos.helpers import make_case
from tests.registry.test_services import make_household

KALAPANUNGGAL_DESA = "32.02.18.2001"


@dataclass
class Side:
    household: object
    person: object
    kube: object
    contact: object
    case: object
    referral: object


def refer(actor, case):
    return referrals.referral_create(
        actor=actor, case=case, sector="kesehatan", office="Puskesmas", reason="Mohon layanan PBI-JK"
    )


def kabandungan_side(tksk, fasilitator) -> Side:
    household = make_household(tksk, serial=50)
    kube = formed_kube(tksk)
    contact = record(tksk, kube=kube)
    case = make_case(fasilitator, household_actor=tksk)
    return Side(household, household.head, kube, contact, case, refer(fasilitator, case))


def kalapanunggal_side(tksk) -> Side:
    household = make_household(tksk, serial=1, desa=KALAPANUNGGAL_DESA)
    kube = make_kube(tksk, desa=KALAPANUNGGAL_DESA, name="KUBE Kalapa")
    contact = record(tksk, kube=kube, method="casework")
    case = make_case(tksk, desa=KALAPANUNGGAL_DESA)
    return Side(household, household.head, kube, contact, case, refer(tksk, case))


__all__ = ["KALAPANUNGGAL_DESA", "Side", "eligible_people", "kabandungan_side", "kalapanunggal_side"]
