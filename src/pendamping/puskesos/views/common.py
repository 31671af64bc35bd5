"""What the pages of one case share: its header, its tabs, what the user may do there and may read."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.permissions import can

# the tabs of a case's pages: (key, url name taking the case's pk, label); each part of the app may add its own
CASE_TABS = [
    ("overview", "puskesos:case-detail", _("Case")),
]


def case_context(request, case, tab: str, **extra) -> dict:
    """The context every page of a case starts from (puskesos/case_base.html)."""
    from ..selectors.cases import case_ageing, may_read_case

    user = request.user
    tabs = []
    for key, name, label in CASE_TABS:
        try:
            tabs.append((label, reverse(name, args=[case.pk]), key == tab))
        except NoReverseMatch:  # noqa: S112 -- a part not built yet has no page
            continue
    return {
        "case": case,
        "tab": tab,
        "tabs": tabs,
        "ageing": case_ageing(case),
        "may_read": may_read_case(user, case),
        "can_work": can(user, "puskesos.intake", case.desa_id),
        "can_supervise": can(user, "puskesos.supervise", case.desa_id),
        **extra,
    }
