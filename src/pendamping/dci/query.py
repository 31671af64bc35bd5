"""Reading a DCI search_criteria into a scoped queryset, or a reject (a status_reason_code of the spec).

Lenient in what it accepts (SOURCE.md of the spec lists where its samples and schema disagree):
- query_type "idtype-value", "predicate" or "expression"; a predicate list is taken under either type, bare or
  under a key "predicate"/"expression"; the spec's expression example ({"type", "value": {"expression": {"collection",
  "query": {"$and": [{attr: {"$lt": 5}}]}}}}) is read too;
- response_entity "Group" or "Member" (also "Household", "Person", "SRPerson"); reg_event_type absent, "REGISTER",
  "NewHouseHoldMember" or the samples' "SEARCH"; reg_type absent or a social registry type;
- numbers sent as strings ("10"), id types and attribute names in any case, with or without a "ns:...:" prefix.

Rejects use only codes of the spec's SearchStatusReasonCode enum: rjct.search_criteria.invalid (query type,
entity, event or registry type, version), rjct.filter.invalid (id type, attribute, operator or value),
rjct.sort.invalid, rjct.pagination.invalid.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.areas.vocab import subtree_q
from pendamping.kube.models import KubeMember
from pendamping.registry.models import KkHistory, Person
from pendamping.registry.nik import clean_number
from pendamping.registry.vocab import Relation, Sex

GROUP, MEMBER = "Group", "Member"
HOUSEHOLD, KUBE = "household", "kube"
CRITERIA_INVALID = "rjct.search_criteria.invalid"
FILTER_INVALID = "rjct.filter.invalid"
SORT_INVALID = "rjct.sort.invalid"
PAGINATION_INVALID = "rjct.pagination.invalid"
AREA_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
OPERATORS = {
    "eq": "eq",
    "=": "eq",
    "==": "eq",
    "$eq": "eq",
    "gt": "gt",
    ">": "gt",
    "$gt": "gt",
    "lt": "lt",
    "<": "lt",
    "$lt": "lt",
    "ge": "ge",
    "gte": "ge",
    ">=": "ge",
    "$ge": "ge",
    "$gte": "ge",
    "le": "le",
    "lte": "le",
    "<=": "le",
    "$le": "le",
    "$lte": "le",
    "in": "in",
    "$in": "in",
}
# attribute names as sent (lower case, "-" as "_") → what they mean here
ATTRIBUTES = {
    "area": "area",
    "area_code": "area",
    "location": "area",
    "region_code": "area",
    "desa": "area",
    "kode_wilayah": "area",
    "group_size": "group_size",
    "household_size": "group_size",
    "age": "age",
    "birth_date": "birth_date",
    "dob": "birth_date",
    "sex": "sex",
    "gender": "sex",
    "desil": "desil",
    "poverty_score": "desil",
    "group_type": "group_type",
    "collection": "group_type",
}
ID_TYPES = {
    "nik": "NIK",
    "uin": "NIK",
    "nationalid": "NIK",
    "national_id": "NIK",
    "kk": "KK",
    "no_kk": "KK",
    "nokk": "KK",
    "familycard": "KK",
    "family_card": "KK",
    "kube": "KUBE",
    "kube_id": "KUBE",
}
SEXES = {"male": Sex.LAKI_LAKI, "m": Sex.LAKI_LAKI, "l": Sex.LAKI_LAKI, "female": Sex.PEREMPUAN, "f": Sex.PEREMPUAN}
SEXES["p"] = Sex.PEREMPUAN
EVENT_TYPES = {"register", "newhouseholdmember", "search", "update"}
ENTITIES = {"group": GROUP, "household": GROUP, "member": MEMBER, "person": MEMBER, "srperson": MEMBER}


class Reject(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, str(message)
        super().__init__(self.message)


def _name(value) -> str:
    """ "ns:org:QueryType:Predicate" → "predicate"; "area-code" → "area_code"."""
    text = str(value or "").strip()
    return text.rsplit(":", 1)[-1].strip().lower().replace("-", "_")


def _int(value, code: str, what: str, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        raise Reject(code, _("%(what)s must be a whole number.") % {"what": what})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise Reject(code, _("%(what)s must be a whole number.") % {"what": what})
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise Reject(
            code, _("%(what)s must lie between %(lo)s and %(hi)s.") % {"what": what, "lo": minimum, "hi": maximum}
        )
    return value


# -- conditions ---------------------------------------------------------------------------------------------------


@dataclass
class Cond:
    attribute: str  # a key of ATTRIBUTES' values
    operator: str  # a value of OPERATORS
    value: object


@dataclass
class Node:
    op: str  # and, or, not (a and not b)
    left: object
    right: object = None


def _cond(expression) -> Cond:
    if not isinstance(expression, dict):
        raise Reject(
            FILTER_INVALID, _("An expression must be an object with attribute_name, operator, attribute_value.")
        )
    attribute = ATTRIBUTES.get(_name(expression.get("attribute_name")))
    if attribute is None:
        raise Reject(
            FILTER_INVALID,
            _("Unknown attribute %(name)s; use one of area_code, group_size, age, birth_date, sex, poverty_score.")
            % {"name": str(expression.get("attribute_name"))[:50]},
        )
    operator = OPERATORS.get(str(expression.get("operator") or "").strip().lower())
    if operator is None:
        raise Reject(
            FILTER_INVALID,
            _("Unknown operator %(op)s; use eq, gt, lt, ge, le or in.") % {"op": str(expression.get("operator"))[:20]},
        )
    if "attribute_value" not in expression:
        raise Reject(FILTER_INVALID, _("An expression needs an attribute_value."))
    return Cond(attribute, operator, expression["attribute_value"])


def _present(value) -> bool:
    return value not in (None, "", {}, [])


def _predicate_tree(items) -> object:
    """A predicate list: each item is expression1 [condition expression2]; items are taken in seq_num order and
    joined by AND, or by the condition of an item that has no expression2 (it joins that item to the next)."""
    if not isinstance(items, list) or not items:
        raise Reject(FILTER_INVALID, _("A predicate query is a non-empty list of expressions."))
    keyed = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not _present(item.get("expression1")):
            raise Reject(FILTER_INVALID, _("Each predicate needs an expression1."))
        seq = item.get("seq_num")
        try:
            seq = float(seq) if _present(seq) else float(index + 1)
        except (TypeError, ValueError):
            raise Reject(FILTER_INVALID, _("seq_num must be a number.")) from None
        keyed.append((seq, index, item))
    keyed.sort(key=lambda entry: (entry[0], entry[1]))
    tree, joiner = None, "and"
    for _seq, _index, item in keyed:
        condition = str(item.get("condition") or "").strip().lower()
        if condition and condition not in {"and", "or", "not"}:
            raise Reject(FILTER_INVALID, _("A condition is and, or or not."))
        node = _cond(item["expression1"])
        dangling = None
        if _present(item.get("expression2")):
            node = Node(condition or "and", node, _cond(item["expression2"]))
        elif condition:
            dangling = condition
        tree = node if tree is None else Node(joiner, tree, node)
        joiner = dangling or "and"
    return tree


def _mongo_tree(query) -> object:
    """The spec's expression example: {"$and": [{"poverty_score": {"$lt": 5}}, ...]} (also $or, $not)."""
    if not isinstance(query, dict) or not query:
        raise Reject(FILTER_INVALID, _("An expression query is an object of conditions."))
    parts = []
    for key, value in query.items():
        if key in {"$and", "$or"}:
            if not isinstance(value, list) or not value:
                raise Reject(FILTER_INVALID, _("$and and $or take a non-empty list."))
            sub = [_mongo_tree(item) for item in value]
            node = sub[0]
            for item in sub[1:]:
                node = Node(key[1:], node, item)
            parts.append(node)
        elif key == "$not":
            parts.append(Node("not", None, _mongo_tree(value)))
        else:
            conditions = value if isinstance(value, dict) else {"$eq": value}
            if not conditions:
                raise Reject(FILTER_INVALID, _("A condition needs an operator."))
            for operator, operand in conditions.items():
                parts.append(_cond({"attribute_name": key, "operator": operator, "attribute_value": operand}))
    node = parts[0]
    for item in parts[1:]:
        node = Node("and", node, item)
    return node


