"""Fixed lists of KUBE (domain.md section 4), with the Indonesian labels users see.

The stages and their 23 activities (4.3) and the typology indicators (4.4) are data here: services, gates, pages
and the demo read them from this module and nowhere else.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class KubeKind(models.TextChoices):
    PRODUKSI = "produksi", _("KUBE Produksi")
    JASA = "jasa", _("KUBE Jasa")


class KubeStatus(models.TextChoices):
    AKTIF = "aktif", _("Aktif")
    MACET = "macet", _("Macet")
    BUBAR = "bubar", _("Bubar")


class MemberRole(models.TextChoices):
    KETUA = "ketua", _("Ketua")
    SEKRETARIS = "sekretaris", _("Sekretaris")
    BENDAHARA = "bendahara", _("Bendahara")
    ANGGOTA = "anggota", _("Anggota")


OFFICERS = (MemberRole.KETUA, MemberRole.SEKRETARIS, MemberRole.BENDAHARA)


class Stage(models.TextChoices):
    T0 = "T0", _("T0 Tahap Persiapan")
    T1 = "T1", _("T1 Tahap Pembentukan")
    T2 = "T2", _("T2 Tahap Pengembangan Usaha")
    T3 = "T3", _("T3 Tahap Kemitraan Usaha")


STAGE_ORDER = {value: rank for rank, value in enumerate(Stage.values)}


class Activity(models.TextChoices):
    """The 23 activities of the four stages (seed); the code's prefix is its stage."""

    T0_1 = "T0.1", _("Orientasi dan observasi")
    T0_2 = "T0.2", _("Registrasi dan identifikasi")
    T0_3 = "T0.3", _("Perencanaan program pelaksanaan")
    T0_4 = "T0.4", _("Penyuluhan sosial umum")
    T0_5 = "T0.5", _("Bimbingan pengenalan masalah")
    T0_6 = "T0.6", _("Bimbingan motivasi")
    T0_7 = "T0.7", _("Evaluasi persiapan")
    T1_1 = "T1.1", _("Seleksi calon keluarga binaan sosial (KBS)")
    T1_2 = "T1.2", _("Pembentukan pra kelompok dan kelompok")
    T1_3 = "T1.3", _("Pemilihan/penentuan jenis usaha")
    T1_4 = "T1.4", _("Peralihan keterampilan anggota KUBE")
    T1_5 = "T1.5", _("Pemberian bantuan makanan atau santunan")
    T1_6 = "T1.6", _("Bantuan stimulan permodalan")
    T1_7 = "T1.7", _("Pendampingan dan evaluasi")
    T2_1 = "T2.1", _("Bimbingan pengembangan usaha")
    T2_2 = "T2.2", _("Pemberian bantuan pengembangan usaha")
    T2_3 = "T2.3", _("Pendampingan dan evaluasi")
    T3_1 = "T3.1", _("Inventarisasi sumber-sumber yang ada")
    T3_2 = "T3.2", _("Membuat kesepakatan-kesepakatan")
    T3_3 = "T3.3", _("Pelaksanaan kemitraan usaha")
    T3_4 = "T3.4", _("Bimbingan kemitraan usaha")
    T3_5 = "T3.5", _("Perluasan jaringan kemitraan usaha")
    T3_6 = "T3.6", _("Evaluasi")


def activity_stage(code: str) -> str:
    return code.split(".", 1)[0]


def stage_activities(stage: str) -> list[str]:
    return [code for code in Activity.values if activity_stage(code) == stage]


# the evaluation activities: recorded with a result (passed or not) and notes
EVALUATIONS = frozenset({"T0.7", "T1.7", "T2.3", "T3.6"})


class ActivityResult(models.TextChoices):
    PASSED = "passed", _("Lulus")
    NOT_PASSED = "not_passed", _("Belum lulus")


