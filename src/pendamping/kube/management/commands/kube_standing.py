"""`pendamping kube-standing`: count the standing of every group (latest report, falling omzet, latest contact) again
from its reports and contacts, and say how many groups were corrected (none, when the services kept it)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from pendamping.kube import standing


class Command(BaseCommand):
    help = "Count the standing of every KUBE (latest report, falling omzet, latest contact) again."

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            corrected = standing.refresh()
        self.stdout.write(
            f"Kedudukan KUBE dihitung ulang: {corrected} kelompok dikoreksi ({time.monotonic() - started:.1f} detik)."
        )
