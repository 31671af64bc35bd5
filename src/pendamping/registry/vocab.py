"""Fixed lists of the registry (domain.md section 3), with the Indonesian labels users see.

Values are the codes stored and used in imports; labels are what the pages show.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    LAKI_LAKI = "L", _("Laki-laki")
    PEREMPUAN = "P", _("Perempuan")


class Relation(models.TextChoices):
    """Hubungan dengan kepala keluarga."""

    KEPALA_KELUARGA = "kepala_keluarga", _("Kepala keluarga")
    SUAMI_ISTRI = "suami_istri", _("Suami/istri")
    ANAK = "anak", _("Anak")
    MENANTU = "menantu", _("Menantu")
    CUCU = "cucu", _("Cucu")
    ORANG_TUA = "orang_tua", _("Orang tua")
    MERTUA = "mertua", _("Mertua")
    FAMILI_LAIN = "famili_lain", _("Famili lain")
    LAINNYA = "lainnya", _("Lainnya")


class MaritalStatus(models.TextChoices):
    BELUM_KAWIN = "belum_kawin", _("Belum kawin")
    KAWIN = "kawin", _("Kawin")
    CERAI_HIDUP = "cerai_hidup", _("Cerai hidup")
    CERAI_MATI = "cerai_mati", _("Cerai mati")


class Education(models.TextChoices):
    """Pendidikan tertinggi yang ditamatkan."""

    TIDAK_SEKOLAH = "tidak_sekolah", _("Tidak/belum sekolah")
    TIDAK_TAMAT_SD = "tidak_tamat_sd", _("Tidak tamat SD")
    SD = "sd", _("SD/sederajat")
    SMP = "smp", _("SMP/sederajat")
    SMA = "sma", _("SMA/sederajat")
    DIPLOMA = "diploma", _("Diploma")
    S1 = "s1", _("S1")
    S2_S3 = "s2_s3", _("S2/S3")


class Disability(models.TextChoices):
    """Ragam penyandang disabilitas (UU 8/2016)."""

    TIDAK_ADA = "", _("Tidak ada")
    FISIK = "fisik", _("Disabilitas fisik")
    INTELEKTUAL = "intelektual", _("Disabilitas intelektual")
    MENTAL = "mental", _("Disabilitas mental")
    SENSORIK = "sensorik", _("Disabilitas sensorik")
    GANDA = "ganda", _("Disabilitas ganda/multi")


class PkhStatus(models.TextChoices):
    """Status kepesertaan Program Keluarga Harapan (blank: not a PKH family)."""

    BUKAN = "", _("Bukan peserta PKH")
    AKTIF = "aktif", _("Aktif")
    TRANSISI = "transisi", _("Transisi")
    GRADUASI_ALAMIAH = "graduasi_alamiah", _("Graduasi alamiah")
    GRADUASI_SEJAHTERA_MANDIRI = "graduasi_sejahtera_mandiri", _("Graduasi sejahtera mandiri")
    KELUAR = "keluar", _("Keluar")


class KkChangeReason(models.TextChoices):
    """Why a family's No. KK changed (the KK is never the key)."""

    PINDAH = "pindah", _("Pindah domisili")
    PISAH_KK = "pisah_kk", _("Pisah KK")
    KEPALA_MENINGGAL = "kepala_meninggal", _("Kepala keluarga meninggal/berganti")
    KOREKSI = "koreksi", _("Koreksi data")
    PERTAMA = "pertama", _("Pencatatan pertama")


class PovertyClass(models.TextChoices):
    """Kemiskinan menurut kebutuhan (seed 2.6): income against the cost of basic needs."""

    FAKIR = "fakir", _("Fakir")
    MISKIN = "miskin", _("Miskin")
    TIDAK_MISKIN = "tidak_miskin", _("Tidak miskin")
    BELUM_DINILAI = "", _("Belum dinilai")


class BasicNeed(models.TextChoices):
    """Kebutuhan dasar (seed): pangan, sandang, perumahan, kesehatan, pendidikan, pekerjaan, pelayanan sosial."""

    PANGAN = "pangan", _("Pangan")
    SANDANG = "sandang", _("Sandang")
    PERUMAHAN = "perumahan", _("Perumahan")
    KESEHATAN = "kesehatan", _("Kesehatan")
    PENDIDIKAN = "pendidikan", _("Pendidikan")
    PEKERJAAN = "pekerjaan", _("Pekerjaan")
    PELAYANAN_SOSIAL = "pelayanan_sosial", _("Pelayanan sosial")


class ChecklistKind(models.TextChoices):
    KEPMENSOS_146 = "kepmensos_146", _("Kriteria fakir miskin Kepmensos 146/HUK/2013")
    BPS_14 = "bps_14", _("14 kriteria kemiskinan BPS")