def _walk(tree):
    if isinstance(tree, Cond):
        yield tree
    elif isinstance(tree, Node):
        yield from _walk(tree.left)
        yield from _walk(tree.right)


# -- compiling conditions to Q ------------------------------------------------------------------------------------


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _numbers(cond: Cond, what: str, minimum=0, maximum=None) -> list[int]:
    if cond.operator == "in":
        if not isinstance(cond.value, list) or not cond.value:
            raise Reject(FILTER_INVALID, _("The operator in takes a non-empty list."))
        return [_int(v, FILTER_INVALID, what, minimum, maximum) for v in cond.value[:100]]
    return [_int(cond.value, FILTER_INVALID, what, minimum, maximum)]


def _compare(field_name: str, operator: str, value) -> Q:
    lookup = {"eq": "", "gt": "__gt", "lt": "__lt", "ge": "__gte", "le": "__lte"}[operator]
    return Q(**{field_name + lookup: value})


def _number_q(cond: Cond, field_name: str, what: str, minimum=0, maximum=None) -> Q:
    values = _numbers(cond, what, minimum, maximum)
    if cond.operator == "in":
        return Q(**{field_name + "__in": values})
    return _compare(field_name, cond.operator, values[0])


def _age_q(cond: Cond, field_name: str) -> Q:
    """Age in full years today (Asia/Jakarta), turned into a range of birth dates."""
    today = timezone.localdate()
    ages = _numbers(cond, "age", 0, 150)

    def born(op: str, age: int) -> Q:
        if op == "eq":
            return Q(**{f"{field_name}__gt": _years_ago(today, age + 1), f"{field_name}__lte": _years_ago(today, age)})
        if op == "ge":
            return Q(**{f"{field_name}__lte": _years_ago(today, age)})
        if op == "gt":
            return Q(**{f"{field_name}__lte": _years_ago(today, age + 1)})
        if op == "le":
            return Q(**{f"{field_name}__gt": _years_ago(today, age + 1)})
        return Q(**{f"{field_name}__gt": _years_ago(today, age)})  # lt

    if cond.operator == "in":
        query = Q(pk__in=[])
        for age in ages:
            query |= born("eq", age)
        return query
    return born(cond.operator, ages[0])


