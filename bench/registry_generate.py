"""Write N people (default 1,000,000, about 300,000 households) of Kabupaten Sukabumi in the canonical import format.

    python bench/registry_generate.py OUT.csv [N] [--seed 2026] [--delimiter ';']

Deterministic (seeded), streamed to disk (memory does not grow with N), every NIK and No. KK valid and unique:
- the desa are the 386 of 32.02, read from the area list shipped in the package;
- a household's No. KK is its kecamatan, an issue date and a serial; the issue year carries the household's block of
  9,999 within its kecamatan, so two households never share a number;
- a person's NIK is the kecamatan, the birth date (+40 for women) and a serial; the serial counts people within the
  kecamatan modulo 9,999 and the two-digit birth year is chosen so that year % 8 equals the block (people // 9,999),
  so two people of one kecamatan never share a NIK (a kecamatan may hold up to 8 x 9,999 people per generator run).
"""

import argparse
import csv
import datetime
import random
import sys
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from pendamping.registry.nik import make_kk, make_nik  # noqa: E402

KABUPATEN = "32.02"
HEADER = [
    "id_dtks",
    "kode_desa",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "no_kk",
    "nik",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "hubungan_keluarga",
    "status_kawin",
    "pendidikan",
    "pekerjaan",
    "desil",
    "status_pkh",
    "penghasilan_bulanan",
    "kebutuhan_dasar_bulanan",
]
MEN = [
    "Asep",
    "Ujang",
    "Dadang",
    "Cecep",
    "Dede",
    "Endang",
    "Iwan",
    "Jajang",
    "Kusnadi",
    "Mamat",
    "Nandang",
    "Odang",
    "Rahmat",
    "Saepul",
    "Tatang",
    "Ujang",
    "Wawan",
    "Yayan",
    "Agus",
    "Budi",
    "Deden",
    "Engkos",
    "Hendra",
    "Ikin",
    "Jaja",
    "Komar",
    "Lili",
    "Maman",
    "Nana",
    "Oman",
    "Pepen",
    "Rudi",
    "Sukma",
    "Toto",
    "Ucup",
]
WOMEN = [
    "Euis",
    "Neneng",
    "Iis",
    "Ai",
    "Enok",
    "Cucu",
    "Dedeh",
    "Elis",
    "Ening",
    "Fitri",
    "Hj.Imas",
    "Iroh",
    "Juju",
    "Kokom",
    "Lilis",
    "Mimin",
    "Nining",
    "Popon",
    "Rina",
    "Siti",
    "Tati",
    "Uum",
    "Wati",
    "Yati",
    "Eneng",
    "Nurhayati",
    "Ratna",
    "Sri",
    "Titin",
    "Yeni",
    "Entin",
    "Cicih",
    "Onah",
    "Ipah",
    "Eem",
]
FAMILY = [
    "Suhendar",
    "Saepudin",
    "Hidayat",
    "Rosita",
    "Komariah",
    "Permana",
    "Sopandi",
    "Setiawan",
    "Kurniawan",
    "Nurhadi",
    "Sulaeman",
    "Maulana",
    "Firmansyah",
    "Rahayu",
    "Hermawan",
    "Supriatna",
    "Gunawan",
    "Ramdani",
    "Mulyana",
    "Solihin",
    "Sutisna",
    "Kusmayadi",
    "Apriyani",
    "Nuraeni",
]
DUSUN = ["Cikaret", "Babakan", "Sukamaju", "Cibodas", "Pasirhalang", "Cimapag", "Leuwiliang", "Sindangsari"]
JOBS = ["Petani", "Buruh tani", "Pedagang", "Buruh harian lepas", "Mengurus rumah tangga", "Wiraswasta", "Nelayan"]
EDUCATION = ["tidak_sekolah", "tidak_tamat_sd", "sd", "sd", "smp", "smp", "sma", "diploma", "s1"]
PKH = ["", "", "", "", "aktif", "aktif", "transisi", "graduasi_alamiah", "graduasi_sejahtera_mandiri", "keluar"]
TODAY = datetime.date(2026, 11, 1)


