"""Progress of a group: the monthly progress report and its typology, partnerships (kemitraan) and the e-Warung
KUBE PKH (domain.md 4.4).

- One report per group and month (the first day of the month stands for it), not before the month the group was
  formed and not in the future. A month that already has a report is changed only with the version the user read
  (`expected_version`): a stale save is refused, never silently overwritten. Every save is audited with before/after.
- The typology is computed (kube.typology) when a report is saved and stored on it with every indicator's outcome.
  Saving month M also recomputes the saved reports of M+1 and M+2, whose 3-month window holds M.
  `submitted_at` is the first submission (what "on time" is judged by); later edits change `updated_at`.
- No card numbers or PINs are kept anywhere: a text field holding a run of 16 digits (spaces or dashes between them
  allowed) is refused.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.core.audit import audit_record, changes_between, snapshot

from .. import standing, typology
from ..models import CashEntry, EWarung, EWarungMonth, EWarungStockout, Kube, Partnership, ProgressReport
from ..vocab import (
    ASSESSED_INDICATORS,
    OFFICERS,
    BusinessStatus,
    PartnerKind,
    PartnershipKind,
    PartnershipStatus,
)
from .common import attachment_store, check_date, first_of_month, kube_for_write, policy, whole_rupiah

MANAGE = "kube.manage"
RECORD = "kube.record"

REPORT_FIELDS = [
    "month",
    "omzet",
    "profit",
    "capital",
    "iks_collected",
    "iks_used",
    "active_members",
    "business_status",
    "assessed",
    "evidence",
    "typology",
]
PARTNERSHIP_FIELDS = ["partner_name", "partner_kind", "kind", "agreement_date", "document", "status", "notes"]
EWARUNG_FIELDS = ["name", "address", "bank_agent", "opened_on"]
EWARUNG_MONTH_FIELDS = ["month", "kpm_served", "transactions", "transaction_total"]

CARD_NUMBER = re.compile(r"(?<!\d)(?:\d[ -]?){15}\d")


def due_day() -> int:
    from django.conf import settings

    return int(settings.PENDAMPING.get("KUBE_REPORT_DUE_DAY", 10))


def refuse_card_numbers(values: dict, labels: dict) -> None:
    """Refuse text that holds a card number (a run of 16 digits), naming each field."""
    errors = {}
    for name, value in values.items():
        if isinstance(value, str) and CARD_NUMBER.search(value):
            errors[name] = _(
                "%(label)s holds a 16-digit number, like a card number. Card numbers and PINs are never recorded: "
                "remove it."
            ) % {"label": labels.get(name, name)}
    if errors:
        raise ValidationError(errors, code="card_number")


def _stale(expected_version, current: int, what: str) -> None:
    if expected_version is not None and expected_version != current:
        raise ValidationError(
            _("Someone else changed this %(what)s while you were editing it. Reload it, check, and save again.")
            % {"what": what},
            code="stale",
        )


def _check_month(value, *, field: str, earliest: datetime.date, label: str) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationError({field: _("Give the month of %(label)s.") % {"label": label}})
    month = first_of_month(value)
    if month < first_of_month(earliest):
        raise ValidationError(
            {
                field: _("%(month)s is before %(earliest)s, the first month %(label)s can be given for.")
                % {"month": f"{month:%Y-%m}", "earliest": f"{earliest:%Y-%m}", "label": label}
            }
        )
    if month > first_of_month(timezone.localdate()):
        raise ValidationError({field: _("%(month)s is still to come.") % {"month": f"{month:%Y-%m}"}})
    return month


def _count(value, *, field: str, label: str, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError({field: _("%(label)s must be a whole number, 0 or more.") % {"label": label}})
    if maximum is not None and value > maximum:
        raise ValidationError({field: _("%(label)s cannot be more than %(max)s.") % {"label": label, "max": maximum}})
    return value


# -- typology -----------------------------------------------------------------------------------------------------


def typology_facts(kube: Kube, month: datetime.date) -> typology.Facts:
    """What the records say about the group for the report of `month` (five queries)."""
    months = typology.window(month)
    start, end = months[0], typology.month_end(months[-1])
    officers = frozenset(
        kube.members.filter(left_on__isnull=True, role__in=[r.value for r in OFFICERS]).values_list("role", flat=True)
    )
    tranche_dates = tuple(kube.tranches.values_list("transferred_on", flat=True))
    cash = tuple(
        typology.CashLine(entry_date=d, direction=direction, category=category)
        for d, direction, category in CashEntry.objects.filter(
            kube=kube, entry_date__gte=start, entry_date__lte=end, reverses__isnull=True, reversed_by__isnull=True
        ).values_list("entry_date", "direction", "category")
    )
    reports = tuple(
        typology.ReportLine(
            month=r.month,
            profit=r.profit,
            capital=r.capital,
            iks_used=r.iks_used,
            submitted_on=timezone.localdate(r.submitted_at),
        )
        for r in ProgressReport.objects.filter(kube=kube, month__in=months).only(
            "month", "profit", "capital", "iks_used", "submitted_at"
        )
    )
    partnerships = tuple(
        typology.PartnershipLine(partner_kind=kind, status=status, agreement_date=agreed)
        for kind, status, agreed in kube.partnerships.values_list("partner_kind", "status", "agreement_date")
    )
    return typology.Facts(
        month=month,
        has_pendamping=kube.pendamping_id is not None,
        officer_roles=officers,
        tranche_dates=tranche_dates,
        cash=cash,
        reports=reports,
        partnerships=partnerships,
        due_day=due_day(),
    )


def _apply_typology(report: ProgressReport, kube: Kube) -> typology.Outcome:
    outcome = typology.evaluate(typology_facts(kube, report.month), report.assessed)
    report.typology = outcome.typology
    report.indicators = outcome.indicators
    return outcome


def _recompute_later(actor, kube: Kube, month: datetime.date) -> None:
    """The saved reports whose window holds `month` get their typology again (audited when it changes)."""
    later = ProgressReport.objects.filter(
        kube=kube, month__gt=month, month__lte=typology.add_months(month, typology.WINDOW_MONTHS - 1)
    ).order_by("month")
    for report in later:
        before = {"typology": report.typology, "indicators": report.indicators}
        _apply_typology(report, kube)
        if before["typology"] != report.typology or before["indicators"] != report.indicators:
            report.save(update_fields=["typology", "indicators", "updated_at"])
            audit_record(
                actor=actor,
                action="kube.progress.recompute",
                obj=report,
                area_code=kube.desa_id,
                changes=changes_between(before, {"typology": report.typology, "indicators": report.indicators}),
                reason=_("The report of %(month)s changed.") % {"month": f"{month:%Y-%m}"},
            )


# -- progress reports ---------------------------------------------------------------------------------------------


def _validate_report(kube: Kube, values: dict) -> dict:
    labels = {
        "omzet": _("Turnover (omzet)"),
        "profit": _("Profit"),
        "capital": _("Capital"),
        "iks_collected": _("IKS collected"),
        "iks_used": _("IKS used"),
    }
    errors: dict[str, list] = {}

    def collect(field: str, check):
        try:
            values[field] = check()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)

    collect(
        "month",
        lambda: _check_month(values.get("month"), field="month", earliest=kube.formed_on, label=_("this report")),
    )
    for name, label in labels.items():
        collect(
            name,
            lambda name=name, label=label: whole_rupiah(
                values.get(name), field=name, label=label, allow_negative=name == "profit"
            ),
        )
    collect(
        "active_members",
        lambda: _count(
            values.get("active_members"),
            field="active_members",
            label=_("Active members"),
            maximum=int(policy("KUBE_MAX_MEMBERS")),
        ),
    )
    if values.get("business_status") not in BusinessStatus.values:
        errors.setdefault("business_status", []).append(_("Choose the business status: aktif, macet or bubar."))
    assessed = values.get("assessed") or []
    unknown = sorted(set(assessed) - set(ASSESSED_INDICATORS))
    if unknown:
        errors.setdefault("assessed", []).append(
            _("These are not indicators the pendamping assesses: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    values["assessed"] = [code for code in ASSESSED_INDICATORS if code in set(assessed)]
    values["evidence"] = (values.get("evidence") or "").strip()
    try:
        refuse_card_numbers({"evidence": values["evidence"]}, {"evidence": _("Notes and evidence")})
    except ValidationError as error:
        errors.setdefault("evidence", []).extend(error.message_dict["evidence"])
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def progress_report_submit(
    *,
    actor,
    kube: Kube,
    month: datetime.date,
    omzet: int,
    profit: int,
    capital: int,
    iks_collected: int,
    iks_used: int,
    active_members: int,
    business_status: str,
    assessed: list[str] | tuple = (),
    evidence: str = "",
    expected_version: int | None = None,
    reason: str = "",
) -> ProgressReport:
    """Submit the report of a month, or change it (then `expected_version` must be the version the user read).
    The typology is computed and stored on the report."""
    kube = kube_for_write(actor=actor, kube=kube, capability=RECORD)
    values = _validate_report(
        kube,
        {
            "month": month,
            "omzet": omzet,
            "profit": profit,
            "capital": capital,
            "iks_collected": iks_collected,
            "iks_used": iks_used,
            "active_members": active_members,
            "business_status": business_status,
            "assessed": list(assessed or []),
            "evidence": evidence,
        },
    )
    report = ProgressReport.objects.select_for_update().filter(kube=kube, month=values["month"]).first()
    if report is not None and expected_version is None:
        raise ValidationError(
            {
                "month": _("The report of %(month)s was already submitted; open it to change it.")
                % {"month": f"{values['month']:%Y-%m}"}
            },
            code="exists",
        )
    if report is None and expected_version is not None:
        raise ValidationError(_("This report is no longer there. Reload the page and try again."), code="stale")
    if report is not None:
        _stale(expected_version, report.version, _("report"))
        before = snapshot(report, REPORT_FIELDS)
        action = "kube.progress.update"
        report.version += 1
    else:
        before = {}
        action = "kube.progress.submit"
        report = ProgressReport(
            kube=kube,
            submitted_at=timezone.now(),
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
            typology="belum_tumbuh",
        )
    for name, value in values.items():
        setattr(report, name, value)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(
            {"month": _("Someone else submitted the report of this month just now. Open it to change it.")},
            code="exists",
        ) from None
    _apply_typology(report, kube)
    report.save(update_fields=["typology", "indicators", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=report,
        area_code=kube.desa_id,
        changes=changes_between(before, snapshot(report, REPORT_FIELDS)),
        reason=reason,
    )
    _recompute_later(actor, kube, report.month)
    standing.refresh([kube.pk])
    return report


# -- partnerships -------------------------------------------------------------------------------------------------


def _validate_partnership(kube: Kube, values: dict) -> dict:
    errors: dict[str, list] = {}
    values["partner_name"] = (values.get("partner_name") or "").strip()
    values["notes"] = (values.get("notes") or "").strip()
    if not values["partner_name"]:
        errors.setdefault("partner_name", []).append(_("Give the partner's name."))
    if values.get("partner_kind") not in PartnerKind.values:
        errors.setdefault("partner_kind", []).append(_("Choose the kind of partner."))
    if values.get("kind") not in PartnershipKind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of partnership."))
    if values.get("status") not in PartnershipStatus.values:
        errors.setdefault("status", []).append(_("Choose the status: dirintis, aktif or berakhir."))
    try:
        check_date(values.get("agreement_date"), field="agreement_date", kube=kube, label=_("the agreement"))
    except ValidationError as error:
        errors.setdefault("agreement_date", []).extend(error.message_dict["agreement_date"])
    try:
        refuse_card_numbers(
            {"partner_name": values["partner_name"], "notes": values["notes"]},
            {"partner_name": _("Partner"), "notes": _("Notes")},
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def partnership_add(
    *,
    actor,
    kube: Kube,
    partner_name: str,
    partner_kind: str,
    kind: str,
    agreement_date: datetime.date,
    status: str = PartnershipStatus.DIRINTIS,
    notes: str = "",
    document=None,
    reason: str = "",
) -> Partnership:
    """Record a partnership of the group, with its agreement document (a PDF or photo) when given."""
    kube = kube_for_write(actor=actor, kube=kube, capability=MANAGE)
    values = _validate_partnership(
        kube,
        {
            "partner_name": partner_name,
            "partner_kind": partner_kind,
            "kind": kind,
            "agreement_date": agreement_date,
            "status": status,
            "notes": notes,
        },
    )
    partnership = Partnership(kube=kube, **values)
    if document is not None:
        partnership.document = attachment_store(actor=actor, kube=kube, uploaded=document)
    partnership.save()
    audit_record(
        actor=actor,
        action="kube.partnership.add",
        obj=partnership,
        area_code=kube.desa_id,
        changes=changes_between({}, snapshot(partnership, PARTNERSHIP_FIELDS)),
        reason=reason,
    )
    return partnership


@transaction.atomic
def partnership_update(
    *, actor, partnership: Partnership, expected_version: int | None = None, reason: str = "", document=None, **values
) -> Partnership:
    """Change a partnership (its status among them: dirintis, aktif, berakhir); a new document replaces the old."""
    allowed = {"partner_name", "partner_kind", "kind", "agreement_date", "status", "notes"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    kube = kube_for_write(actor=actor, kube=partnership.kube, capability=MANAGE)
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _stale(expected_version, partnership.version, _("partnership"))
    current = {name: getattr(partnership, name) for name in allowed}
    values = _validate_partnership(kube, {**current, **values})
    before = snapshot(partnership, PARTNERSHIP_FIELDS)
    for name, value in values.items():
        setattr(partnership, name, value)
    if document is not None:
        partnership.document = attachment_store(actor=actor, kube=kube, uploaded=document)
    after = snapshot(partnership, PARTNERSHIP_FIELDS)
    if after == before:
        return partnership
    partnership.version += 1
    partnership.save()
    audit_record(
        actor=actor,
        action="kube.partnership.update",
        obj=partnership,
        area_code=kube.desa_id,
        changes=changes_between(before, after),
        reason=reason,
    )
    return partnership


# -- e-Warung -----------------------------------------------------------------------------------------------------

EWARUNG_LABELS = {
    "name": _("Outlet name"),
    "address": _("Address"),
    "bank_agent": _("Bank agent"),
    "item": _("Item"),
    "reason": _("Reason"),
}


@transaction.atomic
def ewarung_open(
    *, actor, kube: Kube, name: str, bank_agent: str, opened_on: datetime.date, address: str = "", reason: str = ""
) -> EWarung:
    """Open the group's e-Warung KUBE PKH (one per group)."""
    kube = kube_for_write(actor=actor, kube=kube, capability=MANAGE)
    values = {
        "name": (name or "").strip(),
        "address": (address or "").strip(),
        "bank_agent": (bank_agent or "").strip(),
    }
    errors: dict[str, list] = {}
    if EWarung.objects.filter(kube=kube).exists():
        errors.setdefault("name", []).append(_("This group already runs an e-Warung."))
    if not values["name"]:
        errors.setdefault("name", []).append(_("Give the outlet a name."))
    if not values["bank_agent"]:
        errors.setdefault("bank_agent", []).append(_("Give the bank and the agent the e-Warung works with."))
    try:
        check_date(opened_on, field="opened_on", kube=kube, label=_("the opening"))
    except ValidationError as error:
        errors.setdefault("opened_on", []).extend(error.message_dict["opened_on"])
    try:
        refuse_card_numbers(values, EWARUNG_LABELS)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    ewarung = EWarung.objects.create(kube=kube, opened_on=opened_on, **values)
    audit_record(
        actor=actor,
        action="kube.ewarung.open",
        obj=ewarung,
        area_code=kube.desa_id,
        changes=changes_between({}, snapshot(ewarung, EWARUNG_FIELDS)),
        reason=reason,
    )
    return ewarung


