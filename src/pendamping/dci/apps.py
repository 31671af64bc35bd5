from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DciConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pendamping.dci"
    verbose_name = _("DCI Social Registry")
