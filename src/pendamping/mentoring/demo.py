"""Demo mentoring: a year of contacts in Kabandungan by its TKSK, its six fasilitators and the two KUBE pendamping,
through the service, with role coverage that is deliberately uneven (Agus plays the enabler and the expert and almost
never the broker; the broker role comes mostly from Rina and the TKSK; advocacy is rare), group sessions with
attendance (one member in several groups is often absent), and follow-up tasks, a few of them overdue.

Contacts run to LAST_DAY (a fixed date, so the demo never depends on today). A second run adds nothing: the demo
stops when the TKSK already has contacts.
"""

import datetime

from django.db import transaction

from pendamping.accounts.models import User
from pendamping.kube.models import Kube
from pendamping.kube.vocab import KubeStatus

from .models import Contact, FollowUpTask
from .services import contacts
from .vocab import TaskStatus

KABANDUNGAN = "32.02.19"
FIRST_DAY = datetime.date(2025, 12, 1)
LAST_DAY = datetime.date(2026, 11, 20)

# per worker: the Zastrow roles they tend to play, with weights (uneven on purpose)
ROLE_HABITS = {
    "pendamping.agus": {"enabler": 6, "expert": 5, "social_planner": 1, "broker": 0},
    "pendamping.rina": {"enabler": 4, "broker": 3, "expert": 2, "advocate": 1},
    "tksk.kabandungan": {"social_planner": 3, "broker": 3, "enabler": 2, "advocate": 1, "activist": 1},
}
FASILITATOR_ROLES = {"enabler": 3, "broker": 2, "advocate": 1}
TKS_ROLES_KUBE = ["03", "04", "13"]
TKS_ROLES_COMMUNITY = ["01", "06", "12", "07", "08", "11"]
SESSION_NOTES = [
    "Pertemuan rutin kelompok: membahas pembukuan dan rencana produksi",
    "Pendampingan pemasaran: harga jual dan pembeli baru",
    "Evaluasi kegiatan bulan lalu dan pembagian tugas pengurus",
    "Bimbingan pengelolaan IKS dan tabungan kelompok",
    "Diskusi kendala bahan baku dan cara mengatasinya",
]
COMMUNITY_NOTES = [
    "Pendataan PMKS bersama ketua RT",
    "Sosialisasi program bantuan sosial di majelis taklim",
    "Koordinasi dengan aparat desa tentang warga miskin baru",
    "Musyawarah dusun tentang gotong royong perbaikan rumah warga",
]


def _weighted(rng, weights: dict[str, int], count: int) -> list[str]:
    pool = [code for code, weight in weights.items() for _ in range(weight)]
    chosen = set()
    while pool and len(chosen) < count:
        chosen.add(rng.choice(pool))
    return sorted(chosen)


def _days(start: datetime.date, step_min: int, step_max: int, rng):
    day = start
    while day <= LAST_DAY:
        yield day
        day += datetime.timedelta(days=rng.randint(step_min, step_max))


@transaction.atomic
def build(*, actor, rng) -> list[str]:
    tksk = User.objects.filter(username="tksk.kabandungan").first()
    if tksk is None or Contact.objects.filter(worker=tksk).exists():
        return []
    made = tasks = 0
    groups = Kube.objects.filter(kecamatan_id=KABANDUNGAN, deleted_at__isnull=True).exclude(status=KubeStatus.BUBAR)
    for kube in groups.select_related("pendamping").order_by("name"):
        members = list(kube.members.filter(left_on__isnull=True).order_by("pk"))
        often_absent = members[-1].pk if len(members) >= 5 else None
        start = max(kube.formed_on, FIRST_DAY)
        for day in _days(start, 14, 28, rng):
            worker = kube.pendamping or tksk
            if rng.random() < 0.25:
                worker = tksk
            habits = ROLE_HABITS.get(worker.username, ROLE_HABITS["tksk.kabandungan"])
            attendance = (
                {m.pk: rng.random() < (0.45 if m.pk == often_absent else 0.9) for m in members} if members else None
            )
            plan = []
            if rng.random() < 0.15:
                due = day + datetime.timedelta(days=rng.randint(7, 21))
                plan = [
                    {
                        "title": "Menghubungkan kelompok dengan pembeli di pasar kecamatan",
                        "assignee": worker,
                        "due_on": due,
                    }
                ]
            contacts.contact_record(
                actor=worker,
                contact_date=day,
                target_kind="kube",
                kube=kube,
                method="groupwork" if members else "cocd",
                roles=_weighted(rng, habits, rng.randint(1, 2)),
                tks_roles=sorted(rng.sample(TKS_ROLES_KUBE, 2)),
                welfare_function="pengembangan",
                intervention_kind="edukatif",
                service_type="sosialisasi",
                what_done=rng.choice(SESSION_NOTES),
                agreements="Pengurus melengkapi buku kas sebelum pertemuan berikutnya" if plan else "",
                next_visit=min(day + datetime.timedelta(days=21), LAST_DAY + datetime.timedelta(days=21)),
                attendance=attendance if members else None,
                tasks=plan,
            )
            made += 1
            tasks += len(plan)
    fasilitators = User.objects.filter(
        username__startswith="fasilitator.", role_assignments__area__code__startswith=KABANDUNGAN + "."
    )
    for fasilitator in fasilitators.distinct().order_by("username"):
        desa = fasilitator.role_assignments.filter(ended_at__isnull=True).values_list("area_id", flat=True).first()
        for day in _days(FIRST_DAY, 25, 40, rng):
            plan = []
            if rng.random() < 0.3:
                plan = [
                    {
                        "title": "Mengantar warga mengurus KIS ke puskesmas",
                        "assignee": fasilitator,
                        "due_on": day + datetime.timedelta(days=10),
                    }
                ]
            contacts.contact_record(
                actor=fasilitator,
                contact_date=day,
                target_kind="community",
                desa_code=desa,
                method="cocd",
                roles=_weighted(rng, FASILITATOR_ROLES, 1),
                tks_roles=sorted(rng.sample(TKS_ROLES_COMMUNITY, 2)),
                welfare_function=rng.choice(["pencegahan", "penunjang"]),
                intervention_kind="preventif",
                service_type="akses",
                what_done=rng.choice(COMMUNITY_NOTES),
                agreements="Ditindaklanjuti bersama aparat desa" if plan else "",
                tasks=plan,
            )
            made += 1
            tasks += len(plan)
    # most tasks due before the last demo day were done; a few stay open, overdue
    for index, task in enumerate(FollowUpTask.objects.filter(due_on__lt=LAST_DAY).order_by("due_on", "pk")):
        if index % 5 != 4:
            contacts.task_set_status(actor=task.assignee, task=task, status=TaskStatus.DONE, on=task.due_on)
    return [f"{made} catatan pendampingan", f"{tasks} tindak lanjut"]
