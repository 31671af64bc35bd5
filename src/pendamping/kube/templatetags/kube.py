"""Template tags other apps use to offer KUBE actions without depending on the KUBE app's views."""

from django import template

from pendamping.core.scoping import scoped

from ..models import Kube
from ..vocab import KubeStatus, Stage

register = template.Library()


@register.simple_tag(takes_context=True)
def groups_taking_members(context, area_code: str = ""):
    """The groups the user may add members to (in forming stages T0/T1, not dissolved), under the area if given."""
    groups = scoped(
        Kube.objects.filter(deleted_at__isnull=True, stage__in=[Stage.T0, Stage.T1]).exclude(status=KubeStatus.BUBAR),
        context["request"].user,
        "desa__code",
        "kube.manage",
    )
    if area_code:
        kecamatan = ".".join(area_code.split(".")[:3])
        groups = groups.filter(kecamatan_id=kecamatan)
    return list(groups.select_related("desa").order_by("desa_id", "name")[:200])
