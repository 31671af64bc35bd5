"""The system actor: the account in whose name commands (load-areas, demo, imports) call the services.

It is a superuser that cannot log in (no usable password), so every change it makes is audited like any other.
"""

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "sistem"


def system_actor():
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"full_name": "Sistem Pendamping", "is_superuser": True, "is_staff": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
