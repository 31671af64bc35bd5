from django.core.management import call_command
from django.core.management.base import BaseCommand

from pendamping.accounts.demo import DEMO_PASSWORD, logins
from pendamping.areas.models import Area


class Command(BaseCommand):
    help = "Prepare the app: migrate, load the areas and the demo data once (a second run reuses them)."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="do not build the demo data")

    def handle(self, *args, no_demo=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Basis data siap.")
        if Area.objects.count() == 0:
            call_command("load_areas", stdout=self.stdout)
        else:
            self.stdout.write(f"Data wilayah sudah ada ({Area.objects.count()} wilayah).")
        if not no_demo:
            call_command("demo", stdout=self.stdout)
            self.stdout.write("")
            self.stdout.write(f"Akun demo (kata sandi semuanya: {DEMO_PASSWORD}):")
            for username, role, area in logins():
                self.stdout.write(f"  {username:<26} {role:<22} {area}")
            self.stdout.write("")
