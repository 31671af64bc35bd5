from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pendamping.core.backup import BackupError, backup, engine, fingerprint


class Command(BaseCommand):
    help = "Back up the whole database to a new file (SQLite online backup; pg_dump on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write (must not exist yet)")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        facts = fingerprint()
        rows = sum(facts["counts"].values())
        size = path.stat().st_size
        self.stdout.write(
            f"Cadangan {engine()} ditulis ke {path} ({size / 1048576:.1f} MB, {rows} baris, sidik {facts['checksum'][:12]})"
        )
