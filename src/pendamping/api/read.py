"""Read endpoints: each goes through the same selector as the pages, so a user reads exactly what their areas cover
(an object outside them is a 404; a filter outside them gives an empty list)."""

from ninja import Query, Router

from pendamping.areas.selectors import area_children, area_get
from pendamping.kube.selectors.groups import KubeFilter, kube_get, kube_members, kubes_visible
from pendamping.mentoring.selectors.contacts import ContactFilter, contacts_visible, roles_split
from pendamping.puskesos.selectors.cases import CaseFilter, case_content_read, cases_visible
from pendamping.puskesos.selectors.referrals import ReferralFilter, referrals_visible
from pendamping.registry.selectors import (
    HouseholdFilter,
    PersonFilter,
    household_get,
    household_members,
    households_visible,
    people_visible,
    person_get,
)
from pendamping.registry.vocab import Relation

from . import schemas as s

router = Router()
ERRORS = {401: s.Error, 404: s.Error, 422: s.Error}


def page(queryset, query: s.PageQuery, serialize) -> dict:
    items = queryset[query.offset : query.offset + query.limit]
    return {
        "count": queryset.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": [serialize(item) for item in items],
    }


# -- areas --------------------------------------------------------------------------------------------------------


@router.get("/areas/{code}", response={200: s.AreaOut, **ERRORS}, tags=["areas"])
def area_detail(request, code: str):
    area = area_get(actor=request.auth, code=code)
    children = area_children(actor=request.auth, code=area.code).order_by("code")
    return {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        "parent_code": area.parent_id,
        "children": [{"code": c.code, "name": c.name, "level": c.level} for c in children],
    }


# -- registry -----------------------------------------------------------------------------------------------------


def person_out(person) -> dict:
    return {
        "id": person.pk,
        "nik": person.nik,
        "name": person.name,
        "sex": person.sex,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date,
        "relation": person.relation,
        "marital_status": person.marital_status,
        "education": person.education,
        "occupation": person.occupation,
        "disability": person.disability,
        "household_id": person.household_id,
        "desa_code": person.household.desa_id,
    }


def household_item(household) -> dict:
    heads = getattr(household, "heads", None)
    return {
        "id": household.pk,
        "no_kk": household.no_kk,
        "desa_code": household.desa_id,
        "desa_name": household.desa.name,
        "dusun": household.dusun,
        "rt": household.rt,
        "rw": household.rw,
        "alamat": household.alamat,
        "id_dtks": household.id_dtks,
        "desil": household.desil,
        "desil_period": household.desil_period,
        "pkh_status": household.pkh_status,
        "poverty_class": household.poverty_class,
        "member_count": getattr(household, "member_count", 0),
        "head_name": heads[0].name if heads else None,
    }


@router.get("/households", response={200: s.HouseholdPage, **ERRORS}, tags=["registry"])
def household_list(request, filters: Query[s.HouseholdQuery]):
    """Households in the user's areas, with their No. KK in full (see docs/api.md on personal data)."""
    households = households_visible(
        actor=request.auth,
        filters=HouseholdFilter(desa=filters.desa, desil=filters.desil, pkh_status=filters.pkh_status),
    )
    return page(households, filters, household_item)


@router.get("/households/{household_id}", response={200: s.HouseholdOut, **ERRORS}, tags=["registry"])
def household_detail(request, household_id: int):
    household = household_get(actor=request.auth, pk=household_id)
    members = household_members(household=household)
    for member in members:
        member.household = household
    heads = [m for m in members if m.relation == Relation.KEPALA_KELUARGA]
    household.heads = heads
    household.member_count = len(members)
    return {
        **household_item(household),
        "padan_dukcapil": household.padan_dukcapil,
        "sembako": household.sembako,
        "pbi_jk": household.pbi_jk,
        "purnabina_kat": household.purnabina_kat,
        "members": [person_out(m) for m in members],
    }


@router.get("/people", response={200: s.PersonPage, **ERRORS}, tags=["registry"])
def person_list(request, filters: Query[s.PeopleQuery]):
    people = people_visible(actor=request.auth, filters=PersonFilter(desa=filters.desa)).prefetch_related(None)
    if filters.nik:
        people = people.filter(nik=filters.nik)
    return page(people, filters, person_out)


@router.get("/people/{person_id}", response={200: s.PersonOut, **ERRORS}, tags=["registry"])
def person_detail(request, person_id: int):
    return person_out(person_get(actor=request.auth, pk=person_id))


# -- KUBE ---------------------------------------------------------------------------------------------------------


