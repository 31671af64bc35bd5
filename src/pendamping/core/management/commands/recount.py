"""`pendamping recount`: count again, from the records themselves, the numbers kept for the lists and the dashboard:
the standing of every KUBE (kube.standing: members, latest report, falling omzet, latest contact) and the
households of every desa by desil and poverty class (registry.counts). Says how many it corrected: 0 when the
services kept them, as they should."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from pendamping.core.audit import audit_record
from pendamping.core.system import system_actor
from pendamping.kube import standing
from pendamping.registry import counts


class Command(BaseCommand):
    help = "Count again the numbers kept for the lists and the dashboard (KUBE standing, households per desa)."

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            groups = standing.refresh()
            desa = counts.refresh()
            if groups or desa:  # the services should have kept them: a correction is worth a trace
                audit_record(
                    actor=system_actor(),
                    action="core.recount",
                    object_type="core.recount",
                    object_repr="pendamping recount",
                    changes={
                        "kube_corrected": {"before": 0, "after": groups},
                        "desa_corrected": {"before": 0, "after": desa},
                    },
                    reason="kept numbers counted again from the records",
                )
        self.stdout.write(
            f"Dihitung ulang: {groups} KUBE dan {desa} desa dikoreksi ({time.monotonic() - started:.1f} detik)."
        )