@transaction.atomic
def ewarung_month_record(
    *,
    actor,
    ewarung: EWarung,
    month: datetime.date,
    kpm_served: int,
    transactions: int,
    transaction_total: int,
    reason: str = "",
) -> EWarungMonth:
    """Record the figures of a month (one row per month: recording a month again changes it, audited)."""
    kube = kube_for_write(actor=actor, kube=ewarung.kube, capability=RECORD)
    errors: dict[str, list] = {}
    checks = {
        "month": lambda: _check_month(month, field="month", earliest=ewarung.opened_on, label=_("the e-Warung")),
        "kpm_served": lambda: _count(kpm_served, field="kpm_served", label=_("KPM served")),
        "transactions": lambda: _count(transactions, field="transactions", label=_("Transactions")),
        "transaction_total": lambda: whole_rupiah(
            transaction_total, field="transaction_total", label=_("Transaction total")
        ),
    }
    values = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    row = EWarungMonth.objects.select_for_update().filter(ewarung=ewarung, month=values["month"]).first()
    before = snapshot(row, EWARUNG_MONTH_FIELDS) if row else {}
    if row is None:
        row = EWarungMonth(ewarung=ewarung)
    for name, value in values.items():
        setattr(row, name, value)
    row.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationError(
            {"month": _("Someone else recorded this month just now; reload and try again.")}
        ) from None
    audit_record(
        actor=actor,
        action="kube.ewarung.month",
        obj=row,
        area_code=kube.desa_id,
        changes=changes_between(before, snapshot(row, EWARUNG_MONTH_FIELDS)),
        reason=reason,
    )
    return row


