"""What the pages of one group share: its header, its tabs, and what the user may do there."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.permissions import can

# the tabs of a group's pages: (key, url name taking the group's pk, label); each part of the app adds its own
GROUP_TABS = [
    ("overview", "kube:kube-detail", _("Overview")),
    ("stages", "kube:kube-stages", _("Stages")),
    ("members", "kube:member-list", _("Members")),
    ("money", "kube:stimulus", _("Stimulus & LPJ")),
    ("cashbook", "kube:cashbook", _("Cash book")),
    ("progress", "kube:report-list", _("Progress")),
    ("partners", "kube:partnership-list", _("Partnerships")),
    ("ewarung", "kube:ewarung", _("e-Warung")),
]


def group_context(request, kube, tab: str, **extra) -> dict:
    """The context every page of a group starts from."""
    user = request.user
    return {
        "kube": kube,
        "tab": tab,
        "tabs": [(label, reverse(name, args=[kube.pk]), key == tab) for key, name, label in GROUP_TABS],
        "can_manage": can(user, "kube.manage", kube.desa_id),
        "can_record": can(user, "kube.record", kube.desa_id),
        "can_override": can(user, "kube.override", kube.desa_id),
        "can_stimulus": can(user, "kube.stimulus", kube.desa_id),
        "can_verify": can(user, "kube.verify", kube.desa_id),
        **extra,
    }
