"""Fixed lists of the Puskesos desk (domain.md section 6), with the Indonesian labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    DATANG_LANGSUNG = "datang_langsung", _("Datang langsung")
    KUNJUNGAN_RUMAH = "kunjungan_rumah", _("Kunjungan rumah")
    TELEPON_PESAN = "telepon_pesan", _("Telepon/pesan")
    LAPORAN_RT_RW = "laporan_rt_rw", _("Laporan RT/RW")


class Sector(models.TextChoices):
    """The sectors a need belongs to and a referral goes to."""

    KESEHATAN = "kesehatan", _("Kesehatan (PBI-JK/KIS)")
    PENDIDIKAN = "pendidikan", _("Pendidikan (PIP)")
    PKH = "pkh", _("PKH")
    SEMBAKO = "sembako", _("Sembako")
    ENERGI = "energi", _("Energi (listrik, LPG)")
    PERTANIAN = "pertanian", _("Pertanian")
    PERIKANAN = "perikanan", _("Perikanan")
    PERUMAHAN = "perumahan", _("Perumahan (RTLH)")
    ADMINDUK = "adminduk", _("Adminduk (KK, akta, KTP)")
    REHABILITASI_SOSIAL = "rehabilitasi_sosial", _("Rehabilitasi sosial (LKS, panti)")
    PERLINDUNGAN = "perlindungan", _("Perlindungan (UPTD PPA/P2TP2A)")
    KUBE = "kube", _("KUBE")
    LAINNYA = "lainnya", _("Lainnya")


class ProblemKind(models.TextChoices):
    """What the case is about, where it decides confidentiality: violence, trafficking and children's cases are
    confidential by default."""

    EKONOMI = "ekonomi", _("Ekonomi/kemiskinan")
    KESEHATAN = "kesehatan", _("Kesehatan/disabilitas")
    PENDIDIKAN = "pendidikan", _("Pendidikan")
    ADMINISTRASI = "administrasi", _("Administrasi kependudukan")
    PERUMAHAN = "perumahan", _("Perumahan")
    KEKERASAN = "kekerasan", _("Kekerasan")
    PERDAGANGAN_ORANG = "perdagangan_orang", _("Perdagangan orang")
    ANAK = "anak", _("Anak (terlantar, berhadapan dengan hukum, perlu perlindungan)")
    LAINNYA = "lainnya", _("Lainnya")


CONFIDENTIAL_BY_DEFAULT = frozenset({ProblemKind.KEKERASAN, ProblemKind.PERDAGANGAN_ORANG, ProblemKind.ANAK})


class CaseStatus(models.TextChoices):
    BARU = "baru", _("Baru")
    ASESMEN = "asesmen", _("Asesmen")
    RENCANA = "rencana", _("Rencana")
    INTERVENSI = "intervensi", _("Intervensi")
    DIRUJUK = "dirujuk", _("Dirujuk")
    EVALUASI = "evaluasi", _("Evaluasi")
    SELESAI = "selesai", _("Selesai")
    DITUTUP = "ditutup", _("Ditutup")


OPEN_CASE_STATUSES = frozenset(CaseStatus.values) - {CaseStatus.SELESAI, CaseStatus.DITUTUP}

# the moves a case may make (a TKSK returning a case sends it back to an earlier step: see services)
CASE_TRANSITIONS = {
    CaseStatus.BARU: {CaseStatus.ASESMEN, CaseStatus.DITUTUP},
    CaseStatus.ASESMEN: {CaseStatus.RENCANA, CaseStatus.DITUTUP},
    CaseStatus.RENCANA: {CaseStatus.INTERVENSI, CaseStatus.DIRUJUK, CaseStatus.DITUTUP},
    CaseStatus.INTERVENSI: {CaseStatus.DIRUJUK, CaseStatus.EVALUASI, CaseStatus.DITUTUP},
    CaseStatus.DIRUJUK: {CaseStatus.INTERVENSI, CaseStatus.EVALUASI, CaseStatus.DITUTUP},
    CaseStatus.EVALUASI: {CaseStatus.INTERVENSI, CaseStatus.SELESAI, CaseStatus.DITUTUP},
    CaseStatus.SELESAI: set(),
    CaseStatus.DITUTUP: set(),
}


class ReferralStatus(models.TextChoices):
    DIKIRIM = "dikirim", _("Dikirim")
    DITERIMA = "diterima", _("Diterima")
    DITINDAKLANJUTI = "ditindaklanjuti", _("Ditindaklanjuti")
    SELESAI = "selesai", _("Selesai")
    DITOLAK = "ditolak", _("Ditolak")


OPEN_REFERRAL_STATUSES = frozenset({ReferralStatus.DIKIRIM, ReferralStatus.DITERIMA, ReferralStatus.DITINDAKLANJUTI})

REFERRAL_TRANSITIONS = {
    ReferralStatus.DIKIRIM: {
        ReferralStatus.DITERIMA,
        ReferralStatus.DITOLAK,
        ReferralStatus.DITINDAKLANJUTI,
        ReferralStatus.SELESAI,
    },
    ReferralStatus.DITERIMA: {ReferralStatus.DITINDAKLANJUTI, ReferralStatus.SELESAI, ReferralStatus.DITOLAK},
    ReferralStatus.DITINDAKLANJUTI: {ReferralStatus.SELESAI},
    ReferralStatus.SELESAI: set(),
    ReferralStatus.DITOLAK: set(),
}


class ProposalState(models.TextChoices):
    """Register proposal (usulan DTKS/DTSEN) states of domain.md section 6."""

    DRAF = "draf", _("Draf")
    MUSYAWARAH_DESA = "musyawarah_desa", _("Musyawarah desa")
    VERIFIKASI_VALIDASI = "verifikasi_validasi", _("Verifikasi dan validasi")
    PENGESAHAN = "pengesahan", _("Pengesahan")
    DIKIRIM = "dikirim", _("Dikirim")
    DITETAPKAN = "ditetapkan", _("Ditetapkan")
    DITOLAK = "ditolak", _("Ditolak")


PROPOSAL_TRANSITIONS = {
    ProposalState.DRAF: {ProposalState.MUSYAWARAH_DESA},
    ProposalState.MUSYAWARAH_DESA: {ProposalState.VERIFIKASI_VALIDASI},
    ProposalState.VERIFIKASI_VALIDASI: {ProposalState.PENGESAHAN, ProposalState.DITOLAK},
    ProposalState.PENGESAHAN: {ProposalState.DIKIRIM},
    ProposalState.DIKIRIM: {ProposalState.DITETAPKAN, ProposalState.DITOLAK},
    ProposalState.DITETAPKAN: set(),
    ProposalState.DITOLAK: set(),
}


class VerificationResult(models.TextChoices):
    LAYAK = "layak", _("Layak")
    TIDAK_LAYAK = "tidak_layak", _("Tidak layak")


class PsksKind(models.TextChoices):
    """Potensi dan Sumber Kesejahteraan Sosial: organisations and people (Permensos 08/2012)."""

    LKS = "lks", _("Lembaga Kesejahteraan Sosial (LKS)")
    KARANG_TARUNA = "karang_taruna", _("Karang Taruna")
    PSM = "psm", _("Pekerja Sosial Masyarakat (PSM)")
    TKSK = "tksk", _("Tenaga Kesejahteraan Sosial Kecamatan (TKSK)")
    TAGANA = "tagana", _("Taruna Siaga Bencana (Tagana)")
    WKSBM = "wksbm", _("Wahana Kesejahteraan Sosial Berbasis Masyarakat (WKSBM)")
    PEKSOS = "peksos", _("Pekerja sosial profesional")
    PENYULUH = "penyuluh", _("Penyuluh sosial")
    DUNIA_USAHA = "dunia_usaha", _("Dunia usaha (CSR)")
    LAINNYA = "lainnya", _("Lainnya")
