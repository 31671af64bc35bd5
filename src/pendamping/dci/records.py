"""Registry rows as DCI records: a Group (a household or a KUBE) shaped like extension_social_Group.yaml, a
Member (a person) shaped like extension_social_Person.yaml.

The spec gives no schema for either, only an example (both are `type: object`); the records use only the example's
keys, with the example's JSON types (tests/dci checks it). Where the two examples disagree, each shape follows its
own: a member inside a Group has `demographic_info.address` as one object (the Group example), a Member record has
`address` as a list (the Person example). Dates of birth are sent as dates (YYYY-MM-DD), times as ISO 8601.

Data minimisation: no phone, email, income or bank details; the address is the registry's (street, RT/RW, desa).
"""

from django.db.models import Prefetch, QuerySet

from pendamping.kube.models import KubeMember
from pendamping.kube.vocab import MemberRole
from pendamping.registry.models import Person
from pendamping.registry.vocab import Relation, Sex

CONTEXT = {
    "spdci": "https://schema.spdci.org/extensions/social/v1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "common": "https://schema.spdci.org/common/v1/",
}
SEX = {Sex.LAKI_LAKI: "male", Sex.PEREMPUAN: "female"}
RELATION_ORDER = {value: index for index, value in enumerate(Relation.values)}


def _id(kind: str, pk) -> str:
    return f"urn:pendamping:{kind}:{pk}"


def _identifier(kind: str, value: str) -> dict:
    return {"@type": "Identifier", "identifier_type": kind, "identifier_value": value}


def _name(person: Person) -> dict:
    return {"@type": "Name", "given_name": person.name, "surname": "", "prefix": "", "suffix": ""}


def _street(household) -> str:
    parts = [household.alamat]
    if household.rt or household.rw:
        parts.append(f"RT {household.rt or '-'}/RW {household.rw or '-'}")
    if household.dusun:
        parts.append(household.dusun)
    return ", ".join(part for part in parts if part)


def _place_text(household) -> str:
    desa = household.desa
    return ", ".join(part for part in [_street(household), desa.name, desa.code] if part)


def _member_in_group(person: Person, household) -> dict:
    """A member as the Group example writes it (inside group_head_info and member_list)."""
    return {
        "@type": "Member",
        "@id": _id("person", person.pk),
        "member_identifier": [_identifier("NIK", person.nik)],
        "demographic_info": {
            "@type": "SRPerson",
            "identifier": [_identifier("NIK", person.nik)],
            "name": _name(person),
            "sex": SEX.get(person.sex, ""),
            "address": {
                "@type": "Address",
                "street_address": _street(household),
                "city": household.desa.name,
                "postal_code": "",
                "country": "ID",
            },
            "birth_date": person.birth_date.isoformat(),
            "registration_date": person.created_at.isoformat(),
        },
        "is_disabled": bool(person.disability),
        "marital_status": person.marital_status,
        "registration_date": person.created_at.isoformat(),
    }


def household_record(household) -> dict:
    """A household as a Group; `household.dci_members` holds its live members (prefetched)."""
    members = sorted(household.dci_members, key=lambda p: (RELATION_ORDER.get(p.relation, 99), p.birth_date, p.pk))
    head = next((p for p in members if p.relation == Relation.KEPALA_KELUARGA), None)
    identifiers = [_identifier("KK", household.no_kk)]
    if household.id_dtks:
        identifiers.append(_identifier("ID_DTKS", household.id_dtks))
    record = {
        "@context": CONTEXT,
        "@id": _id("household", household.pk),
        "@type": "spdci:Group",
        "group_identifier": identifiers,
        "group_type": "family",
        "place": {"@type": "Place", "address": _place_text(household)},
        "group_size": len(members),
        "member_list": [_member_in_group(p, household) for p in members],
        "registration_date": household.created_at.isoformat(),
        "last_updated": household.updated_at.isoformat(),
        "additional_attributes": [{"area_code": household.desa_id}],
    }
    if household.desil is not None:
        record["poverty_score"] = household.desil
        record["poverty_score_type"] = "desil-DTSEN"
        if household.desil_period:
            record["additional_attributes"].append({"poverty_score_period": household.desil_period})
    if head is not None:
        record["group_head_info"] = _member_in_group(head, household)
    return record


def kube_record(kube) -> dict:
    """A KUBE as a Group; `kube.dci_members` holds its active memberships (prefetched with person and household)."""
    memberships = kube.dci_members
    head = next((m for m in memberships if m.role == MemberRole.KETUA), None)
    record = {
        "@context": CONTEXT,
        "@id": _id("kube", kube.pk),
        "@type": "spdci:Group",
        "group_identifier": [_identifier("KUBE", str(kube.pk))],
        "group_type": "kube",
        "place": {"@type": "Place", "address": f"{kube.desa.name}, {kube.desa_id}"},
        "group_size": len(memberships),
        "member_list": [_member_in_group(m.person, m.household) for m in memberships],
        "registration_date": kube.created_at.isoformat(),
        "last_updated": kube.updated_at.isoformat(),
        "additional_attributes": [
            {"name": kube.name},
            {"area_code": kube.desa_id},
            {"stage": kube.stage},
            {"status": kube.status},
            {"formed_on": kube.formed_on.isoformat()},
        ],
    }
    if head is not None:
        record["group_head_info"] = _member_in_group(head.person, head.household)
    return record


def person_record(person: Person) -> dict:
    """A person as a Member record, in the shape of extension_social_Person.yaml."""
    household = person.household
    desa = household.desa
    return {
        "@context": CONTEXT,
        "@id": _id("person", person.pk),
        "@type": "spdci:SR_Person",
        "identifier": [_identifier("NIK", person.nik), _identifier("KK", household.no_kk)],
        "name": _name(person),
        "birth_date": person.birth_date.isoformat(),
        "sex": SEX.get(person.sex, ""),
        "address": [
            {
                "@type": "Address",
                "address_line1": _street(household),
                "address_line2": "",
                "locality": desa.name,
                "sub_region_code": desa.parent_id or "",
                "region_code": desa.code,
                "postal_code": "",
                "country_code": "ID",
            }
        ],
        "registration_date": person.created_at.isoformat(),
    }


def with_members(rows: QuerySet, kind: str) -> QuerySet:
    """The page's rows with what their records need, in a fixed number of queries."""
    if kind == "household":
        return rows.select_related("desa").prefetch_related(
            Prefetch("members", queryset=Person.objects.live().order_by("pk"), to_attr="dci_members")
        )
    if kind == "kube":
        return rows.select_related("desa").prefetch_related(
            Prefetch(
                "members",
                queryset=KubeMember.objects.filter(left_on__isnull=True, person__deleted_at__isnull=True)
                .select_related("person", "household", "household__desa")
                .order_by("joined_on", "pk"),
                to_attr="dci_members",
            )
        )
    return rows.select_related("household", "household__desa")


def render(row, kind: str) -> dict:
    return {"household": household_record, "kube": kube_record}.get(kind, person_record)(row)
