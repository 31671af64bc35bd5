"""Fixed lists of the areas app (kode wilayah Kemendagri)."""

import re

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class AreaLevel(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten/Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa/Kelurahan")

    @classmethod
    def of_code(cls, code: str) -> "AreaLevel":
        """The level a code stands for, by its number of parts: 32, 32.02, 32.02.19, 32.02.19.2001."""
        return LEVEL_BY_PARTS[code.count(".") + 1]


LEVEL_BY_PARTS = {
    1: AreaLevel.PROVINSI,
    2: AreaLevel.KABUPATEN,
    3: AreaLevel.KECAMATAN,
    4: AreaLevel.DESA,
}
LEVEL_ORDER = [AreaLevel.PROVINSI, AreaLevel.KABUPATEN, AreaLevel.KECAMATAN, AreaLevel.DESA]


class DesaKind(models.TextChoices):
    """First digit of the last four digits of a desa/kelurahan code."""

    KELURAHAN = "1", _("Kelurahan")
    DESA = "2", _("Desa")
    DESA_ADAT = "3", _("Desa adat")


def is_valid_code(code: str) -> bool:
    return bool(CODE_PATTERN.match(code or ""))


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def covers(ancestor: str, code: str) -> bool:
    """Whether the area `ancestor` contains `code` (an area covers itself)."""
    return code == ancestor or code.startswith(ancestor + ".")


def subtree_q(code: str, field: str = "code") -> Q:
    """The rows whose area code `field` is the area or lies under it, by code prefix. A desa has nothing under it:
    equality alone, which an index answers in order (with the prefix as well PostgreSQL may walk a whole index)."""
    if code.count(".") + 1 == len(LEVEL_BY_PARTS):
        return Q(**{field: code})
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})
