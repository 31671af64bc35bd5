"""The DCI spec as a validator of what we send.

- Envelopes: the spec's own response schemas (paths ... responses/default, components/responses/HttpErrorResponse),
  every $ref resolved inside the document (including its refs into `paths` and into an `example`).
- Records: extension_social_Group.yaml and extension_social_Person.yaml give no schema, only `type: object` and an
  example; a record must be an object whose keys all appear in the example at the same place, with the example's
  JSON type (the examples' own slips, e.g. one member_identifier written as a string, are taken as alternatives).
"""

import functools
from pathlib import Path

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SPEC_DIR = Path("/work/shared/specs/dci")
if not SPEC_DIR.exists():  # a copy beside the repository (../shared)
    SPEC_DIR = Path(__file__).resolve().parents[3] / "shared" / "specs" / "dci"
ROOT = "urn:spdci:social_api_v1.0.0"


@functools.cache
def _load(name: str):
    return yaml.safe_load((SPEC_DIR / name).read_text(encoding="utf-8"))


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(ROOT, Resource.from_contents(_load("social_api_v1.0.0.yaml"), DRAFT7))


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


RESPONSES = {
    "search": _pointer(
        "paths", "/registry/sync/search", "post", "responses", "default", "content", "application/json", "schema"
    ),
    "txn-status": _pointer(
        "paths", "/registry/sync/txn/status", "post", "responses", "default", "content", "application/json", "schema"
    ),
    "http-error": _pointer("components", "responses", "HttpErrorResponse", "content", "application/json", "schema"),
}


def _validator(pointer: str) -> Draft7Validator:
    return Draft7Validator({"$ref": f"{ROOT}#/{pointer}"}, registry=_registry())


def errors_of(body, kind: str) -> list[str]:
    validator = _validator(RESPONSES[kind])
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]


def assert_valid_response(body, kind: str) -> None:
    errors = errors_of(body, kind)
    assert not errors, errors
    if kind == "search":
        for item in (body.get("message") or {}).get("search_response", []):
            for record in (item.get("data") or {}).get("reg_records", []):
                assert_record_shape(record)


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def _merge(examples: list):
    """The union of the examples at one place: types seen, and for objects the union of their keys."""
    types = {_json_type(e) for e in examples}
    keys: dict[str, list] = {}
    items: list = []
    for example in examples:
        if isinstance(example, dict):
            for key, value in example.items():
                keys.setdefault(key, []).append(value)
        elif isinstance(example, list):
            items.extend(example)
    return types, keys, items


def conforms(value, examples: list, path: str = "") -> list[str]:
    types, keys, items = _merge(examples)
    kind = _json_type(value)
    if kind not in types:
        return [f"{path or '/'}: {kind}, the example has {sorted(types)}"]
    problems = []
    if kind == "object" and path.endswith("@context"):
        return []
    if kind == "object":
        for key, sub in value.items():
            if key not in keys:
                problems.append(f"{path}/{key}: not in the example")
            else:
                problems += conforms(sub, keys[key], f"{path}/{key}")
    elif kind == "array" and path.endswith("additional_attributes"):
        return [] if all(isinstance(i, dict) for i in value) else [f"{path}: a list of name/value objects"]
    elif kind == "array":
        for index, sub in enumerate(value):
            problems += conforms(sub, items, f"{path}/{index}")
    return problems


def group_example() -> dict:
    return _load("extension_social_Group.yaml")["example"]


def person_example() -> dict:
    return _load("extension_social_Person.yaml")["example"]


def assert_record_shape(record: dict) -> None:
    """A Group record against the Group example, a Member record against the Person example."""
    example = group_example() if record.get("@type") == "spdci:Group" else person_example()
    problems = conforms(record, [example])
    assert not problems, problems
