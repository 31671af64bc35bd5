from django import template

register = template.Library()


@register.inclusion_tag("areas/partials/_picker.html", takes_context=True)
def area_picker(context, field: str, picked: str = ""):
    """The area picker for a form field: provinsi, kabupaten, kecamatan, desa, narrowed by htmx as you choose."""
    from pendamping.areas.views import picker_context

    from ..vocab import is_valid_code

    picked = picked if is_valid_code(picked or "") else ""
    return picker_context(actor=context["request"].user, field=field, picked=picked)
