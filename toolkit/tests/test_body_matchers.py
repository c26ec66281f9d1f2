"""Pact matchers built from an OpenAPI document: each rule, each refusal, and a real pact.

The specs here are synthetic, written to a temporary folder, so the rules are pinned by
schemas made for them and not by whatever the provider in this repository declares today.
"""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pact import Pact, match
from pact.match.matcher import IntegrationJSONEncoder

from contract_first.contracts import (
    DATE_REGEX,
    DATE_TIME_REGEX,
    EMAIL_REGEX,
    BodyMatcherError,
    ExampleMismatchError,
    OpenApiContract,
    UndeclaredFieldError,
    not_in_spec,
)
from contract_first.contracts.body_matchers import whole_value_regex

Document = dict[str, Any]
THING = "#/components/schemas/Thing"
UUID = "123e4567-e89b-12d3-a456-426614174000"


def ref(name: str) -> Document:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: Document) -> Document:
    return {"content": {"application/json": {"schema": schema}}, "description": "ok"}


SCHEMAS: Document = {
    "Thing": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "integer", "exclusiveMinimum": 0},
            "name": {"type": "string"},
            "price": {"type": "number"},
            "active": {"type": "boolean"},
            "owner_email": {"type": "string", "format": "email"},
            "created_at": {"type": "string", "format": "date-time"},
            "due": {"type": "string", "format": "date"},
            "uid": {"type": "string", "format": "uuid"},
            "kind": {"type": "string", "enum": ["tool", "toy.box", "a|b"]},
            "level": {"type": "integer", "enum": [1, 2, 3]},
            "version": {"const": "v1"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}-\\d+$"},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "closed_at": {"anyOf": [{"$ref": "#/components/schemas/Stamp"}, {"type": "null"}]},
            "nickname": {"type": ["string", "null"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "parts": {"type": "array", "minItems": 2, "items": ref("Part")},
            "owner": ref("Owner"),
            "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
            "extra": {"type": "object"},
            "sealed": {
                "type": "object",
                "properties": {"a": {"type": "string"}},
                "additionalProperties": False,
            },
        },
    },
    "Stamp": {"type": "string", "format": "date-time"},
    "Part": {
        "type": "object",
        "required": ["sku"],
        "properties": {"sku": {"type": "string"}, "count": {"type": "integer"}},
    },
    "Named": {"type": "object", "properties": {"name": {"type": "string"}}},
    "Owner": {
        "allOf": [
            ref("Named"),
            {"type": "object", "properties": {"email": {"type": "string", "format": "email"}}},
        ]
    },
    "NewThing": {
        "type": "object",
        "required": ["name", "kind"],
        "properties": {"name": {"type": "string"}, "kind": {"enum": ["tool", "toy"]}},
    },
    "Cat": {
        "type": "object",
        "properties": {"kind": {"const": "cat"}, "meows": {"type": "boolean"}},
    },
    "Dog": {
        "type": "object",
        "properties": {"kind": {"const": "dog"}, "barks": {"type": "boolean"}},
    },
    "Problem": {"type": "object", "properties": {"title": {"type": "string"}}},
}

PATHS: Document = {
    "/things": {
        "get": {
            "operationId": "list_things",
            "responses": {"200": json_body({"type": "array", "items": ref("Thing")})},
        },
        "post": {
            "operationId": "create_thing",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("NewThing")}},
            },
            "responses": {"201": json_body(ref("Thing"))},
        },
    },
    "/things/{thing_id}": {
        "get": {
            "operationId": "get_thing",
            "responses": {
                "200": json_body(ref("Thing")),
                "404": {"$ref": "#/components/responses/NotFound"},
                "4XX": {
                    "description": "a problem",
                    "content": {
                        "text/plain": {"schema": {"type": "string"}},
                        "application/problem+json": {"schema": ref("Problem")},
                    },
                },
            },
        },
        "delete": {"operationId": "delete_thing", "responses": {"204": {"description": "gone"}}},
    },
    "/pets/{pet_id}": {
        "get": {
            "operationId": "get_pet",
            "responses": {"200": json_body({"oneOf": [ref("Cat"), ref("Dog")]})},
        }
    },
}


@pytest.fixture
def spec(tmp_path: Path) -> OpenApiContract:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "things-service", "version": "1"},
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "responses": {"NotFound": json_body(ref("Problem"))},
        },
    }
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return OpenApiContract.load(path)


