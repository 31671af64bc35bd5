"""Bahasa Indonesia is the default language: every string the app shows has its translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from pendamping.core.i18n import catalogues, problems

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pendamping"


def test_every_catalogue_entry_is_translated_and_compiled():
    assert catalogues(), "no translation catalogue"
    assert problems() == []


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) not installed: cannot extract strings")
def test_every_string_in_the_code_is_in_the_indonesian_catalogue(tmp_path):
    copy = tmp_path / "pendamping"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data", "static"))
    (copy / "locale" / "id" / "LC_MESSAGES" / "django.po").unlink()
    # makemessages writes into LOCALE_PATHS: point it at the copy, never at the shipped catalogue
    (tmp_path / "extract_settings.py").write_text(
        f"from pendamping.settings import *  # noqa\nLOCALE_PATHS = [{str(copy / 'locale')!r}]\n"
    )
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "id", "--no-location", "-i", "*/migrations/*"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "extract_settings",
            "PYTHONPATH": str(tmp_path),
            "PATH": "/usr/bin:/bin",
            "VAR_DIR": str(tmp_path),
        },
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale" / "id" / "LC_MESSAGES" / "django.po"))}
    shipped = {e.msgid for e in polib.pofile(str(PACKAGE / "locale" / "id" / "LC_MESSAGES" / "django.po"))}
    missing = sorted(extracted - shipped)
    assert not missing, f"strings not in the catalogue (run makemessages -l id, translate, make messages): {missing}"
