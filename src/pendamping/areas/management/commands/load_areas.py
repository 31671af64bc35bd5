import time

from django.core.management.base import BaseCommand, CommandError

from pendamping.areas.services import AreaFileError, areas_load
from pendamping.core.system import system_actor


class Command(BaseCommand):
    help = "Load or refresh all of Indonesia's areas (kode wilayah) from the CSV files shipped in the package."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", help="a folder holding provinces.csv, regencies.csv, districts.csv, villages.csv"
        )

    def handle(self, *args, source=None, **options):
        started = time.monotonic()
        try:
            counts = areas_load(actor=system_actor(), source_dir=source)
        except AreaFileError as error:
            raise CommandError(f"Data wilayah tidak dimuat, tidak ada yang berubah: {error}") from None
        self.stdout.write(
            "Wilayah dimuat: {provinsi} provinsi, {kabupaten} kabupaten/kota, {kecamatan} kecamatan, "
            "{desa} desa/kelurahan ({seconds:.1f} detik).".format(**counts, seconds=time.monotonic() - started)
        )