def wire(body: object) -> Any:
    """The body as pact-python hands it to pact's core (integration JSON)."""
    return json.loads(json.dumps(body, cls=IntegrationJSONEncoder))


def thing(spec: OpenApiContract, **fields: object) -> Any:
    """The integration JSON of a 200 ``get_thing`` response naming ``fields``."""
    return wire(spec.response_body("get_thing", 200, dict(fields)))


# The rules: one matcher per kind of schema.


def test_plain_types_get_type_matchers(spec: OpenApiContract) -> None:
    body = thing(spec, id=7, name="hammer", price=9, active=True)

    assert body == {
        "id": {"pact:matcher:type": "integer", "value": 7},
        "name": {"pact:matcher:type": "type", "value": "hammer"},
        "price": {"pact:matcher:type": "number", "value": 9},
        "active": {"pact:matcher:type": "boolean", "value": True},
    }


def test_a_fractional_number_is_a_number_and_a_whole_float_for_an_integer_is_an_int(
    spec: OpenApiContract,
) -> None:
    body = thing(spec, id=7.0, price=9.5)

    assert body["id"] == {"pact:matcher:type": "integer", "value": 7}
    assert body["price"] == {"pact:matcher:type": "number", "value": 9.5}


@pytest.mark.parametrize(
    ("field", "value", "regex"),
    [
        ("owner_email", "ada@example.com", EMAIL_REGEX),
        ("created_at", "2024-07-20T14:30:00.123+02:00", DATE_TIME_REGEX),
        ("created_at", "2024-07-20T14:30:00Z", DATE_TIME_REGEX),
        ("due", "2024-07-20", DATE_REGEX),
        ("code", "ABC-12", "^[A-Z]{3}-\\d+$"),  # the spec's own pattern, as written
    ],
)
def test_formats_and_patterns_get_regex_matchers(
    spec: OpenApiContract, field: str, value: str, regex: str
) -> None:
    assert thing(spec, **{field: value})[field] == {
        "pact:matcher:type": "regex",
        "value": value,
        "regex": regex,
    }


def test_a_uuid_gets_pacts_uuid_matcher(spec: OpenApiContract) -> None:
    body = thing(spec, uid=UUID)

    assert body["uid"] == wire(match.uuid(UUID))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("owner_email", "ada-at-example.com"),
        ("created_at", "2024-07-20 14:30"),
        ("created_at", "2024-07-20T14:30:00"),  # RFC 3339 needs an offset
        ("due", "20 July 2024"),
        ("uid", "not-a-uuid"),
    ],
)
def test_an_example_that_breaks_its_format_is_refused(
    spec: OpenApiContract, field: str, value: str
) -> None:
    with pytest.raises(ExampleMismatchError, match=f"at \\$.{field} .*properties/{field}/format"):
        thing(spec, **{field: value})


def test_a_string_enum_is_a_regex_of_its_escaped_alternatives(spec: OpenApiContract) -> None:
    body = thing(spec, kind="toy.box")

    assert body["kind"] == {
        "pact:matcher:type": "regex",
        "value": "toy.box",
        "regex": r"^(tool|toy\.box|a\|b)$",
    }


def test_an_integer_enum_is_the_type_and_the_alternatives_with_the_example_kept(
    spec: OpenApiContract,
) -> None:
    body = thing(spec, level=2)

    assert body["level"] == {
        "pact:matcher:type": [
            {"pact:matcher:type": "integer", "value": 2},
            {"pact:matcher:type": "regex", "value": "2", "regex": "^(1|2|3)$"},
        ],
        "value": 2,
    }


def test_a_const_is_matched_by_equality(spec: OpenApiContract) -> None:
    assert thing(spec, version="v1")["version"] == {"pact:matcher:type": "equality", "value": "v1"}


def test_a_nullable_field_gets_the_matcher_of_its_example(spec: OpenApiContract) -> None:
    """Through ``anyOf`` (even to a ``$ref``) or a type list: the null branch drops out."""
    body = thing(spec, note="fragile", closed_at="2024-07-20T14:30:00Z", nickname="ham")

    assert body["note"] == {"pact:matcher:type": "type", "value": "fragile"}
    assert body["closed_at"]["regex"] == DATE_TIME_REGEX
    assert body["nickname"] == {"pact:matcher:type": "type", "value": "ham"}


def test_a_null_example_pins_null(spec: OpenApiContract) -> None:
    """Pact has no "string or null" matcher: null is a state of its own, pinned as null."""
    body = thing(spec, note=None, nickname=None)

    assert body == {
        "note": {"pact:matcher:type": "null"},
        "nickname": {"pact:matcher:type": "null"},
    }


