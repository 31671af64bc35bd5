"""Rule sets: versioned rows, one active per kabupaten, budget year and funding source, written by the Dinas Sosial."""

import pytest
from django.db import IntegrityError, transaction

from pendamping.core.errors import NotAllowed
from pendamping.targeting import selectors, services
from pendamping.targeting.models import RuleSet
from pendamping.targeting.vocab import RuleSetStatus
from tests.targeting.helpers import eligible_household, make_rule_set, screen_one


def test_a_new_rule_set_has_the_domain_defaults(admin_sukabumi, settings):
    rule_set = make_rule_set(admin_sukabumi, active=False)
    assert (rule_set.age_min, rule_set.age_max, rule_set.max_desil) == (18, 60, 4)
    assert rule_set.kepmensos146_min == settings.PENDAMPING["KEPMENSOS146_POOR_THRESHOLD"]
    assert rule_set.bps14_min == settings.PENDAMPING["BPS14_POOR_THRESHOLD"]
    assert rule_set.status == RuleSetStatus.DRAFT and rule_set.version == 1


def test_only_the_dinas_sosial_admin_writes_rule_sets(tksk_kabandungan, admin_bogor):
    with pytest.raises(NotAllowed):
        make_rule_set(tksk_kabandungan)
    with pytest.raises(NotAllowed):
        make_rule_set(admin_bogor)  # Bogor's admin may not write Sukabumi's rules


def test_a_rule_set_in_use_is_versioned_not_changed(admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    result = screen_one(tksk_kabandungan, rule_set, eligible_household(tksk_kabandungan).head)
    new = services.rule_set_update(actor=admin_sukabumi, rule_set=rule_set, age_max=55, reason="juknis baru")
    rule_set.refresh_from_db()
    assert new.pk != rule_set.pk and new.version == 2 and new.previous == rule_set
    assert (rule_set.age_max, rule_set.status) == (60, RuleSetStatus.RETIRED)
    assert (new.age_max, new.status) == (55, RuleSetStatus.ACTIVE)
    result.refresh_from_db()
    assert result.rule_set_id == rule_set.pk


def test_a_draft_without_results_is_changed_in_place(admin_sukabumi):
    rule_set = make_rule_set(admin_sukabumi, active=False)
    same = services.rule_set_update(actor=admin_sukabumi, rule_set=rule_set, max_desil=3)
    assert same.pk == rule_set.pk and RuleSet.objects.get(pk=rule_set.pk).max_desil == 3


def test_activating_a_version_retires_the_active_one_and_the_database_keeps_one(admin_sukabumi):
    first = make_rule_set(admin_sukabumi)
    second = make_rule_set(admin_sukabumi, active=False)
    services.rule_set_activate(actor=admin_sukabumi, rule_set=second)
    first.refresh_from_db()
    assert first.status == RuleSetStatus.RETIRED
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.filter(pk=first.pk).update(status=RuleSetStatus.ACTIVE)


def test_an_invalid_age_range_is_refused_naming_the_field(admin_sukabumi):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        make_rule_set(admin_sukabumi, age_min=40, age_max=30)
    assert "age_max" in caught.value.error_dict


def test_rule_sets_of_sukabumi_are_not_seen_in_bogor(admin_sukabumi, admin_bogor, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    assert rule_set in selectors.rule_sets_visible(actor=tksk_kabandungan)
    assert rule_set not in selectors.rule_sets_visible(actor=admin_bogor)
