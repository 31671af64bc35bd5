"""Translations: compile the .po catalogues to .mo with polib (no GNU gettext needed) and check them.

    python -m pendamping.core.i18n update    extract strings (needs GNU gettext), fill the Indonesian labels of
                                             the fixed lists (vocab.py), compile; then translate what is left
    python -m pendamping.core.i18n compile   (make messages)
    python -m pendamping.core.i18n check     prints every problem, exits 1 if there is one

The .mo files are committed, so a fresh install needs neither gettext nor polib.
"""

import re
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|</?\w+>")


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def compile_all() -> list[Path]:
    import polib

    written = []
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def vocab_labels() -> set[str]:
    """The labels of every fixed list (TextChoices in the apps' vocab.py): written in Bahasa Indonesia already."""
    import importlib
    import pkgutil

    from django.db import models
    from django.utils import translation

    import pendamping

    labels = set()
    for module_info in pkgutil.iter_modules(pendamping.__path__):
        try:
            module = importlib.import_module(f"pendamping.{module_info.name}.vocab")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, models.Choices) and value.__module__ == module.__name__:
                with translation.override(None):  # the source strings, not their translations
                    labels.update(str(label) for label in value.labels)
    return labels


def update() -> int:
    """Extract, fill the vocab labels as their own Indonesian translation, compile; returns entries left to do."""
    import os
    import subprocess

    import django
    import polib

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pendamping.settings")
    django.setup()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "id", "--no-location", "--no-obsolete"]
        + ["-i", "*/migrations/*"],
        cwd=LOCALE_DIR.parent,
        check=True,
    )
    labels = vocab_labels()
    left = 0
    for po_path in catalogues():
        catalogue = polib.pofile(str(po_path))
        for entry in catalogue:
            if not entry.msgstr and not entry.msgid_plural and entry.msgid in labels:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags or (not entry.msgstr and not entry.msgid_plural):
                left += 1
        catalogue.save()
    compile_all()
    return left


def problems() -> list[str]:
    """Untranslated or fuzzy entries, placeholders that differ, and .mo files that do not match their .po."""
    import polib

    found = []
    for po_path in catalogues():
        catalogue = polib.pofile(str(po_path))
        name = po_path.relative_to(LOCALE_DIR)
        for entry in catalogue:
            if entry.obsolete:
                continue
            translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            if "fuzzy" in entry.flags or not all(translations):
                found.append(f"{name}: not translated: {entry.msgid!r}")
                continue
            wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
            for text in translations:
                if sorted(PLACEHOLDER.findall(text)) != wanted and sorted(PLACEHOLDER.findall(text)) != sorted(
                    PLACEHOLDER.findall(entry.msgid)
                ):
                    found.append(f"{name}: placeholders differ in {entry.msgid!r}")
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists():
            found.append(f"{name}: no .mo (run make messages)")
            continue
        compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(mo_path))}
        source = {
            (e.msgctxt, e.msgid): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
            for e in catalogue
            if not e.obsolete and "fuzzy" not in e.flags
        }
        compiled = {key: (text, {int(k): v for k, v in plural.items()}) for key, (text, plural) in compiled.items()}
        compiled.pop((None, ""), None)
        if compiled != source:
            found.append(f"{name}: the .mo is out of date (run make messages)")
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        left = update()
        print(f"{left} entries still to translate")
        return 0
    if command == "compile":
        for path in compile_all():
            print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
        return 0
    found = problems()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
