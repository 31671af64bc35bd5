from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KubeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pendamping.kube"
    verbose_name = _("KUBE")
