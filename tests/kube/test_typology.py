"""The typology rule of domain.md 4.4 as pure functions: each computed indicator true and false, each level, what is
missing for the next level, and (with hypothesis) that meeting more indicators never lowers the level."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from pendamping.kube import typology
from pendamping.kube.typology import CashLine, Facts, PartnershipLine, ReportLine, evaluate, level_for
from pendamping.kube.vocab import INDICATORS, TYPOLOGY_ORDER

MAY = datetime.date(2026, 5, 1)
CODES = [i.code for i in INDICATORS]
ASSESSED = [i.code for i in INDICATORS if not i.computed]


def codes_of(level: str) -> set[str]:
    return {i.code for i in INDICATORS if i.level == level}


def report(month, profit=100, capital=1000, iks_used=0, submitted_on=None):
    return ReportLine(
        month=month,
        profit=profit,
        capital=capital,
        iks_used=iks_used,
        submitted_on=submitted_on or typology.add_months(month, 1).replace(day=5),
    )


def full_facts(**changes) -> Facts:
    """Facts under which every computed indicator holds for the report of May 2026."""
    months = typology.window(MAY)
    values = {
        "month": MAY,
        "has_pendamping": True,
        "officer_roles": frozenset({"ketua", "sekretaris", "bendahara"}),
        "tranche_dates": (datetime.date(2026, 2, 10),),
        "cash": tuple(CashLine(m.replace(day=3), "in", "penjualan") for m in months)
        + (CashLine(MAY.replace(day=20), "in", "iks"), CashLine(MAY.replace(day=21), "out", "tabungan")),
        "reports": tuple(
            report(m, profit=100 + 10 * i, capital=1000 + 100 * i, iks_used=50 if i == 2 else 0)
            for i, m in enumerate(months)
        ),
        "partnerships": (PartnershipLine("koperasi", "aktif", datetime.date(2026, 4, 1)),),
        "due_day": 10,
    }
    values.update(changes)
    return Facts(**values)


def met(facts: Facts, code: str) -> bool:
    return evaluate(facts, ASSESSED).indicators[code]["met"]


def test_with_every_record_in_place_every_computed_indicator_holds_and_the_group_is_maju():
    outcome = evaluate(full_facts(), ASSESSED)
    assert outcome.typology == "maju"
    assert all(value["met"] and value["why"] for value in outcome.indicators.values())
    assert outcome.missing_for_next == []


def test_every_indicator_outcome_says_whether_it_was_computed():
    outcome = evaluate(full_facts(), [])
    for indicator in INDICATORS:
        assert outcome.indicators[indicator.code]["computed"] is indicator.computed
        if not indicator.computed:
            assert outcome.indicators[indicator.code]["met"] is False


def test_ada_pendamping():
    assert met(full_facts(), "ada_pendamping")
    assert not met(full_facts(has_pendamping=False), "ada_pendamping")


def test_pengurus_lengkap_needs_all_three_officers():
    assert met(full_facts(), "pengurus_lengkap")
    assert not met(full_facts(officer_roles=frozenset({"ketua", "bendahara"})), "pengurus_lengkap")


def test_stimulan_diterima_counts_tranches_transferred_by_the_end_of_the_month():
    assert met(full_facts(), "stimulan_diterima")
    assert not met(full_facts(tranche_dates=()), "stimulan_diterima")
    assert not met(full_facts(tranche_dates=(datetime.date(2026, 6, 1),)), "stimulan_diterima")


def test_berjalan_sesuai_struktur_needs_cash_entries_in_each_of_the_three_months():
    assert met(full_facts(), "berjalan_sesuai_struktur")
    without_april = tuple(line for line in full_facts().cash if line.entry_date.month != 4)
    assert not met(full_facts(cash=without_april), "berjalan_sesuai_struktur")


def test_keuntungan_dibagi_needs_iks_and_profit_moved_to_savings_or_capital():
    assert met(full_facts(), "keuntungan_dibagi")
    no_iks = tuple(line for line in full_facts().cash if line.category != "iks")
    assert not met(full_facts(cash=no_iks), "keuntungan_dibagi")
    no_share = tuple(line for line in full_facts().cash if line.category != "tabungan")
    assert not met(full_facts(cash=no_share), "keuntungan_dibagi")
    capital = (*no_share, CashLine(MAY.replace(day=25), "out", "modal_bantuan"))
    assert met(full_facts(cash=capital), "keuntungan_dibagi")
    old = (*no_share, CashLine(datetime.date(2026, 1, 25), "out", "tabungan"))
    assert not met(full_facts(cash=old), "keuntungan_dibagi")


def test_uep_dikelola_baik_needs_three_reports_each_on_time():
    assert met(full_facts(), "uep_dikelola_baik")
    reports = list(full_facts().reports)
    late = reports[:2] + [report(MAY, submitted_on=datetime.date(2026, 6, 11))]
    assert not met(full_facts(reports=tuple(late)), "uep_dikelola_baik")
    assert met(full_facts(reports=tuple(late), due_day=15), "uep_dikelola_baik")
    assert not met(full_facts(reports=tuple(reports[1:])), "uep_dikelola_baik")


def test_iks_digunakan_from_the_reports_or_the_cash_book():
    assert met(full_facts(), "iks_digunakan")
    unused = tuple(report(r.month, r.profit, r.capital, 0) for r in full_facts().reports)
    assert not met(full_facts(reports=unused), "iks_digunakan")
    paid = (*full_facts().cash, CashLine(MAY.replace(day=9), "out", "iks"))
    assert met(full_facts(reports=unused, cash=paid), "iks_digunakan")


def test_laba_modal_tumbuh_needs_profit_and_capital_to_grow_over_three_reports():
    assert met(full_facts(), "laba_modal_tumbuh")
    months = typology.window(MAY)
    flat = tuple(report(m, profit=100, capital=1000 + i) for i, m in enumerate(months))
    assert not met(full_facts(reports=flat), "laba_modal_tumbuh")
    dip = tuple(report(m, profit=p, capital=1000 + i) for i, (m, p) in enumerate(zip(months, [100, 90, 150])))
    assert not met(full_facts(reports=dip), "laba_modal_tumbuh")
    losses_shrinking = tuple(report(m, profit=p, capital=c) for m, p, c in zip(months, [-50, -10, 20], [5, 6, 7]))
    assert met(full_facts(reports=losses_shrinking), "laba_modal_tumbuh")
    assert not met(full_facts(reports=full_facts().reports[1:]), "laba_modal_tumbuh")


def test_kemitraan_aktif_needs_an_active_partnership_with_an_economic_partner():
    assert met(full_facts(), "kemitraan_aktif")
    for line in [
        PartnershipLine("koperasi", "dirintis", datetime.date(2026, 4, 1)),
        PartnershipLine("koperasi", "berakhir", datetime.date(2026, 4, 1)),
        PartnershipLine("lsm", "aktif", datetime.date(2026, 4, 1)),
        PartnershipLine("instansi", "aktif", datetime.date(2026, 4, 1)),
    ]:
        assert not met(full_facts(partnerships=(line,)), "kemitraan_aktif"), line


def test_each_level_needs_every_indicator_of_its_level_and_those_below():
    tumbuh, berkembang, maju = codes_of("tumbuh"), codes_of("berkembang"), codes_of("maju")
    assert level_for(set()) == "belum_tumbuh"
    assert level_for(tumbuh - {"papan_nama"}) == "belum_tumbuh"
    assert level_for(tumbuh) == "tumbuh"
    assert level_for(tumbuh | berkembang) == "berkembang"
    assert level_for(tumbuh | berkembang | maju) == "maju"
    # a higher level's indicators do not make up for a lower level's gap
    assert level_for(berkembang | maju) == "belum_tumbuh"
    assert level_for(tumbuh | maju) == "tumbuh"


def test_missing_for_the_next_level_names_exactly_the_unmet_indicators_up_to_it():
    tumbuh, berkembang = codes_of("tumbuh"), codes_of("berkembang")
    assert set(typology.missing_for_next(tumbuh - {"papan_nama"})) == {"papan_nama"}
    assert set(typology.missing_for_next(tumbuh | berkembang - {"hasil_dirasakan"})) == {"hasil_dirasakan"}
    assert set(typology.missing_for_next(tumbuh | berkembang)) == codes_of("maju")
    assert typology.missing_for_next(set(CODES)) == []


def test_a_group_missing_only_assessed_indicators_shows_them_as_missing():
    outcome = evaluate(full_facts(), [code for code in ASSESSED if code != "relasi_melembaga"])
    assert outcome.typology == "berkembang" and outcome.missing_for_next == ["relasi_melembaga"]


@given(st.sets(st.sampled_from(CODES)), st.sets(st.sampled_from(CODES)))
def test_the_level_is_monotone_in_the_indicators_met(some, more):
    assert TYPOLOGY_ORDER[level_for(some)] <= TYPOLOGY_ORDER[level_for(some | more)]


@given(st.sets(st.sampled_from(CODES)))
def test_meeting_what_is_missing_reaches_at_least_the_next_level(met_codes):
    level = level_for(met_codes)
    target = typology.next_level(level)
    if target is not None:
        reached = level_for(met_codes | set(typology.missing_for_next(met_codes)))
        assert TYPOLOGY_ORDER[reached] >= TYPOLOGY_ORDER[target]
