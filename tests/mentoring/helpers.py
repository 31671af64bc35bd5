"""Helpers of the mentoring tests: a contact recorded through the service with sensible defaults."""

import datetime

from pendamping.mentoring.services import contacts

DAY = datetime.date(2026, 6, 10)


def record(actor, **values):
    defaults = {
        "contact_date": DAY,
        "target_kind": "kube" if values.get("kube") else "community",
        "method": "groupwork" if values.get("kube") else "cocd",
        "what_done": "Pertemuan kelompok",
        "roles": ["enabler"],
    }
    if defaults["target_kind"] == "community" and "desa_code" not in values:
        defaults["desa_code"] = "32.02.19.2002"
    return contacts.contact_record(actor=actor, **{**defaults, **values})
