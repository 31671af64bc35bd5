"""Helpers of the targeting tests: a rule set for Sukabumi, and a household whose head meets every default rule."""

import datetime

from pendamping.registry.vocab import MaritalStatus
from pendamping.targeting import services
from pendamping.targeting.models import ScreeningResult
from pendamping.targeting.vocab import FundingSource
from tests.conftest import CIPEUTEUY, SUKABUMI
from tests.registry.test_services import add_member, make_household

REFERENCE = datetime.date(2026, 11, 28)


def make_rule_set(actor, *, active: bool = True, **parameters):
    rule_set = services.rule_set_create(
        actor=actor,
        area_code=SUKABUMI,
        budget_year=2026,
        funding_source=FundingSource.APBD,
        name="KUBE APBD 2026",
        **parameters,
    )
    if active:
        rule_set = services.rule_set_activate(actor=actor, rule_set=rule_set)
    return rule_set


def eligible_household(actor, *, serial: int = 1, desa: str = CIPEUTEUY, head: dict | None = None, **values):
    """A household in DTKS (desil 2), never given KUBE aid, whose married head is 46 on the reference date."""
    household_values = {"id_dtks": f"DTKS{serial:04d}", "desil": 2, **values}
    head_values = {"marital_status": MaritalStatus.KAWIN, **(head or {})}
    return make_household(actor, serial=serial, desa=desa, head=head_values, **household_values)


def screen(actor, rule_set, people, reference_date=REFERENCE) -> dict[int, ScreeningResult]:
    """Screen people as one batch; their results by person id."""
    run = services.screening_people(
        actor=actor, rule_set=rule_set, person_ids=[p.pk for p in people], reference_date=reference_date
    )
    return {
        r.person_id: r
        for r in ScreeningResult.objects.filter(run=run).select_related("rule_set", "person", "data_kk_taken_by")
    }


def screen_one(actor, rule_set, person, reference_date=REFERENCE) -> ScreeningResult:
    return screen(actor, rule_set, [person], reference_date)[person.pk]


__all__ = ["add_member", "eligible_household", "make_household", "make_rule_set", "screen", "screen_one"]
