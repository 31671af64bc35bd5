from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PuskesosConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pendamping.puskesos"
    verbose_name = _("Puskesos")