class Gate(models.TextChoices):
    """The gates of 4.3: a stage opening, or an activity that needs something first. Each can be overridden with a
    written reason by a user holding kube.override."""

    T1 = "T1", _("T1 dibuka: T0.7 Evaluasi persiapan lulus")
    T1_2 = "T1.2", _("T1.2: 5-20 anggota tersaring dan tiga pengurus")
    T1_6 = "T1.6", _("T1.6: rekening kelompok, SK penetapan, semua anggota layak")
    T2 = "T2", _("T2 dibuka: T1.7 tercatat dan LPJ stimulan diverifikasi")
    T3 = "T3", _("T3 dibuka: T2.3 tercatat dan tipologi minimal berkembang")


class LeaveReason(models.TextChoices):
    MENGUNDURKAN_DIRI = "mengundurkan_diri", _("Mengundurkan diri")
    PINDAH = "pindah", _("Pindah domisili")
    MENINGGAL = "meninggal", _("Meninggal dunia")
    TIDAK_AKTIF = "tidak_aktif", _("Tidak aktif")
    TIDAK_MEMENUHI_SYARAT = "tidak_memenuhi_syarat", _("Tidak memenuhi syarat")
    KELOMPOK_BUBAR = "kelompok_bubar", _("Kelompok bubar")
    SALAH_INPUT = "salah_input", _("Salah input")


class LpjState(models.TextChoices):
    BELUM = "belum", _("Belum diajukan")
    DIAJUKAN = "diajukan", _("Diajukan")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")


class CashDirection(models.TextChoices):
    IN = "in", _("Masuk")
    OUT = "out", _("Keluar")


class CashCategory(models.TextChoices):
    PENJUALAN = "penjualan", _("Penjualan")
    PEMBELIAN_BAHAN = "pembelian_bahan", _("Pembelian bahan")
    MODAL_BANTUAN = "modal_bantuan", _("Modal/bantuan")
    UPAH = "upah", _("Upah")
    IKS = "iks", _("IKS")
    TABUNGAN = "tabungan", _("Tabungan")
    LAINNYA = "lainnya", _("Lainnya")


class Typology(models.TextChoices):
    BELUM_TUMBUH = "belum_tumbuh", _("Belum tumbuh")
    TUMBUH = "tumbuh", _("Tumbuh")
    BERKEMBANG = "berkembang", _("Berkembang")
    MAJU = "maju", _("Maju (mandiri)")


TYPOLOGY_ORDER = {value: rank for rank, value in enumerate(Typology.values)}


class Dimension(models.TextChoices):
    KELEMBAGAAN = "kelembagaan", _("Kelembagaan")
    SOSIAL = "sosial", _("Sosial")
    EKONOMI = "ekonomi", _("Ekonomi")


@dataclass(frozen=True)
class Indicator:
    code: str
    level: str  # Typology value: tumbuh, berkembang or maju
    dimension: str
    computed: bool  # computed from the records; otherwise assessed by the pendamping in the monthly report
    label: str


