"""Demo accounts: the Dinas Sosial of Kabupaten Sukabumi, Kecamatan Kabandungan's workers, and the TKSK of the
neighbouring Kalapanunggal so that scoping can be seen. Built through the services, so they are audited."""

from django.db import transaction

from .models import User
from .services import user_create
from .vocab import Role

DEMO_PASSWORD = "Halimun-Salak-2026"

DEMO_USERS = [
    ("admin.sukabumi", "Euis Komariah", Role.ADMIN, "32.02"),
    ("tksk.kabandungan", "Asep Saepudin", Role.TKSK, "32.02.19"),
    ("fasilitator.kabandungan", "Yuyun Yuningsih", Role.FASILITATOR, "32.02.19.2001"),
    ("fasilitator.cipeuteuy", "Dede Rosita", Role.FASILITATOR, "32.02.19.2002"),
    ("fasilitator.cihamerang", "Ujang Hermawan", Role.FASILITATOR, "32.02.19.2003"),
    ("fasilitator.tugubandung", "Iis Suryani", Role.FASILITATOR, "32.02.19.2004"),
    ("fasilitator.mekarjaya", "Cecep Supriatna", Role.FASILITATOR, "32.02.19.2005"),
    ("fasilitator.cianaga", "Elis Nurhayati", Role.FASILITATOR, "32.02.19.2006"),
    ("pendamping.agus", "Agus Mulyana", Role.PENDAMPING, "32.02.19"),
    ("pendamping.rina", "Rina Marlina", Role.PENDAMPING, "32.02.19"),
    ("tksk.kalapanunggal", "Dadang Suhendar", Role.TKSK, "32.02.18"),
    ("pengamat.sukabumi", "Hendra Gunawan", Role.PENGAMAT, "32.02"),
]


@transaction.atomic
def build(*, actor, rng) -> list[str]:
    """Create the demo accounts that are missing; returns what it did, a line each."""
    done = []
    for username, full_name, role, area_code in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user_create(
            actor=actor,
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            role=role,
            area_code=area_code,
            reason="data demo",
        )
        done.append(f"akun {username}")
    return done


def logins() -> list[tuple[str, str, str]]:
    """(username, role, area) for the README and the output of `make run`."""
    return [(username, Role(role).label, area_code) for username, _name, role, area_code in DEMO_USERS]
