"""Register proposals (usulan DTKS/DTSEN), PPKS counts and the PSKS register. Each checks, writes and audits.

A proposal moves only forward, by the states of domain.md section 6:
draf → musyawarah desa (its date, the minutes and the by-name-by-address list attached) → verifikasi-validasi (with
the result, layak or tidak layak) → pengesahan (only when layak) → dikirim → ditetapkan; tidak layak at verification,
or a refusal after sending, ends it as ditolak.
"""

import datetime
import io
import uuid
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel
from pendamping.core.audit import audit_record, changes_between, snapshot
from pendamping.core.scoping import require
from pendamping.kube.services.common import attachment_check, policy, prepared_upload
from pendamping.registry.models import Household
from pendamping.registry.vocab import Ppks

from ..models import Case, Document, PpksCount, Psks, RegisterProposal
from ..vocab import PROPOSAL_TRANSITIONS, ProposalState, PsksKind, VerificationResult

PROPOSE = "puskesos.propose"
VERIFY = "puskesos.verify"
DECIDE = "puskesos.decide"
MAPPING = "puskesos.mapping"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROPOSAL_FIELDS = [
    "state",
    "musdes_on",
    "minutes",
    "bnba",
    "verification",
    "verification_note",
    "decided_on",
    "decision_note",
]
PSKS_FIELDS = ["kind", "name", "desa", "leader", "phone", "address", "members", "legal_basis", "notes", "active"]
# who moves a proposal into each state
STATE_CAPABILITY = {
    ProposalState.MUSYAWARAH_DESA: PROPOSE,
    ProposalState.VERIFIKASI_VALIDASI: VERIFY,
    ProposalState.PENGESAHAN: VERIFY,
    ProposalState.DIKIRIM: VERIFY,
    ProposalState.DITETAPKAN: DECIDE,
    ProposalState.DITOLAK: VERIFY,
}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _is_xlsx(head: bytes, uploaded) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(uploaded.read())) as archive:
            return "[Content_Types].xml" in archive.namelist() and any(
                name.startswith("xl/") for name in archive.namelist()
            )
    except zipfile.BadZipFile:
        return False
    finally:
        uploaded.seek(0)


