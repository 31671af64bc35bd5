"""What the registry adds to the home page: families, people and the poor among them in an area."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from pendamping.areas.vocab import subtree_q
from pendamping.core.scoping import scoped

from .models import Household, Person
from .vocab import PovertyClass


def home_counts(*, actor, area_code: str) -> list[tuple[str, int]]:
    households = scoped(Household.objects.live(), actor, "desa__code", "registry.view").filter(
        subtree_q(area_code, "desa__code")
    )
    totals = households.aggregate(
        n=Count("id"),
        poor=Count("id", filter=Q(poverty_class__in=[PovertyClass.FAKIR, PovertyClass.MISKIN])),
        pkh=Count("id", filter=~Q(pkh_status="")),
    )
    people = Person.objects.live().filter(household__in=households).count()
    return [
        (_("Households"), totals["n"]),
        (_("People"), people),
        (_("Fakir or miskin by need"), totals["poor"]),
        (_("PKH families"), totals["pkh"]),
    ]