def _date(value) -> datetime.date:
    text = str(value or "").strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise Reject(FILTER_INVALID, _("A date is written YYYY-MM-DD.")) from None


def _birth_date_q(cond: Cond, field_name: str) -> Q:
    if cond.operator == "in":
        if not isinstance(cond.value, list) or not cond.value:
            raise Reject(FILTER_INVALID, _("The operator in takes a non-empty list."))
        return Q(**{field_name + "__in": [_date(v) for v in cond.value[:100]]})
    return _compare(field_name, cond.operator, _date(cond.value))


def _sex_q(cond: Cond, field_name: str) -> Q:
    if cond.operator not in {"eq", "in"}:
        raise Reject(FILTER_INVALID, _("Sex is compared with eq or in."))
    values = cond.value if cond.operator == "in" else [cond.value]
    if not isinstance(values, list) or not values:
        raise Reject(FILTER_INVALID, _("The operator in takes a non-empty list."))
    sexes = []
    for value in values:
        sex = SEXES.get(str(value).strip().lower())
        if sex is None:
            raise Reject(FILTER_INVALID, _("Sex is male or female."))
        sexes.append(sex)
    return Q(**{field_name + "__in": sexes})


def _area_q(cond: Cond, field_name: str) -> Q:
    if cond.operator not in {"eq", "in"}:
        raise Reject(FILTER_INVALID, _("An area code is compared with eq (its whole subtree) or in."))
    codes = cond.value if cond.operator == "in" else [cond.value]
    if not isinstance(codes, list) or not codes:
        raise Reject(FILTER_INVALID, _("The operator in takes a non-empty list."))
    query = Q(pk__in=[])
    for code in codes[:100]:
        code = str(code).strip()
        if not AREA_CODE.match(code):
            raise Reject(FILTER_INVALID, _("An area code looks like 32.02.19 or 32.02.19.2002."))
        query |= subtree_q(code, field_name)
    return query