def kube_item(kube) -> dict:
    return {
        "id": kube.pk,
        "name": kube.name,
        "kind": kube.kind,
        "desa_code": kube.desa_id,
        "desa_name": kube.desa.name,
        "kecamatan_code": kube.kecamatan_id,
        "stage": kube.stage,
        "status": kube.status,
        "funding_source": kube.funding_source,
        "budget_year": kube.budget_year,
        "formed_on": kube.formed_on,
        "member_count": getattr(kube, "member_count", 0),
    }


def member_out(member) -> dict:
    return {
        "id": member.pk,
        "kube_id": member.kube_id,
        "person_id": member.person_id,
        "name": member.person.name,
        "role": member.role,
        "joined_on": member.joined_on,
        "eligibility_override": member.eligibility_override,
    }


@router.get("/kube", response={200: s.KubePage, **ERRORS}, tags=["kube"])
def kube_list(request, filters: Query[s.KubeQuery]):
    groups = kubes_visible(
        actor=request.auth, filters=KubeFilter(area=filters.desa, stage=filters.stage, status=filters.status)
    )
    return page(groups, filters, kube_item)


@router.get("/kube/{kube_id}", response={200: s.KubeOut, **ERRORS}, tags=["kube"])
def kube_detail(request, kube_id: int):
    kube = kube_get(actor=request.auth, pk=kube_id)
    members = kube_members(kube=kube)
    kube.member_count = len(members)
    return {
        **kube_item(kube),
        "business_type": kube.business_type.name if kube.business_type_id else None,
        "pendamping": kube.pendamping.get_username() if kube.pendamping_id else None,
        "members": [member_out(m) for m in members],
    }


# -- mentoring ----------------------------------------------------------------------------------------------------


def visit_out(contact, attendance: bool = False) -> dict:
    zastrow, tks = roles_split(contact)
    body = {
        "id": contact.pk,
        "contact_date": contact.contact_date,
        "target_kind": contact.target_kind,
        "method": contact.method,
        "kube_id": contact.kube_id,
        "household_id": contact.household_id,
        "person_id": contact.person_id,
        "desa_code": contact.desa_id,
        "worker": contact.worker.get_username(),
        "roles": zastrow,
        "tks_roles": tks,
        "activity": contact.activity,
        "what_done": contact.what_done,
        "next_visit": contact.next_visit,
    }
    if attendance:
        body["attendance"] = [
            {"member_id": a.member_id, "present": a.present} for a in contact.attendance.order_by("member_id")
        ]
    return body


@router.get("/visits", response={200: s.VisitPage, **ERRORS}, tags=["mentoring"])
def visit_list(request, filters: Query[s.VisitQuery]):
    contacts = contacts_visible(
        actor=request.auth,
        filters=ContactFilter(date_from=filters.date_from, date_to=filters.date_to, kube=filters.kube),
    )
    return page(contacts, filters, visit_out)


# -- Puskesos -----------------------------------------------------------------------------------------------------


def case_out(case, actor) -> dict:
    readable = case_content_read(actor=actor, case=case, where="api")
    return {
        "id": case.pk,
        "number": case.number,
        "desa_code": case.desa_id,
        "person_id": case.person_id,
        "household_id": case.household_id,
        "received_on": case.received_on,
        "channel": case.channel,
        "sector": case.sector,
        "problem_kind": case.problem_kind,
        "status": case.status,
        "confidential": case.confidential,
        "closed_on": case.closed_on,
        "description": case.description if readable else None,
    }


@router.get("/cases", response={200: s.CasePage, **ERRORS}, tags=["puskesos"])
def case_list(request, filters: Query[s.CaseQuery]):
    """Puskesos cases. The description of a confidential case is null unless the user may read it (its
    fasilitator, the supervising TKSK, the admin); every such read is audited. Notes are never in the API."""
    cases = cases_visible(
        actor=request.auth, filters=CaseFilter(area=filters.desa, status=filters.status, sector=filters.sector)
    )
    return page(cases, filters, lambda case: case_out(case, request.auth))


def referral_out(referral, actor) -> dict:
    readable = case_content_read(actor=actor, case=referral.case, where="api")
    return {
        "id": referral.pk,
        "number": referral.number,
        "case_id": referral.case_id,
        "desa_code": referral.case.desa_id,
        "sector": referral.sector,
        "office": referral.office,
        "sent_on": referral.sent_on,
        "due_on": referral.due_on,
        "status": referral.status,
        "overdue": bool(getattr(referral, "overdue", False)),
        "responded_on": referral.responded_on,
        "reason": referral.reason if readable else None,
        "response": referral.response if readable else None,
    }


@router.get("/referrals", response={200: s.ReferralPage, **ERRORS}, tags=["puskesos"])
def referral_list(request, filters: Query[s.CaseQuery]):
    referrals = referrals_visible(
        actor=request.auth,
        filters=ReferralFilter(desa=filters.desa, status=filters.status, sector=filters.sector),
    )
    return page(referrals, filters, lambda referral: referral_out(referral, request.auth))