@transaction.atomic
def ewarung_stockout_add(
    *, actor, ewarung: EWarung, item: str, reason: str, started_on: datetime.date
) -> EWarungStockout:
    """Record that an item ran out, and why."""
    kube = kube_for_write(actor=actor, kube=ewarung.kube, capability=RECORD)
    values = {"item": (item or "").strip(), "reason": (reason or "").strip()}
    errors: dict[str, list] = {}
    if not values["item"]:
        errors.setdefault("item", []).append(_("Name the item that ran out."))
    if not values["reason"]:
        errors.setdefault("reason", []).append(_("Say why it ran out."))
    try:
        check_date(started_on, field="started_on", kube=kube, label=_("the stock-out"))
        if started_on < ewarung.opened_on:
            raise ValidationError(
                {"started_on": _("The e-Warung opened later, on %(date)s.") % {"date": ewarung.opened_on.isoformat()}}
            )
    except ValidationError as error:
        errors.setdefault("started_on", []).extend(error.message_dict["started_on"])
    try:
        refuse_card_numbers(values, EWARUNG_LABELS)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    stockout = EWarungStockout.objects.create(
        ewarung=ewarung,
        started_on=started_on,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    audit_record(
        actor=actor,
        action="kube.ewarung.stockout",
        obj=stockout,
        area_code=kube.desa_id,
        changes=changes_between({}, snapshot(stockout, ["item", "reason", "started_on"])),
    )
    return stockout


@transaction.atomic
def ewarung_stockout_end(*, actor, stockout: EWarungStockout, ended_on: datetime.date) -> EWarungStockout:
    """Record that the item is in stock again."""
    kube = kube_for_write(actor=actor, kube=stockout.ewarung.kube, capability=RECORD)
    stockout = EWarungStockout.objects.select_for_update().get(pk=stockout.pk)
    if stockout.ended_on is not None:
        raise ValidationError(
            {"ended_on": _("This stock-out already ended on %(date)s.") % {"date": stockout.ended_on.isoformat()}}
        )
    check_date(ended_on, field="ended_on", kube=kube, label=_("the restocking"))
    if ended_on < stockout.started_on:
        raise ValidationError(
            {
                "ended_on": _("The item ran out on %(date)s; it cannot be restocked before.")
                % {"date": stockout.started_on.isoformat()}
            }
        )
    stockout.ended_on = ended_on
    stockout.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action="kube.ewarung.restocked",
        obj=stockout,
        area_code=kube.desa_id,
        changes={"ended_on": {"before": None, "after": ended_on.isoformat()}},
    )
    return stockout
