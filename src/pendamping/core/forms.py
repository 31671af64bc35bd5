"""Shared form helpers: a service's ValidationError is shown beside the field it names."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pendamping.areas.vocab import is_valid_code

from .errors import NotAllowed


def add_service_errors(form: forms.Form, error: ValidationError | NotAllowed) -> None:
    """Put each message of a service's error beside its field (or above the form when the field is not shown)."""
    if isinstance(error, NotAllowed):
        form.add_error(None, str(error.args[0]) if error.args else str(error))
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item.messages if hasattr(item, "messages") else str(item))
    else:
        form.add_error(None, error.messages)


class AuditFilterForm(forms.Form):
    """Filters of the audit log page: who, what, when, where."""

    actor = forms.CharField(required=False, max_length=150, label=_("Who (username)"))
    action = forms.CharField(required=False, max_length=64, label=_("Action"))
    object_type = forms.CharField(required=False, max_length=64, label=_("Object type"))
    area = forms.CharField(required=False, max_length=13, label=_("Area code"))
    date_from = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_area(self):
        code = self.cleaned_data["area"].strip()
        if code and not is_valid_code(code):
            raise ValidationError(_("%(code)s is not an area code (e.g. 32.02.19).") % {"code": code})
        return code