def document_store(*, actor, desa: Area, uploaded, field: str) -> Document:
    """A document of the desk: a PDF or photo (photos shrunk), or a spreadsheet (the by-name-by-address list), judged
    by its content; refused naming the file and the field."""
    name = getattr(uploaded, "name", "") or "berkas"
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if _is_xlsx(head, uploaded):
        limit = int(policy("KUBE_ATTACHMENT_MAX_BYTES"))
        if uploaded.size > limit:
            raise ValidationError(
                {field: _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": limit // 1048576}}
            )
        data, kind, extension = uploaded.read(), XLSX, ".xlsx"
    else:
        try:
            attachment_check(uploaded)
        except ValidationError as error:
            raise ValidationError(
                {field: [*error.message_dict.get("files", error.messages), _("A spreadsheet (XLSX) is accepted too.")]}
            ) from None
        data, kind, extension = prepared_upload(uploaded)
    document = Document(
        desa=desa, original_name=name[:255], content_type=kind, size=len(data), uploaded_by=_user(actor)
    )
    document.file.save(uuid.uuid4().hex + extension, ContentFile(data), save=False)
    document.save()
    return document


# -- register proposals -------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(*, actor, household: Household, reason: str, case: Case | None = None) -> RegisterProposal:
    """Start a proposal (draf) for a household not in the register; one open proposal per household."""
    household = Household.objects.select_related("desa").get(pk=household.pk)
    require(actor, PROPOSE, household.desa_id)
    if household.deleted_at is not None:
        raise ValidationError({"household": _("This household was removed from the registry.")})
    if household.id_dtks:
        raise ValidationError(
            {"household": _("This household is already in DTKS/DTSEN (ID %(id)s).") % {"id": household.id_dtks}}
        )
    open_states = [s for s in ProposalState.values if s not in (ProposalState.DITETAPKAN, ProposalState.DITOLAK)]
    if RegisterProposal.objects.filter(household=household, state__in=open_states).exists():
        raise ValidationError({"household": _("This household already has a proposal in progress.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the family should be in the register.")})
    proposal = RegisterProposal.objects.create(
        household=household, desa=household.desa, case=case, reason=reason.strip(), created_by=_user(actor)
    )
    audit_record(
        actor=actor,
        action="puskesos.proposal_create",
        obj=proposal,
        area_code=proposal.desa_id,
        changes={
            "state": {"before": None, "after": proposal.state},
            "household": {"before": None, "after": household.pk},
        },
        reason=reason,
    )
    return proposal


def _move(actor, proposal: RegisterProposal, target: str, reason: str = "") -> RegisterProposal:
    if target not in PROPOSAL_TRANSITIONS[ProposalState(proposal.state)]:
        raise ValidationError(
            {
                "state": _("A proposal in %(state)s cannot move to %(target)s.")
                % {"state": ProposalState(proposal.state).label, "target": ProposalState(target).label}
            }
        )
    require(actor, STATE_CAPABILITY[target], proposal.desa_id)
    return proposal


def _save(actor, proposal: RegisterProposal, before: dict, reason: str) -> RegisterProposal:
    proposal.version = F("version") + 1
    proposal.save()
    proposal.refresh_from_db()
    audit_record(
        actor=actor,
        action="puskesos.proposal_state",
        obj=proposal,
        area_code=proposal.desa_id,
        changes=changes_between(before, snapshot(proposal, PROPOSAL_FIELDS)),
        reason=reason,
    )
    return proposal


def _locked(proposal: RegisterProposal, expected_version: int | None) -> RegisterProposal:
    locked = RegisterProposal.objects.select_for_update().get(pk=proposal.pk)
    if expected_version is not None and expected_version != locked.version:
        raise ValidationError(
            _("Someone else changed this proposal while you were working on it. Reload it and check."), code="stale"
        )
    return locked


@transaction.atomic
def proposal_musdes(
    *, actor, proposal: RegisterProposal, musdes_on: datetime.date, minutes, bnba, expected_version: int | None = None
) -> RegisterProposal:
    """The musyawarah desa discussed the proposal: its date, its minutes and the by-name-by-address list."""
    proposal = _move(actor, _locked(proposal, expected_version), ProposalState.MUSYAWARAH_DESA)
    errors: dict[str, list[str]] = {}
    if not isinstance(musdes_on, datetime.date):
        errors.setdefault("musdes_on", []).append(_("Give the date of the musyawarah desa."))
    elif musdes_on > timezone.localdate():
        errors.setdefault("musdes_on", []).append(_("The musyawarah desa cannot be in the future."))
    if minutes is None:
        errors.setdefault("minutes", []).append(_("Attach the minutes (berita acara) of the musyawarah desa."))
    if bnba is None:
        errors.setdefault("bnba", []).append(_("Attach the by-name-by-address list."))
    if errors:
        raise ValidationError(errors)
    before = snapshot(proposal, PROPOSAL_FIELDS)
    proposal.minutes = document_store(actor=actor, desa=proposal.desa, uploaded=minutes, field="minutes")
    proposal.bnba = document_store(actor=actor, desa=proposal.desa, uploaded=bnba, field="bnba")
    proposal.musdes_on = musdes_on
    proposal.state = ProposalState.MUSYAWARAH_DESA
    return _save(actor, proposal, before, "")


@transaction.atomic
def proposal_verify(
    *, actor, proposal: RegisterProposal, result: str, note: str = "", expected_version: int | None = None
) -> RegisterProposal:
    """The verification and validation of the family: layak, or tidak layak (with a note), which ends the proposal."""
    proposal = _move(actor, _locked(proposal, expected_version), ProposalState.VERIFIKASI_VALIDASI)
    if result not in VerificationResult.values:
        raise ValidationError({"result": _("Choose layak or tidak layak.")})
    if result == VerificationResult.TIDAK_LAYAK and not (note or "").strip():
        raise ValidationError({"note": _("Say why the family is not eligible.")})
    before = snapshot(proposal, PROPOSAL_FIELDS)
    proposal.verification = result
    proposal.verification_note = (note or "").strip()
    proposal.state = ProposalState.VERIFIKASI_VALIDASI
    proposal = _save(actor, proposal, before, note)
    if result == VerificationResult.TIDAK_LAYAK:
        before = snapshot(proposal, PROPOSAL_FIELDS)
        proposal.state = ProposalState.DITOLAK
        proposal.decided_on = timezone.localdate()
        proposal.decision_note = proposal.verification_note
        proposal = _save(actor, proposal, before, note)
    return proposal


@transaction.atomic
def proposal_advance(
    *, actor, proposal: RegisterProposal, to_state: str, note: str = "", expected_version: int | None = None
) -> RegisterProposal:
    """Pengesahan (only a layak proposal), dikirim, and the decision: ditetapkan or ditolak (a refusal needs a note).
    A household whose proposal is ditetapkan is not changed here: its ID DTKS comes with the register's next import."""
    proposal = _locked(proposal, expected_version)
    if to_state in (ProposalState.MUSYAWARAH_DESA, ProposalState.VERIFIKASI_VALIDASI):
        raise ValidationError({"state": _("Use the musyawarah desa or the verification form for this step.")})
    proposal = _move(actor, proposal, to_state)
    if to_state == ProposalState.PENGESAHAN and proposal.verification != VerificationResult.LAYAK:
        raise ValidationError({"state": _("Only a family verified as layak goes to pengesahan.")})
    if to_state == ProposalState.DITOLAK and not (note or "").strip():
        raise ValidationError({"note": _("Say why the proposal was refused.")})
    before = snapshot(proposal, PROPOSAL_FIELDS)
    proposal.state = to_state
    if to_state in (ProposalState.DITETAPKAN, ProposalState.DITOLAK):
        proposal.decided_on = timezone.localdate()
        proposal.decision_note = (note or "").strip()
    return _save(actor, proposal, before, note)


# -- PPKS counts and PSKS -----------------------------------------------------------------------------------------


@transaction.atomic
def ppks_count_record(
    *, actor, desa_code: str, category: str, count: int, counted_on: datetime.date, source: str
) -> PpksCount:
    """A count of PPKS of one category in a desa, made by hand, with its source and date."""
    errors: dict[str, list[str]] = {}
    desa = Area.objects.filter(code=desa_code or "", level=AreaLevel.DESA).first()
    if desa is None:
        errors.setdefault("desa_code", []).append(_("Choose a desa/kelurahan."))
    else:
        require(actor, MAPPING, desa.code)
    if category not in Ppks.values:
        errors.setdefault("category", []).append(_("Choose a PPKS category."))
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        errors.setdefault("count", []).append(_("A count is a whole number, 0 or more."))
    if not isinstance(counted_on, datetime.date) or counted_on > timezone.localdate():
        errors.setdefault("counted_on", []).append(_("Give the date of the count (not in the future)."))
    if not (source or "").strip():
        errors.setdefault("source", []).append(_("Name the source of the count."))
    if errors:
        raise ValidationError(errors)
    row = PpksCount.objects.create(
        desa=desa,
        category=category,
        count=count,
        counted_on=counted_on,
        source=source.strip(),
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="puskesos.ppks_count",
        obj=row,
        area_code=desa.code,
        changes=changes_between({}, snapshot(row, ["category", "count", "counted_on", "source"])),
    )
    return row


def _psks_values(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    values = dict(values)
    for name in ("name", "leader", "phone", "address", "legal_basis", "notes"):
        values[name] = (values.get(name) or "").strip()
    if values.get("kind") not in PsksKind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of PSKS."))
    if not values["name"]:
        errors.setdefault("name", []).append(_("Give the name."))
    members = values.get("members")
    if members is not None and (isinstance(members, bool) or not isinstance(members, int) or members < 0):
        errors.setdefault("members", []).append(_("The number of members is a whole number, 0 or more."))
    desa = Area.objects.filter(code=values.get("desa_code") or "", level=AreaLevel.DESA).first()
    if desa is None:
        errors.setdefault("desa_code", []).append(_("Choose a desa/kelurahan."))
    values["desa"] = desa
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def psks_add(*, actor, **values) -> Psks:
    values = _psks_values(values)
    require(actor, MAPPING, values["desa"].code)
    psks = Psks.objects.create(
        recorded_by=_user(actor), **{name: values[name] for name in PSKS_FIELDS if name in values}
    )
    audit_record(
        actor=actor,
        action="puskesos.psks_add",
        obj=psks,
        area_code=psks.desa_id,
        changes=changes_between({}, snapshot(psks, PSKS_FIELDS)),
    )
    return psks


@transaction.atomic
def psks_update(*, actor, psks: Psks, expected_version: int | None = None, **values) -> Psks:
    psks = Psks.objects.select_for_update().get(pk=psks.pk)
    require(actor, MAPPING, psks.desa_id)
    if expected_version is not None and expected_version != psks.version:
        raise ValidationError(
            _("Someone else changed this PSKS while you were editing it. Reload it and check."), code="stale"
        )
    current = {name: getattr(psks, name) for name in PSKS_FIELDS if name != "desa"}
    current["desa_code"] = psks.desa_id
    values = _psks_values({**current, **values})
    require(actor, MAPPING, values["desa"].code)
    before = snapshot(psks, PSKS_FIELDS)
    for name in PSKS_FIELDS:
        setattr(psks, name, values[name])
    psks.version = F("version") + 1
    psks.save()
    psks.refresh_from_db()
    audit_record(
        actor=actor,
        action="puskesos.psks_update",
        obj=psks,
        area_code=psks.desa_id,
        changes=changes_between(before, snapshot(psks, PSKS_FIELDS)),
    )
    return psks
