"""The live households of each desa by desil and poverty class, kept in HouseholdCount for the dashboard.

A copy, counted again (never incremented) from the households themselves by `refresh`, for the areas a change
touched: the household services call it for the desa they change (both desa when a household moves), an import for
the area of the user who imports, in the same transaction as the change. `pendamping recount` counts every desa
again and says how many it corrected (0 when the services kept them).
"""

from collections.abc import Iterable

from django.apps import apps as django_apps
from django.db.models import Count

from pendamping.core.scoping import scope_q


def refresh(areas: Iterable[str] | None = None, apps=None) -> int:
    """Count the live households of the areas given (desa codes, or any area code for all its desa; every desa
    when None) again; returns how many desa had counts that differed."""
    apps = apps or django_apps
    household_model = apps.get_model("registry", "Household")
    count_model = apps.get_model("registry", "HouseholdCount")
    households = household_model.objects.filter(deleted_at__isnull=True)
    stored = count_model.objects.all()
    if areas is not None:
        codes = sorted(set(areas))
        # the desa locked first (FOR NO KEY UPDATE: a household's foreign-key check still passes): two refreshes of
        # one desa run one after the other, the second counting what the first committed (run together, both would
        # delete the old rows and insert their own: the desa counted twice)
        area_model = apps.get_model("areas", "Area")
        list(area_model.objects.select_for_update(no_key=True).filter(scope_q(codes, "code")).values_list("pk"))
        where = scope_q(codes, "desa__code")
        households, stored = households.filter(where), stored.filter(where)
    before = set(stored.values_list("desa_id", "desil", "poverty_class", "households"))
    stored.delete()
    counted = set(households.order_by().values_list("desa_id", "desil", "poverty_class").annotate(n=Count("*")))
    count_model.objects.bulk_create(
        [count_model(desa_id=d, desil=desil, poverty_class=c, households=n) for d, desil, c, n in counted],
        batch_size=2000,
    )
    return len({row[0] for row in before ^ counted})
