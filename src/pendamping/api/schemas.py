"""Request and response shapes of API v1. Requests refuse unknown fields (extra="forbid") and wrong types (422)."""

import datetime

from django.conf import settings
from ninja import Field, Schema
from pydantic import ConfigDict

MAX_PAGE = settings.PENDAMPING.get("API_MAX_PAGE_SIZE", 100)
PAGE = settings.PENDAMPING.get("API_PAGE_SIZE", 25)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Error(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


# -- requests -----------------------------------------------------------------------------------------------------


class TokenIn(Strict):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=500)


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime | None


class PageQuery(Schema):
    limit: int = Field(PAGE, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class HouseholdQuery(PageQuery):
    desa: str = Field("", max_length=13, description="an area code: only households under it")
    desil: int | None = Field(None, ge=1, le=10)
    pkh_status: str | None = Field(None, max_length=30, description='"" for families without PKH')


class PeopleQuery(PageQuery):
    nik: str = Field("", max_length=16, description="exact NIK")
    desa: str = Field("", max_length=13)


class KubeQuery(PageQuery):
    desa: str = Field("", max_length=13)
    stage: str = Field("", max_length=2)
    status: str = Field("", max_length=10)


class VisitQuery(PageQuery):
    kube: int | None = Field(None, ge=1)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class CaseQuery(PageQuery):
    desa: str = Field("", max_length=13)
    status: str = Field("", max_length=12)
    sector: str = Field("", max_length=20)


class MemberIn(Strict):
    nik: str = Field(..., pattern=r"^\d{16}$")
    role: str = Field("anggota", max_length=12)
    joined_on: datetime.date
    eligibility_override: str = Field("", max_length=500)


class ProgressReportIn(Strict):
    month: str = Field(..., pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    omzet: int
    profit: int
    capital: int
    iks_collected: int
    iks_used: int
    active_members: int
    business_status: str = Field(..., max_length=10)
    assessed: list[str] = Field(default_factory=list, max_length=50)
    evidence: str = Field("", max_length=5000)
    expected_version: int | None = Field(
        None,
        ge=0,
        description="the version of the month's report the change is based on (0: the sender saw no report); "
        "a report changed since is refused with 409 stale and the current report",
    )


class AttendanceIn(Strict):
    member_id: int
    present: bool


class TaskIn(Strict):
    title: str = Field(..., max_length=200)
    due_on: datetime.date


class VisitIn(Strict):
    contact_date: datetime.date
    target_kind: str = Field(..., max_length=10)
    method: str = Field(..., max_length=10)
    what_done: str = Field(..., max_length=5000)
    roles: list[str] = Field(..., max_length=20)
    tks_roles: list[str] = Field(default_factory=list, max_length=20)
    kube_id: int | None = None
    household_id: int | None = None
    person_id: int | None = None
    desa_code: str = Field("", max_length=13)
    welfare_function: str = Field("", max_length=12)
    intervention_kind: str = Field("", max_length=10)
    service_type: str = Field("", max_length=12)
    activity: str = Field("", max_length=4)
    activity_result: str = Field("", max_length=10)
    problems: str = Field("", max_length=5000)
    agreements: str = Field("", max_length=5000)
    next_visit: datetime.date | None = None
    latitude: float | None = None
    longitude: float | None = None
    attendance: list[AttendanceIn] = Field(default_factory=list, max_length=50)
    tasks: list[TaskIn] = Field(default_factory=list, max_length=20)


# -- responses ----------------------------------------------------------------------------------------------------


class AreaRef(Schema):
    code: str
    name: str
    level: str


class AreaOut(AreaRef):
    parent_code: str | None
    children: list[AreaRef]


class PersonOut(Schema):
    id: int
    nik: str
    name: str
    sex: str
    birth_place: str
    birth_date: datetime.date
    relation: str
    marital_status: str
    education: str
    occupation: str
    disability: str
    household_id: int
    desa_code: str


class HouseholdItem(Schema):
    id: int
    no_kk: str
    desa_code: str
    desa_name: str
    dusun: str
    rt: str
    rw: str
    alamat: str
    id_dtks: str
    desil: int | None
    desil_period: str
    pkh_status: str
    poverty_class: str
    member_count: int
    head_name: str | None


class HouseholdOut(HouseholdItem):
    padan_dukcapil: bool
    sembako: bool
    pbi_jk: bool
    purnabina_kat: bool
    members: list[PersonOut]


class HouseholdPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[HouseholdItem]


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class KubeItem(Schema):
    id: int
    name: str
    kind: str
    desa_code: str
    desa_name: str
    kecamatan_code: str
    stage: str
    status: str
    funding_source: str
    budget_year: int
    formed_on: datetime.date
    member_count: int


class MemberOut(Schema):
    id: int
    kube_id: int
    person_id: int
    name: str
    role: str
    joined_on: datetime.date
    eligibility_override: str


class KubeOut(KubeItem):
    business_type: str | None
    pendamping: str | None
    members: list[MemberOut]


class KubePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[KubeItem]


class ProgressReportOut(Schema):
    id: int
    kube_id: int
    month: str
    omzet: int
    profit: int
    capital: int
    iks_collected: int
    iks_used: int
    active_members: int
    business_status: str
    assessed: list[str]
    evidence: str = ""
    typology: str
    version: int


class AttendanceOut(Schema):
    member_id: int
    present: bool


class VisitOut(Schema):
    id: int
    contact_date: datetime.date
    target_kind: str
    method: str
    kube_id: int | None
    household_id: int | None
    person_id: int | None
    desa_code: str
    worker: str
    roles: list[str]
    tks_roles: list[str]
    activity: str
    what_done: str
    next_visit: datetime.date | None
    attendance: list[AttendanceOut] | None = None


class VisitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[VisitOut]


class CaseOut(Schema):
    id: int
    number: str
    desa_code: str
    person_id: int
    household_id: int
    received_on: datetime.date
    channel: str
    sector: str
    problem_kind: str
    status: str
    confidential: bool
    closed_on: datetime.date | None
    description: str | None = Field(None, description="null for a confidential case the user may not read")


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseOut]


class ReferralOut(Schema):
    id: int
    number: str
    case_id: int
    desa_code: str
    sector: str
    office: str
    sent_on: datetime.date
    due_on: datetime.date
    status: str
    overdue: bool
    responded_on: datetime.date | None
    reason: str | None = Field(None, description="null when the case is confidential and the user may not read it")
    response: str | None = None


class ReferralPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReferralOut]
