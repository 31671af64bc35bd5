import random

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from pendamping.areas.models import Area
from pendamping.core.system import system_actor

# Each app that has demo data adds its builder here, in the order they depend on each other.
DEMO_BUILDERS = [
    "pendamping.accounts.demo.build",
    "pendamping.registry.demo.build",
    "pendamping.targeting.demo.build",
    "pendamping.kube.demo.build",
    "pendamping.mentoring.demo.build",
    "pendamping.puskesos.demo.build",
]
DEMO_SEED = 20261128


class Command(BaseCommand):
    help = "Build the deterministic demo data (Kabupaten Sukabumi, Kecamatan Kabandungan). Safe to run again."

    def handle(self, *args, **options):
        if not Area.objects.filter(code="32.02.19").exists():
            raise CommandError("Data wilayah belum dimuat: jalankan dulu `pendamping load-areas`.")
        actor = system_actor()
        rng = random.Random(DEMO_SEED)  # noqa: S311 -- deterministic demo data, not a secret
        done = []
        for path in DEMO_BUILDERS:
            done += import_string(path)(actor=actor, rng=rng)
        self.stdout.write(f"Data demo: {len(done)} dibuat" + (f" ({', '.join(done)})" if done else ", sudah lengkap"))