def sukabumi_desa() -> list[tuple[str, str]]:
    """(desa code, kecamatan code) of every desa of Kabupaten Sukabumi, from the shipped area list."""
    path = Path(str(files("pendamping.areas") / "data" / "villages.csv"))
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["code"], row["district_code"])
            for row in csv.DictReader(handle)
            if row["code"].startswith(KABUPATEN + ".")
        ]


def _birth(rng: random.Random, age_from: int, age_to: int, block: int) -> datetime.date:
    """A birth date at an age in the range, in a year whose two digits % 8 == block (see the module docstring)."""
    year = TODAY.year - rng.randint(age_from, age_to)
    while year % 100 % 8 != block:
        year -= 1
    return datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))


def generate(path: Path, people: int = 1_000_000, *, seed: int = 2026, delimiter: str = ";") -> dict:
    rng = random.Random(seed)
    desa = sukabumi_desa()
    kk_count: dict[str, int] = {}
    person_count: dict[str, int] = {}
    written = households = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, delimiter=delimiter)
        out.writerow(HEADER)
        while written < people:
            desa_code, kecamatan = desa[rng.randrange(len(desa))]
            h = kk_count.get(kecamatan, 0)
            kk_count[kecamatan] = h + 1
            issued = datetime.date(2010 + h // 9999, rng.randint(1, 12), rng.randint(1, 28))
            no_kk = make_kk(kecamatan, issued, h % 9999 + 1)
            size = min(people - written, rng.choice([1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 6]))
            family = rng.choice(FAMILY)
            dusun = rng.choice(DUSUN)
            rt, rw = f"{rng.randint(1, 12):03d}", f"{rng.randint(1, 8):03d}"
            desil = rng.choice(["", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"])
            needs = rng.randrange(1_500_000, 4_000_000, 10_000)
            income = rng.randrange(300_000, 5_000_000, 10_000)
            pkh = rng.choice(PKH)
            id_dtks = f"DTKS-{desa_code.replace('.', '')}-{h:06d}" if rng.random() < 0.8 else ""
            household = [id_dtks, desa_code, f"Kp. {dusun} RT {rt}/RW {rw}", dusun, rt, rw, no_kk]
            head_sex = "L" if rng.random() < 0.85 else "P"
            for member in range(size):
                if member == 0:
                    sex, relation, ages = head_sex, "kepala_keluarga", (25, 80)
                    marital = "kawin" if size > 1 else rng.choice(["cerai_mati", "cerai_hidup", "belum_kawin"])
                elif member == 1 and size > 2:
                    sex, relation, ages, marital = ("P" if head_sex == "L" else "L"), "suami_istri", (22, 75), "kawin"
                elif member == size - 1 and size >= 6:
                    sex, relation, ages, marital = rng.choice("LP"), "orang_tua", (60, 95), "cerai_mati"
                else:
                    sex, relation, ages, marital = rng.choice("LP"), "anak", (1, 24), "belum_kawin"
                p = person_count.get(kecamatan, 0)
                if p // 9999 >= 8:
                    raise SystemExit(f"more than {8 * 9999:,} people in kecamatan {kecamatan}: NIKs would repeat")
                person_count[kecamatan] = p + 1
                born = _birth(rng, *ages, block=p // 9999)
                nik = make_nik(kecamatan, born, sex, p % 9999 + 1)
                given = rng.choice(MEN if sex == "L" else WOMEN).replace("Hj.", "Hj. ")
                out.writerow(
                    [
                        *household,
                        nik,
                        f"{given} {family}" if member < 2 or rng.random() < 0.5 else given,
                        "Sukabumi",
                        born.isoformat() if rng.random() < 0.8 else born.strftime("%d-%m-%Y"),
                        sex,
                        relation,
                        marital,
                        rng.choice(EDUCATION) if ages[0] >= 18 else rng.choice(["tidak_sekolah", "sd", "smp"]),
                        rng.choice(JOBS) if ages[0] >= 18 else "Pelajar",
                        desil,
                        pkh,
                        income,
                        needs,
                    ]
                )
            written += size
            households += 1
    return {"people": written, "households": households, "bytes": path.stat().st_size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("people", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--delimiter", default=";")
    args = parser.parse_args()
    result = generate(Path(args.out), args.people, seed=args.seed, delimiter=args.delimiter)
    print(f"{result['people']:,} people in {result['households']:,} households, {result['bytes']:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
