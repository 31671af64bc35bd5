"""Fixed lists of targeting (domain.md sections 4.1 and 4.2), with the Indonesian labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingSource(models.TextChoices):
    APBN = "apbn", _("APBN")
    APBD = "apbd", _("APBD")
    DID = "did", _("DID")
    LAINNYA = "lainnya", _("Lainnya")


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    ACTIVE = "active", _("Aktif")
    RETIRED = "retired", _("Tidak berlaku")


class Decision(models.TextChoices):
    ELIGIBLE = "eligible", _("Layak")
    NOT_ELIGIBLE = "not_eligible", _("Tidak layak")
    NEEDS_VERIFICATION = "needs_verification", _("Perlu verifikasi")


class Mechanism(models.TextChoices):
    """In priority order (seed 4.1): referral first, PKH transition first of all. The rank is the position + 1."""

    PKH_TRANSISI = "pkh_transisi", _("Rujukan: PKH transisi")
    PKH_GRADUASI = "pkh_graduasi", _("Rujukan: PKH graduasi")
    PKH_AKTIF_SINERGI = "pkh_aktif_sinergi", _("Rujukan: PKH aktif (sinergi)")
    PURNABINA_KAT = "purnabina_kat", _("Rujukan: purnabina KAT")
    PURNABINA_LAIN = "purnabina_lain", _("Rujukan: purnabina lain")
    RTSM_TERDAFTAR = "rtsm_terdaftar", _("Non rujukan: RTSM terdaftar DTKS/DTSEN")
    RTSM_BELUM_TERDAFTAR = "rtsm_belum_terdaftar", _("Non rujukan: RTSM belum terdaftar")
    KASUS_KHUSUS = "kasus_khusus", _("Non rujukan: kasus khusus (usulan)")


PRIORITY = {value: rank for rank, value in enumerate(Mechanism.values, start=1)}


class Rule(models.TextChoices):
    """The rules a person is screened by (codes are stable: they name the result's columns and the JSON output)."""

    UMUR = "umur", _("Usia produktif")
    STATUS_KAWIN = "status_kawin", _("Berstatus kawin")
    TERDAFTAR_DTKS = "terdaftar_dtks", _("Terdaftar di DTKS/DTSEN atau terbukti miskin")
    DESIL_MAKS = "desil_maks", _("Desil DTSEN tidak melebihi batas")
    BUKAN_ASN = "bukan_asn", _("Bukan ASN/TNI/Polri/pensiunan")
    BELUM_PERNAH_KUBE = "belum_pernah_kube", _("Belum pernah menerima bantuan KUBE")
    KEPALA_KELUARGA = "kepala_keluarga", _("Kepala keluarga atau pencari nafkah utama")
    SATU_PER_KK = "satu_per_kk", _("Satu orang per KK")


class SoftCriterion(models.TextChoices):
    """Preferred, not a gate (seed 4.2 items 4 and 5). No data source records them yet: shown as not recorded."""

    JIWA_WIRAUSAHA = "jiwa_wirausaha", _("Jiwa kewirausahaan")
    EMBRIO_USAHA = "embrio_usaha", _("Embrio usaha produktif/kecil")
    BERSEDIA_BERKELOMPOK = "bersedia_berkelompok", _("Bersedia bekerja dalam kelompok (pernyataan)")


class SpecialCaseKind(models.TextChoices):
    """Why a special case is proposed (seed 4.1, non rujukan b)."""

    BENCANA_ALAM = "bencana_alam", _("Bencana alam")
    KRISIS_EKONOMI = "krisis_ekonomi", _("Krisis ekonomi")
    KONDISI_MENDESAK = "kondisi_mendesak", _("Kondisi mendesak lainnya")


class SpecialCaseStatus(models.TextChoices):
    DIAJUKAN = "diajukan", _("Diajukan")
    DISETUJUI = "disetujui", _("Disetujui")
    DITOLAK = "ditolak", _("Ditolak")
