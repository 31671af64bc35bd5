"""Demo registry: about 600 families (about 2,000 people) in the six desa of Kecamatan Kabandungan and 20 in the
neighbouring Kalapanunggal, with valid NIK and No. KK numbers, Sundanese names, realistic desil and PKH statuses,
poverty measures, some checklists and PPKS assessments, and eight probable duplicates to review.

Everything is planned first from `rng` alone (so the same seed gives the same data, whatever is in the database),
then written through the services, so every record is validated and audited like one typed in. A family that is
already there (by its No. KK) is skipped: a second run adds nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel

from .models import Household
from .nik import make_kk, make_nik
from .services import checklist_record, household_create, person_add, person_ppks_add
from .vocab import CHECKLIST_ITEMS, BasicNeed, ChecklistKind, Education, MaritalStatus, PkhStatus, Ppks, Relation

KABANDUNGAN = "32.02.19"
KABANDUNGAN_DESA = [f"{KABANDUNGAN}.200{i}" for i in range(1, 7)]
KALAPANUNGGAL = "32.02.18"
NEIGHBOURS = (KALAPANUNGGAL, "32.02.17", "32.02.15")  # Kalapanunggal, Cidahu, Parakansalak: where some NIKs come from
HOUSEHOLDS_PER_DESA = 100
KALAPANUNGGAL_HOUSEHOLDS = 20
REFERENCE = datetime.date(2025, 7, 1)  # ages are counted to this day, so the data never depends on today
DESIL_PERIOD = "2025-Q2"
REASON = "data demo"

MEN = [
    "Asep",
    "Ujang",
    "Dede",
    "Cecep",
    "Aceng",
    "Dadang",
    "Encep",
    "Rohman",
    "Saepudin",
    "Mulyana",
    "Hermawan",
    "Supriatna",
    "Agus",
    "Jajang",
    "Endang",
    "Yayat",
    "Deden",
    "Wawan",
    "Engkus",
    "Dadan",
    "Iwan",
    "Usep",
    "Ade",
    "Ruslan",
    "Maman",
    "Eman",
    "Apep",
    "Odih",
    "Yana",
    "Dodi",
    "Ajat",
    "Oman",
]
WOMEN = [
    "Euis",
    "Iis",
    "Neng",
    "Yuyun",
    "Elis",
    "Entin",
    "Nining",
    "Eneng",
    "Suryani",
    "Nurhayati",
    "Komariah",
    "Rosita",
    "Imas",
    "Cucu",
    "Titin",
    "Enok",
    "Lilis",
    "Siti",
    "Ela",
    "Popon",
    "Nenden",
    "Yati",
    "Ai",
    "Eti",
    "Enung",
    "Dedeh",
    "Oneng",
    "Mimin",
    "Atikah",
]
MEN_SECOND = [
    "Saepudin",
    "Mulyana",
    "Hermawan",
    "Supriatna",
    "Rohman",
    "Suryana",
    "Sutisna",
    "Hidayat",
    "Permana",
    "Kurnia",
    "Sopandi",
    "Gunawan",
    "Ruhiyat",
    "Setiawan",
    "Nugraha",
    "Firmansyah",
    "Sudrajat",
    "Rahmat",
]
WOMEN_SECOND = [
    "Suryani",
    "Nurhayati",
    "Komariah",
    "Rosita",
    "Rahayu",
    "Yuningsih",
    "Kurniasih",
    "Marlina",
    "Sumiati",
    "Maryati",
    "Nurjanah",
    "Sopiah",
    "Rohayati",
    "Aisyah",
    "Hasanah",
    "Sulastri",
    "Wulandari",
]
CHILDREN_BOYS = [
    "Rizky",
    "Fajar",
    "Raka",
    "Dimas",
    "Farhan",
    "Ilham",
    "Reza",
    "Galih",
    "Bayu",
    "Arya",
    "Rangga",
    "Gilang",
    "Dafa",
]
CHILDREN_GIRLS = [
    "Putri",
    "Aulia",
    "Naila",
    "Salsa",
    "Nadia",
    "Zahra",
    "Intan",
    "Sinta",
    "Rina",
    "Anisa",
    "Dinda",
    "Tiara",
    "Nabila",
]
DUSUN = [
    "Cisarua",
    "Pasirhuni",
    "Sukamulya",
    "Babakan",
    "Cibeber",
    "Cikiray",
    "Sukamaju",
    "Cimapag",
    "Leuwiliang",
    "Cipeucang",
    "Pasirpogor",
]
OCCUPATIONS_MEN = [
    "Petani",
    "Buruh tani",
    "Buruh perkebunan",
    "Buruh bangunan",
    "Pedagang",
    "Ojek",
    "Peternak",
    "Wiraswasta",
    "Tidak bekerja",
]
OCCUPATIONS_WOMEN = ["Mengurus rumah tangga", "Buruh tani", "Pedagang", "Buruh pabrik", "Petani"]
BIRTH_PLACES = ["Sukabumi"] * 8 + ["Bogor", "Cianjur"]
PKH_WEIGHTS = [
    (PkhStatus.BUKAN, 52),
    (PkhStatus.AKTIF, 30),
    (PkhStatus.TRANSISI, 8),
    (PkhStatus.GRADUASI_ALAMIAH, 5),
    (PkhStatus.GRADUASI_SEJAHTERA_MANDIRI, 3),
    (PkhStatus.KELUAR, 2),
]
DESIL_WEIGHTS = [(1, 24), (2, 22), (3, 18), (4, 16), (5, 9), (6, 7), (7, 4)]
SOURCES = ["Verifikasi lapangan TKSK", "Asesmen Puskesos", "Musyawarah desa", "DTKS"]


@dataclass
class PersonPlan:
    values: dict
    ppks: list[tuple[str, datetime.date, str]] = field(default_factory=list)


@dataclass
class HouseholdPlan:
    values: dict
    kk_since: datetime.date
    members: list[PersonPlan] = field(default_factory=list)
    checklists: list[tuple[str, list[str], datetime.date]] = field(default_factory=list)


def _weighted(rng, pairs):
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


def _date_between(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _born(rng, age_from: int, age_to: int) -> datetime.date:
    return _date_between(
        rng, REFERENCE.replace(year=REFERENCE.year - age_to - 1), REFERENCE.replace(year=REFERENCE.year - age_from)
    )


class _Planner:
    def __init__(self, rng, other_kecamatan: list[str]):
        self.rng = rng
        self.other_kecamatan = other_kecamatan
        self.serials: dict[tuple, int] = {}
        self.kk_serials: dict[tuple, int] = {}
        self.seen: set[tuple[str, datetime.date]] = set()

    def nik(self, kecamatan: str, born: datetime.date, sex: str) -> str:
        key = (kecamatan, born, sex)
        self.serials[key] = self.serials.get(key, 0) + 1
        return make_nik(kecamatan, born, sex, self.serials[key])

    def kk(self, kecamatan: str, issued: datetime.date) -> str:
        key = (kecamatan, issued)
        self.kk_serials[key] = self.kk_serials.get(key, 0) + 1
        return make_kk(kecamatan, issued, self.kk_serials[key])

    def name(self, sex: str, born: datetime.date, taken: set[str]) -> str:
        """A Sundanese name, not yet used in the family, not shared with anyone born the same day."""
        rng = self.rng
        while True:
            young = born.year >= 2008
            if sex == "L":
                first = rng.choice(CHILDREN_BOYS if young and rng.random() < 0.6 else MEN)
                second = rng.choice(MEN_SECOND)
            else:
                first = rng.choice(CHILDREN_GIRLS if young and rng.random() < 0.6 else WOMEN)
                second = rng.choice(WOMEN_SECOND)
            name = first if rng.random() < 0.2 and not young else f"{first} {second}"
            if name not in taken and (name, born) not in self.seen:
                taken.add(name)
                self.seen.add((name, born))
                return name

    def person(self, *, kecamatan: str, relation: str, sex: str, born: datetime.date, taken: set[str]) -> PersonPlan:
        rng = self.rng
        age = (REFERENCE - born).days // 365
        origin = kecamatan
        if age >= 17 and rng.random() < 0.08:
            origin = rng.choice(self.other_kecamatan)  # NIK first issued elsewhere: it does not move with the person
        if age < 7:
            education = Education.TIDAK_SEKOLAH
        elif age < 13:
            education = Education.TIDAK_TAMAT_SD
        elif age < 16:
            education = Education.SD
        elif age < 19:
            education = rng.choice([Education.SD, Education.SMP])
        else:
            education = _weighted(
                rng,
                [
                    (Education.TIDAK_TAMAT_SD, 18),
                    (Education.SD, 42),
                    (Education.SMP, 22),
                    (Education.SMA, 15),
                    (Education.DIPLOMA, 2),
                    (Education.S1, 1),
                ],
            )
        if age >= 17:
            occupation = rng.choice(OCCUPATIONS_MEN if sex == "L" else OCCUPATIONS_WOMEN)
        else:
            occupation = "Pelajar" if age >= 7 else ""
        disability = ""
        if rng.random() < 0.03:
            disability = rng.choice(["fisik", "sensorik", "intelektual", "mental"])
        return PersonPlan(
            values={
                "nik": self.nik(origin, born, sex),
                "name": self.name(sex, born, taken),
                "sex": sex,
                "birth_place": rng.choice(BIRTH_PLACES),
                "birth_date": born,
                "relation": relation,
                "marital_status": MaritalStatus.BELUM_KAWIN if age < 19 else MaritalStatus.KAWIN,
                "education": education,
                "occupation": occupation,
                "asn_tni_polri_pensiunan": age >= 58 and rng.random() < 0.02,
                "disability": disability,
                "phone": "",
            }
        )

    def household(self, desa_code: str, number: int) -> HouseholdPlan:
        rng = self.rng
        kecamatan = desa_code.rsplit(".", 1)[0]
        taken: set[str] = set()
        members = []
        head_sex = "L" if rng.random() < 0.82 else "P"
        head_born = _born(rng, 24, 78)
        head = self.person(
            kecamatan=kecamatan, relation=Relation.KEPALA_KELUARGA, sex=head_sex, born=head_born, taken=taken
        )
        members.append(head)
        head_age = (REFERENCE - head_born).days // 365
        mother_born = None
        if head_sex == "L" and rng.random() < 0.88:
            spouse_age = max(19, min(80, head_age + rng.randint(-9, 2)))
            mother_born = _born(rng, spouse_age, spouse_age)
            members.append(
                self.person(kecamatan=kecamatan, relation=Relation.SUAMI_ISTRI, sex="P", born=mother_born, taken=taken)
            )
        else:
            head.values["marital_status"] = (
                MaritalStatus.CERAI_MATI if head_age > 45 or head_sex == "P" else MaritalStatus.CERAI_HIDUP
            )
            if head_sex == "P":
                mother_born = head_born
        parent_age = (REFERENCE - (mother_born or head_born)).days // 365
        if parent_age <= 62:
            for _ in range(rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])):
                youngest, oldest = max(0, parent_age - 44), min(parent_age - 18, 30)
                if oldest < youngest:
                    break
                members.append(
                    self.person(
                        kecamatan=kecamatan,
                        relation=Relation.ANAK,
                        sex=rng.choice("LP"),
                        born=_born(rng, youngest, oldest),
                        taken=taken,
                    )
                )
        elif rng.random() < 0.3:
            members.append(
                self.person(
                    kecamatan=kecamatan,
                    relation=Relation.CUCU,
                    sex=rng.choice("LP"),
                    born=_born(rng, 3, 15),
                    taken=taken,
                )
            )
        if head_age < 55 and rng.random() < 0.1:
            relation = rng.choice([Relation.ORANG_TUA, Relation.MERTUA])
            members.append(
                self.person(
                    kecamatan=kecamatan,
                    relation=relation,
                    sex=rng.choice("LP"),
                    born=_born(rng, head_age + 20, min(head_age + 38, 92)),
                    taken=taken,
                )
            )
            members[-1].values["marital_status"] = MaritalStatus.CERAI_MATI

        needs = len(members) * rng.randrange(420_000, 680_000, 10_000)
        level = _weighted(rng, [("fakir", 30), ("miskin", 45), ("tidak_miskin", 25)])
        ratio = {"fakir": (25, 49), "miskin": (50, 90), "tidak_miskin": (91, 160)}[level]
        income = needs * rng.randint(*ratio) // 100 // 1000 * 1000
        if level == "tidak_miskin" and income * 100 <= needs * 90:
            income = needs  # rounding down to thousands must not change the class it was drawn for
        poor_share = {"fakir": 0.7, "miskin": 0.45, "tidak_miskin": 0.1}[level]
        unmet = sorted(need for need in BasicNeed.values if rng.random() < poor_share * 0.6)
        desil = _weighted(rng, DESIL_WEIGHTS)
        if level == "tidak_miskin":
            desil = min(10, desil + 2)
        kk_issued = _date_between(rng, datetime.date(2008, 1, 1), datetime.date(2024, 12, 31))
        values = {
            "no_kk": self.kk(kecamatan, kk_issued),
            "desa_code": desa_code,
            "dusun": f"Dusun {rng.choice(DUSUN)}",
            "rt": str(rng.randint(1, 12)),
            "rw": str(rng.randint(1, 6)),
            "alamat": f"Kp. {rng.choice(DUSUN)}",
            "id_dtks": f"{desa_code.replace('.', '')}{number:05d}" if rng.random() < 0.85 else "",
            "desil": desil,
            "desil_period": DESIL_PERIOD,
            "padan_dukcapil": rng.random() < 0.85,
            "pkh_status": _weighted(rng, PKH_WEIGHTS) if level != "tidak_miskin" or rng.random() < 0.3 else "",
            "sembako": rng.random() < 0.45,
            "pbi_jk": rng.random() < 0.6,
            "purnabina_kat": rng.random() < 0.02,
            "purnabina_lain": "Rutilahu 2021" if rng.random() < 0.04 else "",
            "kube_aid_year": rng.randint(2015, 2024) if rng.random() < 0.05 else None,
            "monthly_income": income,
            "basic_needs_cost": needs,
            "unmet_needs": unmet,
        }
        plan = HouseholdPlan(values=values, kk_since=kk_issued, members=members)
        for kind, share in ((ChecklistKind.KEPMENSOS_146, 0.25), (ChecklistKind.BPS_14, 0.2)):
            if rng.random() < share:
                items = [item for item in CHECKLIST_ITEMS[kind].values if rng.random() < poor_share + 0.1]
                plan.checklists.append((kind, items, _date_between(rng, datetime.date(2025, 1, 6), REFERENCE)))
        assessed = _date_between(rng, datetime.date(2024, 6, 1), REFERENCE)
        if level == "fakir" and rng.random() < 0.6:
            head.ppks.append((Ppks.P24, assessed, rng.choice(SOURCES)))
        for member in members:
            age = (REFERENCE - member.values["birth_date"]).days // 365
            if age >= 65 and level != "tidak_miskin" and rng.random() < 0.35:
                member.ppks.append((Ppks.P08, assessed, rng.choice(SOURCES)))
            if member.values["disability"] and rng.random() < 0.8:
                member.ppks.append((Ppks.P09, assessed, rng.choice(SOURCES)))
        return plan

    def duplicates(self, plans: list[HouseholdPlan]) -> None:
        """Eight probable duplicates: seven adults registered a second time on another card under another NIK (same
        name, same birth date; six within Kabandungan, one on a card in Kalapanunggal, which only the kabupaten sees
        whole), and one child entered twice on their own card."""
        rng = self.rng
        kabandungan = [p for p in plans if p.values["desa_code"].startswith(KABANDUNGAN + ".")]
        elsewhere = [p for p in plans if p not in kabandungan] or kabandungan
        sources = rng.sample(kabandungan, 7)
        for index, source in enumerate(sources):
            original = rng.choice(source.members).values
            pool = elsewhere if index == 6 else kabandungan
            target = rng.choice([p for p in pool if p is not source and p not in sources])
            twin = dict(original, relation=Relation.FAMILI_LAIN)
            twin["nik"] = self.nik(
                rng.choice([KABANDUNGAN, *self.other_kecamatan]), original["birth_date"], twin["sex"]
            )
            target.members.append(PersonPlan(values=twin))
        family = next(
            p for p in kabandungan if p not in sources and any(m.values["relation"] == Relation.ANAK for m in p.members)
        )
        child = next(m.values for m in family.members if m.values["relation"] == Relation.ANAK)
        born = child["birth_date"] - datetime.timedelta(days=rng.randint(200, 400))  # a typo in the year
        family.members.append(
            PersonPlan(values=dict(child, birth_date=born, nik=self.nik(KABANDUNGAN, born, child["sex"])))
        )


def plan(rng, *, kalapanunggal_desa: list[str], other_kecamatan: list[str]) -> list[HouseholdPlan]:
    """The demo families, from the random generator alone."""
    planner = _Planner(rng, other_kecamatan)
    plans = []
    for desa_code in KABANDUNGAN_DESA:
        plans += [planner.household(desa_code, n) for n in range(1, HOUSEHOLDS_PER_DESA + 1)]
    if kalapanunggal_desa:
        for n in range(KALAPANUNGGAL_HOUSEHOLDS):
            plans.append(planner.household(kalapanunggal_desa[n % len(kalapanunggal_desa)], 500 + n))
    planner.duplicates(plans)
    return plans


def areas() -> tuple[list[str], list[str]]:
    """The desa of Kalapanunggal and the neighbouring kecamatan (where some NIKs were first issued), from the area table."""
    desa = list(
        Area.objects.filter(parent_id=KALAPANUNGGAL, level=AreaLevel.DESA)
        .order_by("code")
        .values_list("code", flat=True)
    )
    others = list(
        Area.objects.filter(parent_id="32.02", level=AreaLevel.KECAMATAN)
        .exclude(code=KABANDUNGAN)
        .order_by("code")
        .values_list("code", flat=True)
    )
    nearby = [code for code in others if code in NEIGHBOURS]
    return desa, nearby or others[:3] or [KALAPANUNGGAL]


def is_built(plans: list[HouseholdPlan]) -> bool:
    """Whether the demo registry is there: a family of the plan, or any family of Kabandungan (the demo never adds to
    a Kabandungan registry that already holds families, be they its own from a run with another seed, or real ones)."""
    return (
        Household.objects.filter(no_kk__in=[p.values["no_kk"] for p in plans]).exists()
        or Household.objects.filter(desa__code__startswith=KABANDUNGAN + ".").exists()
    )


@transaction.atomic
def build(*, actor, rng) -> list[str]:
    """Create the demo families, unless they are there; returns what it did, a line per kind of record."""
    kalapanunggal_desa, other_kecamatan = areas()
    plans = plan(rng, kalapanunggal_desa=kalapanunggal_desa, other_kecamatan=other_kecamatan)
    if is_built(plans):
        return []
    counts = {"households": 0, "people": 0, "checklists": 0, "ppks": 0}
    for item in plans:
        household = household_create(actor=actor, reason=REASON, kk_since=item.kk_since, **item.values)
        counts["households"] += 1
        for member in item.members:
            person = person_add(actor=actor, household=household, reason=REASON, **member.values)
            counts["people"] += 1
            for category, assessed_on, source in member.ppks:
                person_ppks_add(
                    actor=actor, person=person, category=category, assessed_on=assessed_on, source=source, reason=REASON
                )
                counts["ppks"] += 1
        for kind, items, assessed_on in item.checklists:
            checklist_record(
                actor=actor,
                household=household,
                kind=kind,
                items=items,
                assessed_on=assessed_on,
                assessor_name=actor.get_full_name(),
                notes=REASON,
            )
            counts["checklists"] += 1
    return [
        f"{counts['households']} keluarga",
        f"{counts['people']} individu",
        f"{counts['checklists']} ceklis kemiskinan",
        f"{counts['ppks']} PPKS",
    ]
