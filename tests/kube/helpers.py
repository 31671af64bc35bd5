"""Helpers of the KUBE tests: a group in Cipeuteuy made through the services, people screened eligible for it, and
a group formed up to a given point (members, officers, screening) so each test starts where its rule bites."""

import datetime

from pendamping.core.system import system_actor
from pendamping.kube.models import BusinessType, Kube
from pendamping.kube.services import groups
from pendamping.kube.vocab import Activity, ActivityResult, MemberRole
from pendamping.targeting.models import RuleSet
from pendamping.targeting.vocab import FundingSource
from tests.conftest import CIPEUTEUY
from tests.targeting.helpers import eligible_household, make_rule_set, screen

FORMED = datetime.date(2026, 1, 15)
OFFICER_ROLES = [MemberRole.KETUA, MemberRole.SEKRETARIS, MemberRole.BENDAHARA]


def business_type(code: str = "ternak_domba") -> BusinessType:
    """A business type of the common list (made again where a transactional test flushed the migration's rows)."""
    from pendamping.kube.vocab import DEFAULT_BUSINESS_TYPES

    name, kind = next((name, kind) for c, name, kind in DEFAULT_BUSINESS_TYPES if c == code)
    return BusinessType.objects.get_or_create(area_code="", code=code, defaults={"name": name, "kind": kind})[0]


def make_kube(actor, *, desa: str = CIPEUTEUY, name: str = "KUBE Mekar Jaya", **values) -> Kube:
    return groups.kube_create(
        actor=actor,
        name=name,
        kind=values.pop("kind", "produksi"),
        business_type=values.pop("business_type", None) or business_type(),
        desa_code=desa,
        funding_source=values.pop("funding_source", FundingSource.APBD),
        budget_year=values.pop("budget_year", 2026),
        formed_on=values.pop("formed_on", FORMED),
        **values,
    )


def eligible_people(actor, count: int, *, first_serial: int = 1, desa: str = CIPEUTEUY, rule_set=None):
    """`count` heads of family, each of their own KK, screened eligible against the active rule set."""
    heads = [eligible_household(actor, serial=first_serial + i, desa=desa).head for i in range(count)]
    rule_set = rule_set or RuleSet.objects.filter(status="active").first() or make_rule_set(system_actor())
    results = screen(actor, rule_set, heads)
    assert all(results[p.pk].decision == "eligible" for p in heads), "helper people must screen eligible"
    return heads


def add_members(actor, kube: Kube, people, *, officers: bool = True, joined_on=FORMED):
    members = []
    for index, person in enumerate(people):
        role = OFFICER_ROLES[index] if officers and index < 3 else MemberRole.ANGGOTA
        members.append(groups.kube_member_add(actor=actor, kube=kube, person=person, joined_on=joined_on, role=role))
    return members


def formed_kube(actor, *, members: int = 5, **values) -> Kube:
    """A group with `members` eligible members and its three officers, still in T0."""
    kube = make_kube(actor, **values)
    add_members(actor, kube, eligible_people(actor, members))
    return kube


def pass_t0(actor, kube: Kube, on=datetime.date(2026, 2, 1)) -> Kube:
    groups.activity_record(actor=actor, kube=kube, activity=Activity.T0_7, done_on=on, result=ActivityResult.PASSED)
    return groups.stage_advance(actor=actor, kube=kube, on=on)


def complete_t1(actor, kube: Kube, on=datetime.date(2026, 3, 1)) -> Kube:
    """Bank account and SK recorded, T1.2 and T1.6 recorded (their gates hold), T1.7 recorded."""
    kube = groups.kube_update(
        actor=actor,
        kube=kube,
        bank_name="BRI",
        bank_account_number="0123456789",
        bank_account_name=kube.name,
        sk_number="460/12/Dinsos",
        sk_date=on,
    )
    for activity in (Activity.T1_2, Activity.T1_6):
        groups.activity_record(actor=actor, kube=kube, activity=activity, done_on=on)
    groups.activity_record(actor=actor, kube=kube, activity=Activity.T1_7, done_on=on, result=ActivityResult.PASSED)
    return kube
