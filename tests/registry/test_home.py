"""The home page counts the families and people of the user's areas."""

from tests.registry.test_services import make_household


def test_home_counts_the_families_and_people_of_the_users_area(login, tksk_kabandungan, tksk_kalapanunggal):
    make_household(tksk_kabandungan, serial=1, monthly_income=300_000, basic_needs_cost=1_000_000)
    make_household(tksk_kabandungan, serial=2, pkh_status="aktif")
    make_household(tksk_kalapanunggal, serial=3, desa="32.02.18.2001")
    [summary] = login(tksk_kabandungan).get("/").context["summary"]
    # households, people, fakir or miskin by need, PKH families: Kalapanunggal's family is not counted
    assert [n for _label, n in summary["holds"]] == [2, 2, 1, 1]