def test_a_null_example_for_a_field_that_is_never_null_is_refused(spec: OpenApiContract) -> None:
    with pytest.raises(ExampleMismatchError, match=r"\$\.name .*None is not of type 'string'"):
        thing(spec, name=None)


def test_arrays_are_each_like_their_one_element_with_min_items(spec: OpenApiContract) -> None:
    body = thing(spec, tags=["red"], parts=[{"sku": "H-1", "count": 2}])

    assert body["tags"] == {
        "pact:matcher:type": "type",
        "value": [{"pact:matcher:type": "type", "value": "red"}],
        "min": 1,
        "max": None,
    }
    assert body["parts"] == {
        "pact:matcher:type": "type",
        "value": [
            {
                "sku": {"pact:matcher:type": "type", "value": "H-1"},
                "count": {"pact:matcher:type": "integer", "value": 2},
            }
        ],
        "min": 2,
        "max": None,
    }


@pytest.mark.parametrize("elements", [[], ["red", "blue"]])
def test_an_array_example_needs_exactly_one_element(
    spec: OpenApiContract, elements: list[str]
) -> None:
    with pytest.raises(
        BodyMatcherError, match=r"\$\.tags has \d example elements; give exactly one"
    ):
        thing(spec, tags=elements)


def test_a_top_level_array_is_each_like_too(spec: OpenApiContract) -> None:
    body = wire(spec.response_body("list_things", 200, [{"id": 1}]))

    assert body == {
        "pact:matcher:type": "type",
        "value": [{"id": {"pact:matcher:type": "integer", "value": 1}}],
        "min": 1,
        "max": None,
    }


def test_nested_objects_through_ref_and_all_of(spec: OpenApiContract) -> None:
    body = thing(spec, owner={"name": "Ada", "email": "ada@example.com"})

    assert body["owner"] == {
        "name": {"pact:matcher:type": "type", "value": "Ada"},
        "email": {"pact:matcher:type": "regex", "value": "ada@example.com", "regex": EMAIL_REGEX},
    }


def test_fields_admitted_by_additional_properties_are_typed_from_them(
    spec: OpenApiContract,
) -> None:
    body = thing(spec, labels={"weight": 3}, extra={"anything": "goes", "n": 1.5})

    assert body["labels"] == {"weight": {"pact:matcher:type": "integer", "value": 3}}
    assert body["extra"] == {
        "anything": {"pact:matcher:type": "type", "value": "goes"},
        "n": {"pact:matcher:type": "number", "value": 1.5},
    }


def test_one_of_follows_the_branch_the_example_fits(spec: OpenApiContract) -> None:
    body = wire(spec.response_body("get_pet", 200, {"kind": "cat", "meows": True}))

    assert body == {
        "kind": {"pact:matcher:type": "equality", "value": "cat"},
        "meows": {"pact:matcher:type": "boolean", "value": True},
    }
    with pytest.raises(UndeclaredFieldError, match="Cat/properties"):
        spec.response_body("get_pet", 200, {"kind": "cat", "barks": True})


def test_fields_the_consumer_does_not_name_are_left_out(spec: OpenApiContract) -> None:
    """A response example may leave out required fields: the consumer pins what it reads."""
    assert list(thing(spec, name="hammer")) == ["name"]


# Examples that do not fit.


def test_an_example_of_the_wrong_type_names_the_field_and_its_schema(
    spec: OpenApiContract,
) -> None:
    with pytest.raises(ExampleMismatchError) as raised:
        thing(spec, parts=[{"sku": 12}])

    assert str(raised.value) == (
        "get_thing (GET /things/{thing_id}) 200 response: the example does not fit the spec "
        "at $.parts[*].sku (#/components/schemas/Part/properties/sku): "
        "12 is not of type 'string'"
    )


def test_an_example_outside_the_spec_constraints_is_refused(spec: OpenApiContract) -> None:
    with pytest.raises(ExampleMismatchError, match=r"\$\.id .*0 is less than or equal"):
        thing(spec, id=0)
    with pytest.raises(ExampleMismatchError, match=r"\$\.kind .*'drill' is not one of"):
        thing(spec, kind="drill")


# Request bodies.


def test_a_request_body_is_typed_the_same_way(spec: OpenApiContract) -> None:
    body = wire(spec.request_body("create_thing", {"name": "hammer", "kind": "tool"}))

    assert body == {
        "name": {"pact:matcher:type": "type", "value": "hammer"},
        "kind": {"pact:matcher:type": "regex", "value": "tool", "regex": "^(tool|toy)$"},
    }


