from django.db import models
from django.utils.translation import gettext_lazy as _

from .vocab import AreaLevel, DesaKind


class Area(models.Model):
    """One area of the Kemendagri list. The code is the key and is always a string ("32.02.19.2001").

    A subtree is found by code prefix (`code__startswith="32.02."`), never by walking parents.
    """

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def kind_label(self) -> str:
        """What the area is called in full: Provinsi, Kabupaten or Kota, Kecamatan, Desa or Kelurahan."""
        if self.level == AreaLevel.KABUPATEN:
            return str(_("Kota")) if int(self.code[-2:]) >= 71 else str(_("Kabupaten"))
        if self.level == AreaLevel.DESA:
            return DesaKind(self.code[-4]).label if self.code[-4] in DesaKind.values else str(_("Desa"))
        return AreaLevel(self.level).label

    @property
    def display_name(self) -> str:
        """The name as people say it: "Kecamatan Kabandungan", "Kabupaten Sukabumi" (the list already says it)."""
        if self.level == AreaLevel.KABUPATEN:
            return self.name
        return f"{self.kind_label} {self.name}"
