"""`pendamping screen NIK [--rules ID] [--json]` and `pendamping screen --desa CODE [--rules ID]`.

Without --rules, the active rule set of the current budget year for the person's (or desa's) kabupaten is used.
The command acts as the system account unless --user names someone (then limited to their areas).
"""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pendamping.core.errors import NotAllowed
from pendamping.core.system import system_actor
from pendamping.registry.models import Person
from pendamping.targeting import engine, selectors, services
from pendamping.targeting.models import RuleSet, ScreeningResult
from pendamping.targeting.vocab import Decision


class Command(BaseCommand):
    help = "Screen one person (by NIK) or a whole desa against a rule set version."

    def add_arguments(self, parser):
        parser.add_argument("nik", nargs="?", help="the NIK of the person to screen")
        parser.add_argument("--desa", help="screen every person of this desa (kode wilayah)")
        parser.add_argument("--rules", type=int, help="the id of the rule set version (default: the active one)")
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
        parser.add_argument("--user", help="act as this user (limited to their areas); default: the system account")

    def handle(self, *args, nik=None, desa=None, rules=None, json=False, user=None, **options):
        if bool(nik) == bool(desa):
            raise CommandError("Sebutkan satu NIK atau --desa KODE.")
        actor = self._actor(user)
        if nik:
            person = Person.objects.live().select_related("household").filter(nik=nik.strip()).first()
            if person is None:
                raise CommandError(f"NIK {nik} tidak ada di registri.")
            area = person.household.desa_id
        else:
            area = desa.strip()
        rule_set = self._rule_set(rules, area)
        try:
            if nik:
                run = services.screening_people(actor=actor, rule_set=rule_set, person_ids=[person.pk])
            else:
                run = services.screening_desa(actor=actor, rule_set=rule_set, desa_code=area)
        except NotAllowed as error:
            raise CommandError(str(error.args[0]) if error.args else str(error)) from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        if nik:
            result = ScreeningResult.objects.select_related("person", "rule_set", "data_kk_taken_by").get(run=run)
            if json:
                self.stdout.write(_dumps(engine.as_json(result)))
            else:
                self.stdout.write(f"{result.person.nik} {result.person.name}: {result.get_decision_display()}")
                for rule in engine.rules_of(result):
                    if rule.applied:
                        mark = {True: "ya", False: "TIDAK", None: "?"}[rule.passed]
                        self.stdout.write(f"  [{mark}] {rule.code}: {rule.detail}")
            return
        counts = {value: run.counts.get(value, 0) for value in Decision.values}
        if json:
            self.stdout.write(_dumps({"desa": area, "rule_set": rule_set.pk, "people": run.people, "counts": counts}))
        else:
            self.stdout.write(f"Desa {area}, {rule_set}: {run.people} orang disaring")
            for value in Decision.values:
                self.stdout.write(f"  {Decision(value).label}: {counts[value]}")

    def _actor(self, username):
        if not username:
            return system_actor()
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Pengguna {username} tidak ditemukan atau tidak aktif.") from None

    def _rule_set(self, rules, area: str) -> RuleSet:
        if rules is not None:
            rule_set = RuleSet.objects.filter(pk=rules).first()
            if rule_set is None:
                raise CommandError(f"Aturan (rule set) dengan id {rules} tidak ada.")
            return rule_set
        year = timezone.localdate().year
        rule_set = selectors.active_rule_set(area_code=area, year=year)
        if rule_set is None:
            raise CommandError(
                f"Tidak ada aturan seleksi yang aktif untuk tahun anggaran {year} di wilayah {area}: "
                "aktifkan satu aturan atau sebutkan --rules ID."
            )
        return rule_set


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