def _live_size(outer: str) -> Subquery:
    size = Person.objects.live().filter(household=OuterRef(outer)).order_by().values("household")
    return Subquery(size.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def _heads() -> QuerySet:
    return Person.objects.live().filter(relation=Relation.KEPALA_KELUARGA)


def _compile(tree, target: str) -> Q:
    if tree is None:
        return Q()
    if isinstance(tree, Node):
        left = _compile(tree.left, target) if tree.left is not None else Q()
        right = _compile(tree.right, target)
        if tree.op == "or":
            return left | right
        if tree.op == "not":
            return left & ~right
        return left & right
    cond: Cond = tree
    if cond.attribute == "group_type":
        return Q()  # chose the kind of group (see `_group_kind`), not a condition on rows
    if target == KUBE:
        if cond.attribute == "area":
            return _area_q(cond, "desa__code")
        if cond.attribute == "group_size":
            return _number_q(cond, "dci_group_size", "group_size")
        raise Reject(FILTER_INVALID, _("A KUBE is searched by area_code and group_size only."))
    person_prefix = "" if target == MEMBER else None
    household_prefix = "household__" if target == MEMBER else ""
    if cond.attribute == "area":
        return _area_q(cond, household_prefix + "desa__code")
    if cond.attribute == "group_size":
        return _number_q(cond, "dci_group_size", "group_size")
    if cond.attribute == "desil":
        return _number_q(cond, household_prefix + "desil", "poverty_score", 1, 10)
    builders = {"age": _age_q, "birth_date": _birth_date_q, "sex": _sex_q}
    if person_prefix is not None:
        return builders[cond.attribute](cond, "birth_date" if cond.attribute != "sex" else "sex")
    # a household's sex, age and birth date are those of its head
    person_q = builders[cond.attribute](cond, "birth_date" if cond.attribute != "sex" else "sex")
    return Q(pk__in=_heads().filter(person_q).values("household_id"))


# -- the whole criteria -------------------------------------------------------------------------------------------


@dataclass
class Search:
    entity: str  # Group or Member
    kind: str  # household or kube (for a Group)
    queryset: QuerySet
    page_size: int
    page_number: int
    notes: list = field(default_factory=list)


def _group_kind(tree, default: str) -> str:
    kinds = set()
    for cond in _walk(tree):
        if cond.attribute == "group_type":
            if cond.operator != "eq":
                raise Reject(FILTER_INVALID, _("group_type is compared with eq."))
            value = _name(cond.value)
            if value in {"kube"}:
                kinds.add(KUBE)
            elif value in {"family", "household", "keluarga"}:
                kinds.add(HOUSEHOLD)
            else:
                raise Reject(FILTER_INVALID, _("group_type is family or kube."))
    if len(kinds) > 1:
        raise Reject(FILTER_INVALID, _("Search families or KUBE, not both at once."))
    return kinds.pop() if kinds else default


def _pagination(value) -> tuple[int, int]:
    maximum = int(settings.PENDAMPING.get("DCI_MAX_PAGE_SIZE", 100))
    default = int(settings.PENDAMPING.get("DCI_PAGE_SIZE", 20))
    if not _present(value):
        return default, 1
    if not isinstance(value, dict):
        raise Reject(PAGINATION_INVALID, _("pagination is an object with page_size and page_number."))
    size = value.get("page_size")
    size = default if not _present(size) else _int(size, PAGINATION_INVALID, "page_size", 1, maximum)
    number = value.get("page_number")
    number = 1 if not _present(number) else _int(number, PAGINATION_INVALID, "page_number", 1, 1_000_000)
    return size, number


SORTS = {
    HOUSEHOLD: {
        "area_code": "desa_id",
        "group_size": "dci_group_size",
        "poverty_score": "desil",
        "desil": "desil",
        "registration_date": "created_at",
    },
    KUBE: {"area_code": "desa_id", "group_size": "dci_group_size", "registration_date": "created_at"},
    MEMBER: {
        "area_code": "household__desa_id",
        "group_size": "dci_group_size",
        "poverty_score": "household__desil",
        "desil": "household__desil",
        "registration_date": "created_at",
        "birth_date": "birth_date",
        "age": "-birth_date",
        "name": "name_normalized",
    },
}
DEFAULT_ORDER = {
    HOUSEHOLD: ["desa_id", "no_kk", "pk"],
    KUBE: ["desa_id", "name", "pk"],
    MEMBER: ["household__desa_id", "household__no_kk", "birth_date", "pk"],
}


def _order(sort, target: str) -> list:
    if not _present(sort):
        return DEFAULT_ORDER[target]
    if isinstance(sort, dict):
        sort = [sort]
    if not isinstance(sort, list):
        raise Reject(SORT_INVALID, _("sort is a list of attribute_name and sort_order."))
    order = []
    for item in sort[:5]:
        if not isinstance(item, dict):
            raise Reject(SORT_INVALID, _("sort is a list of attribute_name and sort_order."))
        name = SORTS[target].get(_name(item.get("attribute_name")))
        if name is None:
            raise Reject(
                SORT_INVALID,
                _("Cannot sort by %(name)s; use one of %(names)s.")
                % {"name": str(item.get("attribute_name"))[:50], "names": ", ".join(sorted(SORTS[target]))},
            )
        direction = str(item.get("sort_order") or "asc").strip().lower()
        if direction not in {"asc", "desc"}:
            raise Reject(SORT_INVALID, _("sort_order is asc or desc."))
        descending = name.startswith("-") != (direction == "desc")
        expression = F(name.lstrip("-"))
        order.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
    return [*order, "pk"]


def _entity(criteria: dict, default: str) -> str:
    value = criteria.get("response_entity")
    if not _present(value):
        return default
    entity = ENTITIES.get(_name(value))
    if entity is None:
        raise Reject(CRITERIA_INVALID, _("response_entity is Group or Member."))
    return entity


def _check_header_fields(criteria: dict) -> None:
    version = criteria.get("version")
    if _present(version) and not str(version).strip().startswith("1."):
        raise Reject(CRITERIA_INVALID, _("Only version 1.x of the search criteria is supported."))
    event = criteria.get("reg_event_type")
    if _present(event) and _name(event) not in EVENT_TYPES:
        raise Reject(CRITERIA_INVALID, _("Unknown reg_event_type; send REGISTER or leave it out."))
    reg_type = criteria.get("reg_type")
    if _present(reg_type) and "social" not in _name(reg_type):
        raise Reject(CRITERIA_INVALID, _("This is a social registry: reg_type must name it or be left out."))


def _idtype(query) -> tuple[str, str]:
    if not isinstance(query, dict) or not _present(query.get("type")) or "value" not in query:
        raise Reject(FILTER_INVALID, _("An idtype-value query is an object with type and value."))
    id_type = ID_TYPES.get(_name(query["type"]))
    if id_type is None:
        raise Reject(
            FILTER_INVALID, _("Unknown id type %(type)s; use NIK, KK or KUBE.") % {"type": str(query["type"])[:50]}
        )
    value = query["value"]
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Reject(FILTER_INVALID, _("An id value is a string."))
    if id_type == "KUBE":
        return id_type, str(_int(value, FILTER_INVALID, "KUBE id", 1, 2_000_000_000))
    number = clean_number(value)
    if not re.fullmatch(r"\d{16}", number):
        raise Reject(FILTER_INVALID, _("A NIK or a No. KK has 16 digits."))
    return id_type, number


def build_search(criteria, *, households: QuerySet, people: QuerySet, kubes: QuerySet) -> Search:
    """The search a search_criteria asks for, over querysets already limited to the client's areas."""
    if not isinstance(criteria, dict):
        raise Reject(CRITERIA_INVALID, _("search_criteria must be an object."))
    _check_header_fields(criteria)
    query_type = _name(criteria.get("query_type"))
    query = criteria.get("query")
    if query_type not in {"idtype_value", "predicate", "expression"}:
        raise Reject(CRITERIA_INVALID, _("query_type is idtype-value, predicate or expression."))
    if not _present(query):
        raise Reject(CRITERIA_INVALID, _("A search needs a query."))
    page_size, page_number = _pagination(criteria.get("pagination"))

    if query_type == "idtype_value":
        id_type, value = _idtype(query)
        entity = _entity(criteria, MEMBER if id_type == "NIK" else GROUP)
        kind = KUBE if id_type == "KUBE" and entity == GROUP else HOUSEHOLD
        if id_type == "NIK":
            people_found = people.filter(nik=value)
        elif id_type == "KK":
            by_kk = Q(household__no_kk=value) | Q(
                household_id__in=KkHistory.objects.filter(no_kk=value).values("household_id")
            )
            people_found = people.filter(by_kk)
        else:
            people_found = people.filter(
                pk__in=KubeMember.objects.filter(kube__in=kubes.filter(pk=int(value)), left_on__isnull=True).values(
                    "person_id"
                )
            )
        if entity == MEMBER:
            target, rows = MEMBER, people_found
        elif kind == KUBE:
            target, rows = KUBE, kubes.filter(pk=int(value))
        else:
            target, rows = HOUSEHOLD, households.filter(pk__in=people_found.values("household_id"))
        if id_type == "KK" and entity == GROUP:
            rows = households.filter(
                Q(no_kk=value) | Q(pk__in=KkHistory.objects.filter(no_kk=value).values("household_id"))
            )
        tree = None
    else:
        items = query
        if isinstance(query, dict):
            if isinstance(query.get("predicate"), list):
                items = query["predicate"]
            elif isinstance(query.get("expression"), list):
                items = query["expression"]
        if isinstance(items, list):
            tree = _predicate_tree(items)
            collection = None
        else:
            expression = query.get("value", {}).get("expression") if isinstance(query.get("value"), dict) else None
            expression = expression or query.get("expression") or query
            if not isinstance(expression, dict) or not isinstance(expression.get("query"), dict):
                raise Reject(FILTER_INVALID, _("A predicate query is a list of expressions."))
            tree = _mongo_tree(expression["query"])
            collection = expression.get("collection")
        default_entity = GROUP
        if _present(collection):
            default_entity = ENTITIES.get(_name(collection), GROUP)
        entity = _entity(criteria, default_entity)
        kind = _group_kind(tree, HOUSEHOLD) if entity == GROUP else HOUSEHOLD
        target = MEMBER if entity == MEMBER else kind
        rows = {MEMBER: people, HOUSEHOLD: households, KUBE: kubes}[target]

    if target == KUBE:
        active = KubeMember.objects.filter(kube=OuterRef("pk"), left_on__isnull=True).order_by().values("kube")
        size = Subquery(active.annotate(n=Count("pk")).values("n"), output_field=IntegerField())
    else:
        size = _live_size("household_id" if target == MEMBER else "pk")
    rows = rows.annotate(dci_group_size=Coalesce(size, Value(0)))
    if tree is not None:
        rows = rows.filter(_compile(tree, target))
    rows = rows.order_by(*_order(criteria.get("sort"), target))
    return Search(entity=entity, kind=kind, queryset=rows, page_size=page_size, page_number=page_number)
