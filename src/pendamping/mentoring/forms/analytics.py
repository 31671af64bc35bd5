"""The filter of the role analytics: a period and an area within the user's scope."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.registry.forms import AreaFilterField
from pendamping.registry.selectors import area_filter_choices

from ..selectors.analytics import VIEW, Period

MAX_PERIOD_DAYS = 3 * 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AnalyticsFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    area = AreaFilterField(label=_("Area"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        choices = area_filter_choices(actor=actor, capability=VIEW)
        self.fields["area"].widget.choices = [("", _("All my areas")), *choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("date_from", _("A period is at most three years."))
        return data

    def period(self, today: datetime.date | None = None) -> Period:
        """The period asked for; the last 90 days (to the end date, when only that is given) by default."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        default = Period.default(today=data.get("date_to") or today, area=data.get("area", ""))
        return Period(
            date_from=data.get("date_from") or default.date_from,
            date_to=data.get("date_to") or default.date_to,
            area=data.get("area", ""),
        )
