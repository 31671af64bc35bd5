"""Poverty measures of a household, each with its explanation in Bahasa Indonesia.

1. By need (seed 2.6): income against the cost of basic needs. Fakir below 50%, miskin from 50% to 90% inclusive,
   above 90% not poor by this measure. The two percentages are settings.
2. Checklists: the 11 criteria of Kepmensos 146/HUK/2013 and the 14 BPS criteria; a household meeting at least the
   threshold (a setting: 9 for BPS) counts as poor by that checklist.
"""

from dataclasses import dataclass

from django.conf import settings

from pendamping.core.templatetags.pendamping import rupiah

from .vocab import CHECKLIST_ITEMS, ChecklistKind, PovertyClass


def policy(name: str) -> int:
    return int(settings.PENDAMPING[name])


@dataclass(frozen=True)
class NeedResult:
    poverty_class: str
    percent: float | None
    explanation: str


def classify_by_need(income: int | None, needs: int | None) -> NeedResult:
    """Income against basic needs, in whole Rupiah a month. Compared in integers: no rounding at the borders."""
    if income is None or needs is None:
        return NeedResult(PovertyClass.BELUM_DINILAI, None, "Penghasilan atau biaya kebutuhan dasar belum diisi.")
    if needs <= 0:
        return NeedResult(PovertyClass.BELUM_DINILAI, None, "Biaya kebutuhan dasar harus lebih dari nol.")
    fakir_below, miskin_up_to = policy("POVERTY_FAKIR_BELOW_PERCENT"), policy("POVERTY_MISKIN_UP_TO_PERCENT")
    percent = income * 100 / needs

    def said(up: bool) -> str:
        return (
            f"Penghasilan {rupiah(income)} adalah {_percent_text(income * 100, needs, up)}% "
            f"dari kebutuhan dasar {rupiah(needs)}"
        )

    if income * 100 < needs * fakir_below:
        return NeedResult(PovertyClass.FAKIR, percent, f"{said(False)}: di bawah {fakir_below}%, maka fakir.")
    if income * 100 <= needs * miskin_up_to:
        return NeedResult(
            PovertyClass.MISKIN, percent, f"{said(False)}: antara {fakir_below}% dan {miskin_up_to}%, maka miskin."
        )
    return NeedResult(
        PovertyClass.TIDAK_MISKIN,
        percent,
        f"{said(True)}: di atas {miskin_up_to}%, tidak miskin menurut ukuran ini.",
    )


def _percent_text(numerator: int, denominator: int, up: bool) -> str:
    """numerator/denominator as a percentage with at most two decimals, Indonesian style (49,99). Cut towards the side
    of the verdict (down below a border, up above it), so that 49,999% never reads "50%" beside "di bawah 50%"."""
    hundredths = -((-numerator * 100) // denominator) if up else (numerator * 100) // denominator
    whole, part = divmod(hundredths, 100)
    return f"{whole}" if part == 0 else f"{whole},{part:02d}".rstrip("0")


@dataclass(frozen=True)
class ChecklistResult:
    count: int
    total: int
    threshold: int
    is_poor: bool
    explanation: str


THRESHOLD_SETTING = {
    ChecklistKind.KEPMENSOS_146: "KEPMENSOS146_POOR_THRESHOLD",
    ChecklistKind.BPS_14: "BPS14_POOR_THRESHOLD",
}


def checklist_result(kind: str, items: list[str]) -> ChecklistResult:
    choices = CHECKLIST_ITEMS[ChecklistKind(kind)]
    met = [item for item in choices.values if item in set(items)]
    threshold = policy(THRESHOLD_SETTING[ChecklistKind(kind)])
    is_poor = len(met) >= threshold
    verdict = "termasuk miskin" if is_poor else "belum termasuk miskin"
    explanation = (
        f"Memenuhi {len(met)} dari {len(choices.values)} kriteria ({ChecklistKind(kind).label}); "
        f"ambang {threshold}: {verdict}."
    )
    return ChecklistResult(len(met), len(choices.values), threshold, is_poor, explanation)
