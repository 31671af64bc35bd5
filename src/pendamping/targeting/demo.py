"""Demo targeting: the active rule set of 2026 (APBD, Kabupaten Sukabumi) with the domain's defaults, and every desa
of Kabandungan screened against it. Runs through the services; a second run adds nothing."""

import datetime

from django.db import transaction

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel

from . import services
from .models import RuleSet, ScreeningRun
from .vocab import FundingSource, RuleSetStatus

SUKABUMI = "32.02"
KABANDUNGAN = "32.02.19"
REFERENCE = datetime.date(2026, 1, 2)  # ages counted to the start of the budget year: the demo never depends on today
REASON = "data demo"


@transaction.atomic
def build(*, actor, rng) -> list[str]:
    if not Area.objects.filter(code=SUKABUMI).exists():
        return []
    rule_set = RuleSet.objects.filter(
        area_code=SUKABUMI, budget_year=2026, funding_source=FundingSource.APBD, status=RuleSetStatus.ACTIVE
    ).first()
    done = []
    if rule_set is None:
        rule_set = services.rule_set_create(
            actor=actor,
            area_code=SUKABUMI,
            budget_year=2026,
            funding_source=FundingSource.APBD,
            name="Seleksi calon anggota KUBE APBD 2026",
            reason=REASON,
        )
        rule_set = services.rule_set_activate(actor=actor, rule_set=rule_set, reason=REASON)
        done.append("1 aturan seleksi")
    desa_codes = (
        Area.objects.filter(parent_id=KABANDUNGAN, level=AreaLevel.DESA).order_by("code").values_list("code", flat=True)
    )
    screened = 0
    for code in desa_codes:
        if ScreeningRun.objects.filter(rule_set=rule_set, area_code=code).exists():
            continue
        run = services.screening_desa(
            actor=actor, rule_set=rule_set, desa_code=code, reference_date=REFERENCE, reason=REASON
        )
        if run.people:
            screened += 1
    if screened:
        done.append(f"{screened} desa disaring")
    return done
