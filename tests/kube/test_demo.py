"""The KUBE demo: twelve groups in Kabandungan across the four stages, one in Kalapanunggal, built once."""

import pytest
from django.core.management import call_command

from pendamping.kube.models import GateOverride, Kube
from pendamping.kube.services.groups import gate_unmet
from pendamping.kube.vocab import Gate, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(areas):
    call_command("demo")


def test_the_demo_has_twelve_groups_in_kabandungan_in_every_stage_and_one_in_kalapanunggal(demo):
    kabandungan = Kube.objects.filter(kecamatan_id="32.02.19")
    assert kabandungan.count() == 12
    assert set(kabandungan.values_list("stage", flat=True)) == set(Stage.values)
    assert Kube.objects.filter(kecamatan_id="32.02.18").count() == 1
    for kube in kabandungan.exclude(stage=Stage.T0):
        assert 5 <= kube.members.filter(left_on__isnull=True).count() <= 20
        assert not gate_unmet(kube, Gate.T1_2) or kube.overrides.filter(gate=Gate.T1_2).exists()


def test_the_demo_shows_a_few_overrides_with_reasons_and_runs_once(demo, capsys):
    assert GateOverride.objects.exclude(reason="").exists()
    before = Kube.objects.count()
    call_command("demo")
    assert "sudah lengkap" in capsys.readouterr().out and Kube.objects.count() == before
