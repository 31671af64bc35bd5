"""Shared helpers of the Puskesos tests: cases made through the intake service (as the desk makes them)."""

import datetime

from pendamping.puskesos.models import Case
from pendamping.puskesos.services.cases import case_intake
from pendamping.puskesos.vocab import Channel, ProblemKind, Sector
from tests.conftest import CIPEUTEUY
from tests.registry.test_services import make_household

_serials = iter(range(500, 100_000))


def next_serial() -> int:
    """A fresh household serial for each call, so that NIK and No. KK never clash within a test."""
    return next(_serials)


def make_case(
    actor,
    *,
    household=None,
    person=None,
    desa: str = CIPEUTEUY,
    serial: int | None = None,
    in_dtks: bool = True,
    sector: str = Sector.KESEHATAN,
    problem_kind: str = ProblemKind.KESEHATAN,
    channel: str = Channel.DATANG_LANGSUNG,
    description: str = "Butuh kartu PBI-JK untuk berobat",
    received_on: datetime.date | None = None,
    confidential: bool | None = None,
    proposal_reason: str = "Keluarga miskin belum terdaftar",
    household_actor=None,
) -> Case:
    """A case opened through `case_intake` by `actor` for a person in the registry.

    Without `person` or `household`, a household is registered first (through the registry service, by
    `household_actor` or `actor`) in `desa`, with an ID DTKS when `in_dtks` (no ID DTKS: the intake starts a register
    proposal, found as `case.proposal`)."""
    if person is None:
        if household is None:
            values = {"id_dtks": f"DTKS-{serial or 0}", "desil": 2, "desil_period": "2026-Q3"} if in_dtks else {}
            household = make_household(household_actor or actor, serial=serial or next_serial(), desa=desa, **values)
        person = household.members.filter(deleted_at__isnull=True).order_by("pk").first()
    return case_intake(
        actor=actor,
        person=person,
        channel=channel,
        sector=sector,
        problem_kind=problem_kind,
        description=description,
        received_on=received_on,
        confidential=confidential,
        proposal_reason=proposal_reason,
    )
