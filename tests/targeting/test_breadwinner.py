"""Head of family or main breadwinner (domain.md 4.2): a wife recorded as the family's main breadwinner passes the
rule, and the explanation says why."""

import datetime

import pytest

from pendamping.registry import services as registry
from pendamping.registry.vocab import MaritalStatus, Relation
from pendamping.targeting import engine
from tests.targeting.helpers import add_member, eligible_household, make_rule_set, screen

pytestmark = pytest.mark.django_db


def test_a_main_breadwinner_who_is_not_the_head_passes_the_head_of_family_rule(admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi, one_per_kk=False)
    household = eligible_household(tksk_kabandungan)
    wife = add_member(
        tksk_kabandungan,
        household,
        name="Euis",
        born=datetime.date(1984, 4, 2),
        serial=2,
        relation=Relation.SUAMI_ISTRI,
        marital_status=MaritalStatus.KAWIN,
    )
    before = screen(tksk_kabandungan, rule_set, [wife])[wife.pk]
    assert before.rule_kepala_keluarga is False and before.decision == "not_eligible"
    registry.person_update(
        actor=tksk_kabandungan, person=wife, expected_version=wife.version, main_breadwinner=True, reason="suami sakit"
    )
    after = screen(tksk_kabandungan, rule_set, [wife])[wife.pk]
    assert after.rule_kepala_keluarga is True and after.data_main_breadwinner is True
    outcome = next(o for o in engine.rules_of(after) if o.code == "kepala_keluarga")
    assert outcome.passed is True
