from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pendamping.core.backup import BackupError, engine, fingerprint, restore


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by `pendamping backup` (asks first unless --yes)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to restore")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, file, yes, **options):
        path = Path(file)
        if not yes:
            answer = input(f"Semua data {engine()} akan diganti dengan isi {path}. Lanjutkan? [ya/tidak] ")
            if answer.strip().lower() not in {"ya", "y", "yes"}:
                raise CommandError("Dibatalkan: tidak ada yang diubah.")
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        facts = fingerprint()
        self.stdout.write(
            f"Dipulihkan dari {path}: {sum(facts['counts'].values())} baris, sidik {facts['checksum'][:12]}"
        )