# domain.md 4.4: every indicator, its level, its foundation, and whether the records decide it
INDICATORS: list[Indicator] = [
    Indicator("ada_pendamping", "tumbuh", "kelembagaan", True, _("Memiliki pendamping")),
    Indicator("pengurus_lengkap", "tumbuh", "kelembagaan", True, _("Ketua, sekretaris, bendahara menjabat")),
    Indicator("anggota_terlatih", "tumbuh", "kelembagaan", False, _("Anggota sudah dilatih")),
    Indicator("papan_nama", "tumbuh", "kelembagaan", False, _("Memiliki papan nama")),
    Indicator("kegiatan_dimulai", "tumbuh", "sosial", False, _("Kegiatan kelompok sudah dimulai")),
    Indicator("stimulan_diterima", "tumbuh", "ekonomi", True, _("Bantuan stimulan UEP diterima")),
    Indicator(
        "berjalan_sesuai_struktur",
        "berkembang",
        "kelembagaan",
        True,
        _("Berjalan sesuai struktur (buku kas diisi tiap bulan, 3 bulan terakhir)"),
    ),
    Indicator("percaya_diri_anggota", "berkembang", "sosial", False, _("Kepercayaan diri anggota meningkat")),
    Indicator("relasi_masyarakat", "berkembang", "sosial", False, _("Relasi dengan masyarakat membaik")),
    Indicator(
        "keuntungan_dibagi",
        "berkembang",
        "ekonomi",
        True,
        _("Keuntungan disisihkan untuk modal, kesejahteraan anggota dan IKS"),
    ),
    Indicator("hasil_dirasakan", "berkembang", "ekonomi", False, _("Hasil usaha dirasakan anggota")),
    Indicator(
        "uep_dikelola_baik", "maju", "kelembagaan", True, _("UEP dikelola dengan baik (laporan tepat waktu 3 bulan)")
    ),
    Indicator(
        "iks_digunakan", "maju", "sosial", True, _("IKS digunakan untuk anggota, keluarga miskin lain atau masyarakat")
    ),
    Indicator("relasi_melembaga", "maju", "sosial", False, _("Relasi sosial melembaga")),
    Indicator("laba_modal_tumbuh", "maju", "ekonomi", True, _("Laba dan modal tumbuh dalam 3 laporan terakhir")),
    Indicator("kemitraan_aktif", "maju", "ekonomi", True, _("Kemitraan aktif dengan lembaga ekonomi atau usaha")),
]
INDICATOR_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
ASSESSED_INDICATORS = [indicator.code for indicator in INDICATORS if not indicator.computed]


class BusinessStatus(models.TextChoices):
    AKTIF = "aktif", _("Aktif")
    MACET = "macet", _("Macet")
    BUBAR = "bubar", _("Bubar")


class PartnerKind(models.TextChoices):
    BANK = "bank", _("Bank")
    KOPERASI = "koperasi", _("Koperasi")
    BUMDES = "bumdes", _("BUMDes")
    PERUSAHAAN = "perusahaan", _("Perusahaan")
    INSTANSI = "instansi", _("Instansi pemerintah")
    LSM = "lsm", _("LSM/organisasi masyarakat")


# partners that count as "an economic institution or firm" for the maju indicator
ECONOMIC_PARTNERS = frozenset({PartnerKind.BANK, PartnerKind.KOPERASI, PartnerKind.BUMDES, PartnerKind.PERUSAHAAN})


class PartnershipKind(models.TextChoices):
    PEMASARAN = "pemasaran", _("Pemasaran")
    PERMODALAN = "permodalan", _("Permodalan")
    BAHAN_BAKU = "bahan_baku", _("Bahan baku")
    PELATIHAN = "pelatihan", _("Pelatihan")


class PartnershipStatus(models.TextChoices):
    DIRINTIS = "dirintis", _("Dirintis")
    AKTIF = "aktif", _("Aktif")
    BERAKHIR = "berakhir", _("Berakhir")


# the business types every kabupaten starts with; a Dinas Sosial adds its own (BusinessType rows)
DEFAULT_BUSINESS_TYPES = [
    ("ternak_domba", "Ternak domba", KubeKind.PRODUKSI),
    ("ternak_ayam", "Ternak ayam kampung", KubeKind.PRODUKSI),
    ("budidaya_ikan", "Budidaya ikan", KubeKind.PRODUKSI),
    ("keripik_singkong", "Keripik singkong", KubeKind.PRODUKSI),
    ("gula_aren", "Gula aren", KubeKind.PRODUKSI),
    ("konveksi", "Konveksi", KubeKind.PRODUKSI),
    ("kerajinan_bambu", "Kerajinan bambu", KubeKind.PRODUKSI),
    ("warung_sembako", "Warung sembako", KubeKind.JASA),
    ("e_warung", "e-Warung KUBE PKH", KubeKind.JASA),
    ("jasa_servis", "Jasa servis/bengkel", KubeKind.JASA),
]
