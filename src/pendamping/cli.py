"""The `pendamping` command: Django's manage.py, with dashes allowed in command names.

pendamping load-areas      is   python manage.py load_areas
pendamping import-registry is   python manage.py import_registry
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "pendamping"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pendamping.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
