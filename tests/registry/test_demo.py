"""The demo registry: about 600 families and 2,000 people of Kabandungan (and a few of Kalapanunggal), valid numbers,
a realistic spread of desil, PKH and poverty, probable duplicates to resolve; deterministic and safe to run again."""

import random
from collections import Counter

from pendamping.core.models import AuditEvent
from pendamping.registry import demo
from pendamping.registry.dedup import SAME_NAME_AND_BIRTH_DATE, SAME_NAME_IN_HOUSEHOLD, duplicate_candidates
from pendamping.registry.models import Household, Person, PersonPpks, PovertyChecklist
from pendamping.registry.nik import check_kk, check_nik
from pendamping.registry.services import kecamatan_known
from pendamping.registry.vocab import PkhStatus, PovertyClass, Ppks
from tests.conftest import KABANDUNGAN, KALAPANUNGGAL

SEED = 20261128
KALAPANUNGGAL_DESA = [f"{KALAPANUNGGAL}.200{i}" for i in range(1, 8)]
NEIGHBOURS = ["32.02.15", "32.02.17", KALAPANUNGGAL]


def test_the_demo_fills_kabandungan_with_600_families_of_valid_people(system, tksk_kabandungan, admin_sukabumi):
    done = demo.build(actor=system, rng=random.Random(SEED))
    households = Household.objects.live()
    assert 590 <= households.count() <= 640 and done[0] == f"{households.count()} keluarga"
    by_desa = Counter(households.values_list("desa_id", flat=True))
    assert {code for code in by_desa if code.startswith(KABANDUNGAN + ".")} == {
        f"{KABANDUNGAN}.200{i}" for i in range(1, 7)
    }
    assert all(90 <= by_desa[f"{KABANDUNGAN}.200{i}"] <= 110 for i in range(1, 7))
    assert 15 <= sum(n for code, n in by_desa.items() if code.startswith(KALAPANUNGGAL + ".")) <= 25
    assert 1800 <= Person.objects.count() <= 2300
    # every number is valid, and agrees with the sex and birth date of its holder
    for person in Person.objects.all():
        check = check_nik(person.nik, sex=person.sex, birth_date=person.birth_date, kecamatan_known=kecamatan_known)
        assert check.ok and not check.warnings, (person.nik, check.errors)
    assert all(check_kk(kk).ok for kk in households.values_list("no_kk", flat=True))
    # each family has one head
    heads = Counter(Person.objects.filter(relation="kepala_keluarga").values_list("household_id", flat=True))
    assert set(heads.values()) == {1} and len(heads) == households.count()
    # a realistic spread: mostly desil 1-4, about 30% PKH aktif, all three classes by need
    desil = Counter(households.values_list("desil", flat=True))
    assert sum(desil[d] for d in (1, 2, 3, 4)) > 0.6 * households.count()
    assert sum(desil[d] for d in (5, 6, 7)) > 0.1 * households.count()
    pkh = Counter(households.values_list("pkh_status", flat=True))
    assert 0.2 < pkh[PkhStatus.AKTIF] / households.count() < 0.4
    assert pkh[PkhStatus.TRANSISI] and pkh[PkhStatus.GRADUASI_ALAMIAH] and pkh[PkhStatus.GRADUASI_SEJAHTERA_MANDIRI]
    classes = Counter(households.values_list("poverty_class", flat=True))
    assert all(
        classes[c] > 0.1 * households.count()
        for c in (PovertyClass.FAKIR, PovertyClass.MISKIN, PovertyClass.TIDAK_MISKIN)
    )
    assert PovertyChecklist.objects.count() > 100
    ppks = set(PersonPpks.objects.values_list("category", flat=True))
    assert {Ppks.P24, Ppks.P08, Ppks.P09} <= ppks
    # everything went through the services: audited, with the demo's reason
    assert AuditEvent.objects.filter(action="household.create", reason="data demo").count() == households.count()
    # eight probable duplicates for the kabupaten, seven of them inside Kabandungan for its TKSK
    rules = Counter(c.rule for c in duplicate_candidates(actor=admin_sukabumi))
    assert rules == {SAME_NAME_AND_BIRTH_DATE: 7, SAME_NAME_IN_HOUSEHOLD: 1}
    assert len(duplicate_candidates(actor=tksk_kabandungan)) == 7


def test_the_demo_adds_nothing_when_run_again(areas, system):
    first = demo.build(actor=system, rng=random.Random(SEED))
    counts = (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    assert first and demo.build(actor=system, rng=random.Random(SEED)) == []
    # a generator in another state (another builder ran first) does not put a second village on top
    assert demo.build(actor=system, rng=random.Random(SEED + 1)) == []
    assert (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == counts


def test_the_demo_is_the_same_for_the_same_seed_and_is_what_the_database_gets(areas, system):
    def numbers(seed):
        plans = demo.plan(random.Random(seed), kalapanunggal_desa=KALAPANUNGGAL_DESA, other_kecamatan=NEIGHBOURS)
        return [(p.values["no_kk"], [(m.values["nik"], m.values["name"]) for m in p.members]) for p in plans]

    assert numbers(SEED) == numbers(SEED)
    assert numbers(SEED) != numbers(SEED + 1)
    demo.build(actor=system, rng=random.Random(SEED))
    assert demo.areas() == (KALAPANUNGGAL_DESA, NEIGHBOURS)
    in_database = {
        (h.no_kk, frozenset(h.members.values_list("nik", "name")))
        for h in Household.objects.prefetch_related("members")
    }
    assert in_database == {(kk, frozenset(members)) for kk, members in numbers(SEED)}
