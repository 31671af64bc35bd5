"""Poverty measures: income against basic needs at its borders, and the checklists with their threshold."""

import pytest

from pendamping.registry.poverty import checklist_result, classify_by_need
from pendamping.registry.vocab import Bps14, ChecklistKind, Kepmensos146, PovertyClass


@pytest.mark.parametrize(
    ("income", "needs", "expected", "shown"),
    [
        (4_999, 10_000, PovertyClass.FAKIR, "49,99%"),
        (499_999, 1_000_000, PovertyClass.FAKIR, "49,99%"),  # 49.9999%: never shown as 50% beside "di bawah 50%"
        (5_000, 10_000, PovertyClass.MISKIN, "50%"),
        (9_000, 10_000, PovertyClass.MISKIN, "90%"),
        (9_001, 10_000, PovertyClass.TIDAK_MISKIN, "90,01%"),
        (900_001, 1_000_000, PovertyClass.TIDAK_MISKIN, "90,01%"),  # 90.0001%: never "90%" beside "di atas 90%"
        (0, 300_000, PovertyClass.FAKIR, "0%"),
        (450_000, 300_000, PovertyClass.TIDAK_MISKIN, "150%"),
    ],
)
def test_income_against_basic_needs_at_the_borders(income, needs, expected, shown):
    result = classify_by_need(income, needs)
    assert result.poverty_class == expected
    assert f"adalah {shown} dari" in result.explanation


def test_the_seed_example_needs_10000_a_day_income_5000_to_9000_is_miskin():
    for income in (5_000, 7_000, 9_000):
        assert classify_by_need(income * 30, 10_000 * 30).poverty_class == PovertyClass.MISKIN
    assert classify_by_need(4_999 * 30, 10_000 * 30).poverty_class == PovertyClass.FAKIR


def test_the_explanation_names_the_amounts_and_the_border():
    result = classify_by_need(1_250_000, 2_600_000)
    assert result.poverty_class == PovertyClass.FAKIR
    assert "Rp1.250.000" in result.explanation and "Rp2.600.000" in result.explanation
    assert "48,07%" in result.explanation and "50%" in result.explanation and "fakir" in result.explanation


def test_the_borders_are_settings(settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "POVERTY_FAKIR_BELOW_PERCENT": 40, "POVERTY_MISKIN_UP_TO_PERCENT": 80}
    assert classify_by_need(4_500, 10_000).poverty_class == PovertyClass.MISKIN
    assert classify_by_need(8_500, 10_000).poverty_class == PovertyClass.TIDAK_MISKIN
    assert "80%" in classify_by_need(8_500, 10_000).explanation


def test_without_income_or_needs_the_household_is_not_yet_assessed():
    assert classify_by_need(None, 10_000).poverty_class == PovertyClass.BELUM_DINILAI
    assert classify_by_need(5_000, None).poverty_class == PovertyClass.BELUM_DINILAI
    assert classify_by_need(5_000, 0).poverty_class == PovertyClass.BELUM_DINILAI


def test_bps_checklist_is_poor_from_9_of_14_by_default():
    nine = Bps14.values[:9]
    result = checklist_result(ChecklistKind.BPS_14, nine)
    assert (result.count, result.total, result.threshold, result.is_poor) == (9, 14, 9, True)
    assert not checklist_result(ChecklistKind.BPS_14, nine[:8]).is_poor
    assert "9 dari 14" in result.explanation and "ambang 9" in result.explanation


def test_bps_threshold_comes_from_settings(settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "BPS14_POOR_THRESHOLD": 10}
    result = checklist_result(ChecklistKind.BPS_14, Bps14.values[:9])
    assert (result.threshold, result.is_poor) == (10, False)
    assert "belum termasuk miskin" in result.explanation


def test_checklist_counts_each_known_criterion_once():
    result = checklist_result(ChecklistKind.KEPMENSOS_146, ["01", "01", "11", "99"])
    assert (result.count, result.total) == (2, len(Kepmensos146.values)) == (2, 11)