def test_a_request_body_must_carry_every_required_field(spec: OpenApiContract) -> None:
    """The provider rejects a body without them, so a pact must not promise it works."""
    with pytest.raises(ExampleMismatchError, match="'kind' is a required property"):
        spec.request_body("create_thing", {"name": "hammer"})


def test_a_request_body_field_the_spec_does_not_declare_is_refused(
    spec: OpenApiContract,
) -> None:
    with pytest.raises(UndeclaredFieldError, match=r"request body: \$\.colour is not declared"):
        spec.request_body("create_thing", {"name": "hammer", "kind": "tool", "colour": "red"})


def test_an_operation_without_a_request_body_refuses_one(spec: OpenApiContract) -> None:
    with pytest.raises(BodyMatcherError, match=r"get_thing .* takes no request body"):
        spec.request_body("get_thing", {"name": "hammer"})


# The refusal, and not_in_spec.


def test_a_field_the_spec_does_not_declare_is_refused(spec: OpenApiContract) -> None:
    with pytest.raises(UndeclaredFieldError) as raised:
        thing(spec, id=1, colour="red")

    error = raised.value
    assert (error.field, error.operation, error.location) == (
        "$.colour",
        "get_thing",
        f"{THING}/properties",
    )
    assert str(error) == (
        "get_thing (GET /things/{thing_id}) 200 response: $.colour is not declared by the spec "
        f"({THING}/properties). Pin only what the spec promises; if the provider is to add it "
        '(consumer first), mark it: "colour": not_in_spec(match.str(...)), and '
        "check-pacts-against-spec reports it (PACT004) until the spec declares it"
    )


@pytest.mark.parametrize(
    ("fields", "field", "location"),
    [
        ({"parts": [{"sku": "H-1", "colour": "red"}]}, "$.parts[*].colour", "Part/properties"),
        ({"sealed": {"b": "x"}}, "$.sealed.b", "Thing/properties/sealed/properties"),
        ({"owner": {"phone": "1"}}, "$.owner.phone", "Named/properties"),  # allOf's first
    ],
)
def test_undeclared_fields_are_refused_at_any_depth(
    spec: OpenApiContract, fields: dict[str, object], field: str, location: str
) -> None:
    with pytest.raises(UndeclaredFieldError) as raised:
        thing(spec, **fields)

    assert raised.value.field == field
    assert raised.value.location == f"#/components/schemas/{location}"


def test_a_field_marked_not_in_spec_goes_in_as_given(spec: OpenApiContract) -> None:
    body = thing(spec, id=1, colour=not_in_spec(match.str("red")))

    assert body == {
        "id": {"pact:matcher:type": "integer", "value": 1},
        "colour": {"pact:matcher:type": "type", "value": "red"},
    }


def test_not_in_spec_is_refused_once_the_spec_declares_the_field(spec: OpenApiContract) -> None:
    with pytest.raises(
        BodyMatcherError,
        match=rf"\$\.name is marked not_in_spec\(\) but the spec has it now \({THING}/properties/",
    ):
        thing(spec, name=not_in_spec(match.str("hammer")))
    with pytest.raises(
        BodyMatcherError,
        match=r"\$\.extra\.x is marked not_in_spec\(\) .*Thing/properties/extra admits any field",
    ):
        thing(spec, extra={"x": not_in_spec(1)})


def test_not_in_spec_marks_only_fields_of_objects(spec: OpenApiContract) -> None:
    with pytest.raises(BodyMatcherError, match=r"\$\.tags\[\*\] is not one"):
        thing(spec, tags=[not_in_spec("red")])


# The consumer's own matchers.


def test_a_matcher_the_consumer_gives_for_a_declared_field_is_kept(
    spec: OpenApiContract,
) -> None:
    """Tighter than the spec is the consumer's call; its example is still checked."""
    stricter = match.regex("hammer", regex="^h")

    assert thing(spec, name=stricter)["name"] == wire(stricter)
    with pytest.raises(ExampleMismatchError, match=r"\$\.id .*'seven' is not of type 'integer'"):
        thing(spec, id=match.str("seven"))


def test_a_matcher_without_an_example_is_refused(spec: OpenApiContract) -> None:
    with pytest.raises(BodyMatcherError, match=r"matcher at \$\.tags has no example value"):
        thing(spec, tags=match.array_containing(["red"]))


# Which body.