class Kepmensos146(models.TextChoices):
    """The 11 household criteria of Kepmensos 146/HUK/2013."""

    K01 = "01", _("Tidak mempunyai sumber mata pencaharian, atau mempunyai tetapi tidak mampu memenuhi kebutuhan dasar")
    K02 = "02", _("Sebagian besar pengeluaran untuk makanan pokok yang sangat sederhana")
    K03 = "03", _("Tidak mampu atau sulit berobat kecuali ke Puskesmas atau yang disubsidi pemerintah")
    K04 = "04", _("Tidak mampu membeli pakaian satu kali dalam setahun untuk setiap anggota keluarga")
    K05 = "05", _("Hanya mampu menyekolahkan anak sampai jenjang SLTP")
    K06 = "06", _("Dinding rumah dari bambu, kayu, atau tembok dalam kondisi tidak baik")
    K07 = "07", _("Lantai dari tanah, atau kayu/semen/keramik dalam kondisi tidak baik")
    K08 = "08", _("Atap dari ijuk/rumbia, atau genteng/seng/asbes dalam kondisi tidak baik")
    K09 = "09", _("Penerangan bukan listrik, atau listrik tanpa meteran")
    K10 = "10", _("Luas lantai rumah kurang dari 8 m² per orang")
    K11 = "11", _("Sumber air minum dari sumur atau mata air tak terlindungi, air sungai, air hujan, atau lainnya")


class Bps14(models.TextChoices):
    """The 14 BPS poverty criteria (a household meeting at least the threshold, default 9, counts as poor)."""

    B01 = "01", _("Luas lantai bangunan tempat tinggal kurang dari 8 m² per orang")
    B02 = "02", _("Lantai dari tanah, bambu, atau kayu murahan")
    B03 = "03", _("Dinding dari bambu, rumbia, kayu berkualitas rendah, atau tembok tanpa plester")
    B04 = "04", _("Tidak memiliki fasilitas buang air besar, atau bersama-sama dengan rumah tangga lain")
    B05 = "05", _("Sumber penerangan bukan listrik")
    B06 = "06", _("Sumber air minum dari sumur, mata air tidak terlindungi, sungai, atau air hujan")
    B07 = "07", _("Bahan bakar memasak kayu bakar, arang, atau minyak tanah")
    B08 = "08", _("Hanya mengonsumsi daging, susu, atau ayam satu kali dalam seminggu")
    B09 = "09", _("Hanya membeli satu stel pakaian baru dalam setahun")
    B10 = "10", _("Hanya sanggup makan satu atau dua kali dalam sehari")
    B11 = "11", _("Tidak sanggup membayar biaya pengobatan di Puskesmas")
    B12 = (
        "12",
        _(
            "Kepala rumah tangga petani dengan lahan kurang dari 0,5 ha, buruh tani, buruh bangunan, buruh perkebunan, "
            "nelayan, atau berpenghasilan kurang dari Rp600.000 per bulan"
        ),
    )
    B13 = "13", _("Pendidikan kepala rumah tangga tidak sekolah atau hanya SD")
    B14 = "14", _("Tidak memiliki tabungan atau barang yang mudah dijual senilai Rp500.000")


CHECKLIST_ITEMS = {ChecklistKind.KEPMENSOS_146: Kepmensos146, ChecklistKind.BPS_14: Bps14}


class Ppks(models.TextChoices):
    """Pemerlu Pelayanan Kesejahteraan Sosial, codes 01-26 (Permensos 08/2012, 5/2019)."""

    P01 = "01", _("Anak Balita Terlantar")
    P02 = "02", _("Anak Terlantar")
    P03 = "03", _("Anak yang Berhadapan dengan Hukum")
    P04 = "04", _("Anak Jalanan")
    P05 = "05", _("Anak dengan Kedisabilitasan")
    P06 = "06", _("Anak Korban Tindak Kekerasan atau Diperlakukan Salah")
    P07 = "07", _("Anak yang Memerlukan Perlindungan Khusus")
    P08 = "08", _("Lanjut Usia Terlantar")
    P09 = "09", _("Penyandang Disabilitas")
    P10 = "10", _("Tuna Susila")
    P11 = "11", _("Gelandangan")
    P12 = "12", _("Pengemis")
    P13 = "13", _("Pemulung")
    P14 = "14", _("Kelompok Minoritas")
    P15 = "15", _("Bekas Warga Binaan Lembaga Pemasyarakatan")
    P16 = "16", _("Orang dengan HIV/AIDS")
    P17 = "17", _("Korban Penyalahgunaan NAPZA")
    P18 = "18", _("Korban Trafficking")
    P19 = "19", _("Korban Tindak Kekerasan")
    P20 = "20", _("Pekerja Migran Bermasalah Sosial")
    P21 = "21", _("Korban Bencana Alam")
    P22 = "22", _("Korban Bencana Sosial")
    P23 = "23", _("Perempuan Rawan Sosial Ekonomi")
    P24 = "24", _("Fakir Miskin")
    P25 = "25", _("Keluarga Bermasalah Sosial Psikologis")
    P26 = "26", _("Komunitas Adat Terpencil")
