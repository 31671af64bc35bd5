"""The main navigation as data: (url name, label, capability needed or None). Apps add their entries here."""

from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    ("core:home", _("Home"), None),
    ("reports:dashboard-home", _("Dashboard"), "areas.view"),
    ("registry:household-list", _("Registry"), "registry.view"),
    ("targeting:result-list", _("Screening"), "targeting.view"),
    ("kube:kube-list", _("KUBE"), "kube.view"),
    ("mentoring:contact-list", _("Mentoring"), "mentoring.view"),
    ("puskesos:case-list", _("Puskesos"), "puskesos.view"),
    ("areas:area-list", _("Areas"), "areas.view"),
    ("accounts:user-list", _("Users"), "users.manage"),
    ("core:audit-list", _("Audit log"), "audit.view"),
    ("dci:client-list", _("DCI clients"), "dci.clients"),
]
