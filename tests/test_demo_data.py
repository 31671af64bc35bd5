"""The demo data of the apps after the registry (whose own test is in tests/test_commands.py): KUBE in every stage
with their books, a year of mentoring contacts with uneven roles and a few overdue tasks. One test, because building
the demo takes seconds."""

import datetime

import pytest
from django.core.management import call_command

from pendamping.kube.models import EWarung, GateOverride, Kube, Partnership
from pendamping.kube.services.groups import gate_unmet
from pendamping.kube.services.money import stimulus_due, stimulus_received
from pendamping.kube.vocab import Gate, Stage
from pendamping.mentoring.models import Contact, ContactRole, FollowUpTask
from pendamping.puskesos.models import Case, Psks, Referral, RegisterProposal
from pendamping.puskesos.vocab import ReferralStatus

pytestmark = pytest.mark.django_db


def test_the_demo_builds_groups_in_every_stage_with_their_books_reports_and_overrides_once(areas, capsys):
    call_command("demo")
    kabandungan = Kube.objects.filter(kecamatan_id="32.02.19")
    assert kabandungan.count() == 12
    assert set(kabandungan.values_list("stage", flat=True)) == set(Stage.values)
    assert Kube.objects.filter(kecamatan_id="32.02.18").count() == 1
    for kube in kabandungan.exclude(stage=Stage.T0):
        assert 5 <= kube.members.filter(left_on__isnull=True).count() <= 20
        assert not gate_unmet(kube, Gate.T1_2) or kube.overrides.filter(gate=Gate.T1_2).exists()
    for kube in Kube.objects.filter(stage__in=[Stage.T2, Stage.T3]):
        assert stimulus_received(kube) == stimulus_due(kube) > 0
        assert kube.cash_entries.count() >= 12 and kube.progress_reports.count() >= 6
        assert kube.lpj.state in ("diverifikasi", "diajukan")
    assert Partnership.objects.filter(status="aktif").count() == 2
    assert EWarung.objects.get().months.count() >= 6
    assert "berkembang" in set(Kube.objects.filter(stage=Stage.T3).values_list("progress_reports__typology", flat=True))
    assert GateOverride.objects.exclude(reason="").count() >= 2
    assert Kube.objects.filter(members__eligibility_override__gt="").exists()
    # inclusion errors to find: members who fail the active rules
    from pendamping.core.system import system_actor
    from pendamping.kube.selectors.screening import inclusion_errors, rule_set_for

    found = inclusion_errors(actor=system_actor(), area_code="32.02.19", rule_set=rule_set_for("32.02.19"))
    assert 3 <= found.count() <= 6

    # a year of mentoring contacts, with uneven role coverage worth noticing and a few overdue tasks
    contacts = Contact.objects.filter(desa__code__startswith="32.02.19.")
    assert contacts.count() >= 150
    assert contacts.filter(method="groupwork", attendance__present=False).exists()
    agus = ContactRole.objects.filter(contact__worker__username="pendamping.agus", scheme="zastrow")
    assert agus.filter(code="enabler").count() > 20 and not agus.filter(code="broker").exists()
    overdue = FollowUpTask.objects.filter(status="open", due_on__lt=datetime.date(2026, 11, 20))
    assert 1 <= overdue.count() <= 15

    # the Puskesos desk: about 150 requests, referrals in every state, two confidential cases, proposals at several
    # states and a PSKS register
    assert 120 <= Case.objects.filter(desa__code__startswith="32.02.19.").count() <= 180
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert Case.objects.filter(confidential=True).count() == 2
    assert len(set(RegisterProposal.objects.values_list("state", flat=True))) >= 5
    assert Psks.objects.count() >= 5

    before = Kube.objects.count()
    capsys.readouterr()
    call_command("demo")
    assert "sudah lengkap" in capsys.readouterr().out and Kube.objects.count() == before
