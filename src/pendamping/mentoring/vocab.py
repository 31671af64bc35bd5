"""Fixed lists of mentoring (domain.md section 5), with the Indonesian labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    KUBE = "kube", _("KUBE")
    HOUSEHOLD = "household", _("Keluarga")
    PERSON = "person", _("Individu")
    COMMUNITY = "community", _("Desa/komunitas")


class Method(models.TextChoices):
    CASEWORK = "casework", _("Casework (bimbingan perorangan)")
    GROUPWORK = "groupwork", _("Groupwork (bimbingan kelompok)")
    COCD = "cocd", _("CO/CD (pengorganisasian/pengembangan masyarakat)")


class SocialWorkRole(models.TextChoices):
    """The six roles of Zastrow (seed)."""

    ENABLER = "enabler", _("Enabler (pemungkin)")
    BROKER = "broker", _("Broker (perantara)")
    EXPERT = "expert", _("Expert (ahli)")
    SOCIAL_PLANNER = "social_planner", _("Social planner (perencana sosial)")
    ADVOCATE = "advocate", _("Advocate (pembela)")
    ACTIVIST = "activist", _("Activist (aktivis)")


class TksRole(models.TextChoices):
    """The 14 roles of a TKS (seed)."""

    T01 = "01", _("Penyedia data dan informasi lokal")
    T02 = "02", _("Membantu seleksi penerima bantuan")
    T03 = "03", _("Mendampingi KUBE meningkatkan pendapatan keluarga miskin")
    T04 = "04", _("Memotivasi penerima bantuan")
    T05 = "05", _("Bimbingan sosial untuk perilaku yang lebih baik")
    T06 = "06", _("Sosialisasi masalah PMKS")
    T07 = "07", _("Memfasilitasi pemenuhan kebutuhan masyarakat")
    T08 = "08", _("Menghubungkan kebutuhan masyarakat dengan pemerintah")
    T09 = "09", _("Menggerakkan adat setempat sebagai dasar kegiatan masyarakat")
    T10 = "10", _("Merintis Puspelkesos kecamatan")
    T11 = "11", _("Menjaga kesetiakawanan sosial, menggalang dana masyarakat")
    T12 = "12", _("Mendata PMKS")
    T13 = "13", _("Mendampingi dan memfasilitasi kegiatan masyarakat")
    T14 = "14", _("Membimbing dan memfasilitasi nilai-nilai sosial")


class RoleScheme(models.TextChoices):
    ZASTROW = "zastrow", _("Peran pekerjaan sosial")
    TKS = "tks", _("Peran TKS")


class WelfareFunction(models.TextChoices):
    PENCEGAHAN = "pencegahan", _("Pencegahan")
    PENYEMBUHAN = "penyembuhan", _("Penyembuhan/rehabilitasi")
    PENGEMBANGAN = "pengembangan", _("Pengembangan")
    PENUNJANG = "penunjang", _("Penunjang")


class InterventionKind(models.TextChoices):
    KURATIF = "kuratif", _("Kuratif")
    PREVENTIF = "preventif", _("Preventif")
    EDUKATIF = "edukatif", _("Edukatif")


class ServiceType(models.TextChoices):
    """Siporin (seed)."""

    AKSES = "akses", _("Akses (informasi, rujukan, advokasi, partisipasi)")
    TERAPI = "terapi", _("Terapi, pertolongan dan rehabilitasi")
    SOSIALISASI = "sosialisasi", _("Sosialisasi dan pengembangan")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Terbuka")
    DONE = "done", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    ACKNOWLEDGED = "acknowledged", _("Diterima Dinas Sosial")


# the key roles a group should receive while in a stage (domain.md 5, "peran kunci"; a setting may replace them)
DEFAULT_KEY_ROLES = {
    "T0": ["enabler", "social_planner", "expert"],
    "T1": ["enabler", "broker", "expert"],
    "T2": ["expert", "broker", "enabler"],
    "T3": ["broker", "advocate", "social_planner", "activist"],
}
