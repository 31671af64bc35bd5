"""Errors that services raise; views turn them into messages beside the fields, the API into JSON."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

__all__ = ["NotAllowed", "ValidationError"]


class NotAllowed(PermissionDenied):
    """The actor's roles and areas do not allow this action."""

    def __init__(self, capability: str, area_code: str | None = None):
        self.capability = capability
        self.area_code = area_code
        if area_code:
            message = _("You may not do this (%(capability)s) in area %(area)s.") % {
                "capability": capability,
                "area": area_code,
            }
        else:
            message = _("You may not do this (%(capability)s).") % {"capability": capability}
        super().__init__(message)