def test_an_unknown_operation_lists_the_ones_there_are(spec: OpenApiContract) -> None:
    with pytest.raises(BodyMatcherError, match=r"no operation 'get_thingy' \(operationIds: "):
        spec.response_body("get_thingy", 200, {})


def test_an_undeclared_status_lists_the_declared_ones(spec: OpenApiContract) -> None:
    with pytest.raises(BodyMatcherError, match=r"201 response: not declared \(declared: 200,"):
        spec.response_body("get_thing", 201, {})


def test_a_status_falls_back_to_its_range_and_references_are_followed(
    spec: OpenApiContract,
) -> None:
    """404 is a ``$ref`` to a shared response; 409 falls under ``4XX``'s problem+json."""
    for status in (404, 409):
        body = wire(spec.response_body("get_thing", status, {"title": "no"}))
        assert body == {"title": {"pact:matcher:type": "type", "value": "no"}}
    chosen = spec.response_body(
        "get_thing", 409, {"title": "no"}, content_type="application/problem+json; charset=utf-8"
    )
    assert wire(chosen) == {"title": {"pact:matcher:type": "type", "value": "no"}}


def test_a_response_without_a_json_body_is_refused(spec: OpenApiContract) -> None:
    with pytest.raises(BodyMatcherError, match=r"204 response: no JSON body is declared"):
        spec.response_body("delete_thing", 204, {})
    with pytest.raises(BodyMatcherError, match=r"no JSON body of type text/plain"):
        spec.response_body("get_thing", 409, "no", content_type="text/plain")


# A real pact, written by pact-python from these matchers.


def test_the_matchers_make_a_pact_with_the_rules_the_spec_implies(tmp_path: Path) -> None:
    spec_path = tmp_path / "openapi.json"
    spec_path.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "things-service", "version": "1"},
                "paths": PATHS,
                "components": {"schemas": SCHEMAS},
            }
        ),
        encoding="utf-8",
    )
    spec = OpenApiContract.load(spec_path)
    request = spec.request_body("create_thing", {"name": "hammer", "kind": "tool"})
    response = spec.response_body(
        "create_thing",
        201,
        {
            "id": 7,
            "owner_email": "ada@example.com",
            "level": 2,
            "note": None,
            "parts": [{"sku": "H-1"}],
            "colour": not_in_spec(match.str("red")),
        },
    )
    pact = Pact("body-matchers-consumer", "things-service").with_specification("V4")
    (
        pact.upon_receiving("a new thing")
        .with_request("POST", "/things")
        .with_body(request, content_type="application/json")
        .will_respond_with(201)
        .with_body(response, content_type="application/json")
    )

    with pact.serve() as server:
        served = httpx.post(f"{server.url}/things", json={"name": "nail", "kind": "toy"})
    pact.write_file(tmp_path)

    assert served.status_code == 201
    assert served.json() == {
        "id": 7,
        "owner_email": "ada@example.com",
        "level": 2,  # the example survives the combined matcher
        "note": None,
        "parts": [{"sku": "H-1"}],
        "colour": "red",
    }
    written = json.loads((tmp_path / "body-matchers-consumer-things-service.json").read_text())
    (interaction,) = written["interactions"]
    assert rules(interaction["request"]) == {
        "$.name": [{"match": "type"}],
        "$.kind": [{"match": "regex", "regex": "^(tool|toy)$"}],
    }
    assert rules(interaction["response"]) == {
        "$.id": [{"match": "integer"}],
        "$.owner_email": [{"match": "regex", "regex": EMAIL_REGEX}],
        "$.level": [{"match": "integer"}, {"match": "regex", "regex": "^(1|2|3)$"}],
        "$.note": [{"match": "null"}],
        "$.parts": [{"match": "type", "min": 2}],
        "$.parts[*].sku": [{"match": "type"}],
        "$.colour": [{"match": "type"}],
    }


def rules(part: Document) -> dict[str, list[Document]]:
    return {
        path: rule["matchers"]
        for path, rule in part.get("matchingRules", {}).get("body", {}).items()
    }


def test_an_unanchored_pattern_is_searched_for_as_json_schema_does() -> None:
    assert whole_value_regex("^[A-Z]{3}-\\d+$") == "^[A-Z]{3}-\\d+$"
    assert whole_value_regex("[^\\s]") == "[\\s\\S]*(?:[^\\s])[\\s\\S]*"
    assert whole_value_regex("^a|b$") == "[\\s\\S]*(?:^a|b$)[\\s\\S]*"
