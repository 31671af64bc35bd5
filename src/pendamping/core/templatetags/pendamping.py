"""Template filters built into every template: Rupiah, Indonesian dates, masked identifiers."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()

MONTHS_ID = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


@register.filter
def rupiah(value) -> str:
    """Whole Rupiah as people write it: Rp1.250.000 (negative: -Rp50.000)."""
    if value is None or value == "":
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


@register.filter
def tanggal(value) -> str:
    """A date as 28 Nov 2026 (a moment is first put in Asia/Jakarta)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


@register.filter
def tanggal_jam(value) -> str:
    """A moment as 28 Nov 2026 14.05 (WIB)."""
    if not value:
        return ""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{tanggal(value)} {value:%H.%M}"


@register.filter
def mask_id(value) -> str:
    """A NIK or No. KK masked for lists: 3202**********01."""
    text = str(value or "")
    if len(text) <= 6:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 6) + text[-2:]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag(takes_context=True)
def can(context, capability: str, area_code: str | None = None) -> bool:
    """{% can "targeting.screen" person.household.desa_id as can_screen %}: whether the user may, in that area."""
    from pendamping.accounts.permissions import can as user_can

    return user_can(context["request"].user, capability, area_code)
