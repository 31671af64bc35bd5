"""`pendamping recount`: count again, from the records themselves, the numbers kept for the lists and the dashboard:
the standing of every KUBE (kube.standing: members, latest report, falling omzet, latest contact) and the
households of every desa by desil and poverty class (registry.counts). Says how many it corrected: 0 when the
services kept them, as they should."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from pendamping.kube import standing
from pendamping.registry import counts


class Command(BaseCommand):
    help = "Count again the numbers kept for the lists and the dashboard (KUBE standing, households per desa)."

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            groups = standing.refresh()
            desa = counts.refresh()
        self.stdout.write(
            f"Dihitung ulang: {groups} KUBE dan {desa} desa dikoreksi ({time.monotonic() - started:.1f} detik)."
        )
