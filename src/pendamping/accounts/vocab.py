"""Fixed lists of the accounts app: the roles and the area level each is held on."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pendamping.areas.vocab import AreaLevel


class Role(models.TextChoices):
    ADMIN = "admin_dinsos", _("Admin Dinas Sosial")
    TKSK = "tksk", _("TKSK")
    FASILITATOR = "fasilitator", _("Fasilitator Puskesos")
    PENDAMPING = "pendamping", _("Pendamping KUBE")
    PENGAMAT = "pengamat", _("Pengamat")


# The level of area each role is assigned on; None: any level (a pengamat may watch a desa or a whole province).
ROLE_AREA_LEVEL: dict[str, AreaLevel | None] = {
    Role.ADMIN: AreaLevel.KABUPATEN,
    Role.TKSK: AreaLevel.KECAMATAN,
    Role.FASILITATOR: AreaLevel.DESA,
    Role.PENDAMPING: AreaLevel.KECAMATAN,
    Role.PENGAMAT: None,
}
