"""The filter of the desk's reports: a period and an area within the user's scope."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.registry.forms import AreaFilterField
from pendamping.registry.selectors import area_filter_choices

from ..selectors.reports import VIEW, Period

MAX_PERIOD_DAYS = 3 * 366
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE)
    area = AreaFilterField(label=_("Area"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [
            ("", _("All my areas")),
            *area_filter_choices(actor=actor, capability=VIEW),
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("date_from", _("A period is at most three years."))
        return data

    def period(self, today: datetime.date | None = None) -> Period:
        """The period asked for; from the first of January of the end date's year by default."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        default = Period.default(today=data.get("date_to") or today, area=data.get("area", ""))
        return Period(
            date_from=data.get("date_from") or default.date_from,
            date_to=data.get("date_to") or default.date_to,
            area=data.get("area", ""),
        )
