"""Write endpoints for field apps, through the same services as the pages, each honouring an Idempotency-Key."""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pendamping.kube.models import ProgressReport
from pendamping.kube.selectors.groups import kube_get
from pendamping.kube.services.groups import kube_member_add
from pendamping.kube.services.progress import progress_report_submit
from pendamping.mentoring.selectors.contacts import contact_get
from pendamping.mentoring.services.contacts import contact_record
from pendamping.registry.selectors import household_get, people_visible, person_get

from . import schemas as s
from .auth import SessionCsrfAuth, TokenAuth
from .errors import ApiError
from .idempotency import idempotent
from .read import member_out, router, visit_out  # one router: GET and POST /visits share a URL

ERRORS = {400: s.Error, 401: s.Error, 403: s.Error, 404: s.Error, 409: s.Error, 413: s.Error, 422: s.Error}
IDEMPOTENCY_DOC = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "maxLength": 100},
            "description": "The same key from the same user returns the first response without doing the work again.",
        }
    ]
}


# writes take a bearer token or the browser's session with its CSRF token (the offline forms)
WRITE_AUTH = [TokenAuth(), SessionCsrfAuth()]


def _json(schema, data: dict) -> dict:
    return schema.model_validate(data).model_dump(mode="json")


def report_out(report: ProgressReport) -> dict:
    return {
        "id": report.pk,
        "kube_id": report.kube_id,
        "month": f"{report.month:%Y-%m}",
        "omzet": report.omzet,
        "profit": report.profit,
        "capital": report.capital,
        "iks_collected": report.iks_collected,
        "iks_used": report.iks_used,
        "active_members": report.active_members,
        "business_status": report.business_status,
        "assessed": list(report.assessed),
        "evidence": report.evidence,
        "typology": report.typology,
        "version": report.version,
    }


def _stale_report(kube, month: datetime.date, expected_version: int) -> ApiError | None:
    """409 stale with the current report when the month's report is not the version the sender based the change
    on (0: the sender saw none); None when the refusal had another reason."""
    current = ProgressReport.objects.filter(kube=kube, month=month).first()
    if (current.version if current else 0) == expected_version:
        return None
    return ApiError(
        409,
        "stale",
        _("The report of this month was changed on the server since you took your copy. Check both and choose."),
        extra={"current": _json(s.ProgressReportOut, report_out(current)) if current else None},
    )


@router.post(
    "/kube/{kube_id}/members",
    response={201: s.MemberOut, **ERRORS},
    auth=WRITE_AUTH,
    tags=["kube"],
    openapi_extra=IDEMPOTENCY_DOC,
)
def kube_member_create(request, kube_id: int, payload: s.MemberIn):
    """Add a person of the registry (by NIK, in the user's areas) to the group, as the group page does."""

    def work():
        kube = kube_get(actor=request.auth, pk=kube_id)
        person = people_visible(actor=request.auth).prefetch_related(None).filter(nik=payload.nik).first()
        if person is None:
            raise ApiError(
                422,
                "validation_error",
                _("Some fields are not valid."),
                {"nik": [_("No person with this NIK in your areas.")]},
            )
        member = kube_member_add(
            actor=request.auth,
            kube=kube,
            person=person,
            joined_on=payload.joined_on,
            role=payload.role,
            eligibility_override=payload.eligibility_override,
        )
        return 201, _json(s.MemberOut, member_out(member))

    return idempotent(request, work)


@router.post(
    "/kube/{kube_id}/progress-reports",
    response={201: s.ProgressReportOut, **ERRORS},
    auth=WRITE_AUTH,
    tags=["kube"],
    openapi_extra=IDEMPOTENCY_DOC,
)
def progress_report_create(request, kube_id: int, payload: s.ProgressReportIn):
    """Submit the monthly progress report of a group. Without `expected_version` a month already reported is
    refused (422). With it, the report is made (0) or changed (the version read); a report changed on the server
    since is refused with 409 `stale` and the current report in `current`: nothing is overwritten silently."""

    def work():
        kube = kube_get(actor=request.auth, pk=kube_id)
        year, month = (int(part) for part in payload.month.split("-"))
        month = datetime.date(year, month, 1)
        expected = payload.expected_version
        try:
            report = progress_report_submit(
                actor=request.auth,
                kube=kube,
                month=month,
                omzet=payload.omzet,
                profit=payload.profit,
                capital=payload.capital,
                iks_collected=payload.iks_collected,
                iks_used=payload.iks_used,
                active_members=payload.active_members,
                business_status=payload.business_status,
                assessed=payload.assessed,
                evidence=payload.evidence,
                expected_version=expected or None,
            )
        except ValidationError:
            stale = _stale_report(kube, month, expected) if expected is not None else None
            if stale is not None:
                raise stale from None
            raise
        return 201, _json(s.ProgressReportOut, report_out(report))

    return idempotent(request, work)


@router.post(
    "/visits",
    response={201: s.VisitOut, **ERRORS},
    auth=WRITE_AUTH,
    tags=["mentoring"],
    openapi_extra=IDEMPOTENCY_DOC,
)
def visit_create(request, payload: s.VisitIn):
    """Record a mentoring contact (a visit, a session with attendance, ...), as the visit form does."""

    def work():
        actor = request.auth
        kube = kube_get(actor=actor, pk=payload.kube_id) if payload.kube_id is not None else None
        household = household_get(actor=actor, pk=payload.household_id) if payload.household_id is not None else None
        person = person_get(actor=actor, pk=payload.person_id) if payload.person_id is not None else None
        attendance = {}
        for row in payload.attendance:
            if row.member_id in attendance:
                raise ApiError(
                    422,
                    "validation_error",
                    _("Some fields are not valid."),
                    {"attendance": [_("A member is named twice in the attendance.")]},
                )
            attendance[row.member_id] = row.present
        contact = contact_record(
            actor=actor,
            contact_date=payload.contact_date,
            target_kind=payload.target_kind,
            method=payload.method,
            what_done=payload.what_done,
            roles=payload.roles,
            tks_roles=payload.tks_roles,
            kube=kube,
            household=household,
            person=person,
            desa_code=payload.desa_code,
            welfare_function=payload.welfare_function,
            intervention_kind=payload.intervention_kind,
            service_type=payload.service_type,
            activity=payload.activity,
            activity_result=payload.activity_result,
            problems=payload.problems,
            agreements=payload.agreements,
            next_visit=payload.next_visit,
            latitude=None if payload.latitude is None else decimal.Decimal(str(payload.latitude)),
            longitude=None if payload.longitude is None else decimal.Decimal(str(payload.longitude)),
            attendance=attendance or None,
            tasks=[{"title": t.title, "due_on": t.due_on} for t in payload.tasks],
        )
        contact = contact_get(actor=actor, pk=contact.pk)
        return 201, _json(s.VisitOut, visit_out(contact, attendance=True))

    return idempotent(request, work)
