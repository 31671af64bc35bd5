"""What each role may do, as data. Services ask `can(actor, capability, area_code)`; selectors scope by it.

Every role reads what lies in its areas; only the capabilities below allow a write or a restricted page.
A pengamat holds no write capability at all.
"""

from .vocab import Role

ALL_ROLES = frozenset(Role)

CAPABILITIES: dict[str, frozenset[str]] = {
    # read what lies in one's areas
    "areas.view": ALL_ROLES,
    # manage user accounts and their role assignments
    "users.manage": frozenset({Role.ADMIN}),
    # read the audit log
    "audit.view": frozenset({Role.ADMIN}),
    # register and revoke the DCI clients (other systems searching the registry of the admin's areas)
    "dci.clients": frozenset({Role.ADMIN}),
    # registry of households and people
    "registry.view": ALL_ROLES,
    "registry.edit": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR}),
    "registry.import": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR}),
    "registry.export": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR}),
    "registry.merge": frozenset({Role.ADMIN, Role.TKSK}),
    # targeting: rule sets are the Dinas Sosial's; screening is done in the field
    "targeting.view": ALL_ROLES,
    "targeting.rules": frozenset({Role.ADMIN}),
    "targeting.screen": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR, Role.PENDAMPING}),
    # special cases are proposed in the field and decided by the Dinas Sosial; candidate lists are exported
    "targeting.propose": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR}),
    "targeting.approve": frozenset({Role.ADMIN}),
    "targeting.export": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR}),
    # KUBE: groups are formed and run in the field; gates are passed by exception, money is verified by the Dinas
    "kube.view": ALL_ROLES,
    "kube.manage": frozenset({Role.ADMIN, Role.TKSK, Role.PENDAMPING}),
    "kube.export": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR, Role.PENDAMPING}),
    "kube.record": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR, Role.PENDAMPING}),
    "kube.override": frozenset({Role.ADMIN, Role.TKSK}),
    "kube.stimulus": frozenset({Role.ADMIN}),
    "kube.verify": frozenset({Role.ADMIN}),
    "kube.business_types": frozenset({Role.ADMIN}),
    # mentoring: contacts are recorded by those who make them; the TKSK reports monthly, the Dinas Sosial acknowledges
    "mentoring.view": ALL_ROLES,
    "mentoring.record": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR, Role.PENDAMPING}),
    "mentoring.report": frozenset({Role.TKSK}),
    "mentoring.acknowledge": frozenset({Role.ADMIN}),
    "mentoring.export": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR, Role.PENDAMPING}),
    # the Puskesos desk: personal and sensitive data, so neither the pengamat nor the KUBE pendamping read it
    "puskesos.view": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR}),
    "puskesos.intake": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR}),
    "puskesos.supervise": frozenset({Role.ADMIN, Role.TKSK}),
    "puskesos.propose": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR}),
    "puskesos.verify": frozenset({Role.ADMIN, Role.TKSK}),
    "puskesos.decide": frozenset({Role.ADMIN}),
    "puskesos.mapping": frozenset({Role.ADMIN, Role.TKSK}),
    "puskesos.export": frozenset({Role.ADMIN, Role.TKSK, Role.FASILITATOR}),
}


def roles_for(capability: str) -> frozenset[str]:
    try:
        return CAPABILITIES[capability]
    except KeyError:
        raise KeyError(f"unknown capability {capability!r}; add it to accounts.permissions.CAPABILITIES") from None


def can(user, capability: str, area_code: str | None = None) -> bool:
    """Whether the user holds a role with this capability; on an area covering `area_code` when it is given."""
    from pendamping.core.scoping import user_covers

    return user_covers(user, area_code, capability=capability)
