"""Pact matchers for a request or response body, typed from the provider's OpenAPI document.

Hand-written matchers drift from the spec: ``match.str`` on a field the spec calls an integer,
a regex the spec never promised, a field the provider does not have. Nothing says so until a
provider build fails. Here a consumer's pact test names the fields it reads, each with an
example value, and the spec decides the matcher::

    spec = OpenApiContract.load("openapi/openapi.json")
    body = spec.response_body("get_user", 200, {"id": 123, "name": "Alan Turing"})
    pact.upon_receiving(...).will_respond_with(200).with_body(body, "application/json")

The example is checked against the schema first (a response example may leave out required
fields: the consumer pins only what it reads; a request example may not: the provider would
reject it). Then, field by field, through ``$ref``, ``allOf`` and the ``anyOf``/``oneOf``
branches the example fits:

================================  =================================================
the schema says                   the matcher
================================  =================================================
``const``                         equality with the example
``enum``                          a regex of the alternatives (escaped); for numbers
                                  and booleans, also the type
``integer`` / ``number``          ``match.int`` / ``match.number``
``boolean``                       ``match.bool``
``string``                        ``match.str``, unless one of these applies:
``pattern``                       ``match.regex`` with the spec's own pattern
``format: email``                 ``match.regex`` with ``EMAIL_REGEX``
``format: date-time`` / ``date``  ``match.regex`` with an RFC 3339 pattern (JSON
                                  Schema's definition of these formats)
``format: uuid``                  ``match.uuid``
(several of those)                all of them, on one value; other formats: by type
``array``                         ``match.each_like`` of its one example element,
                                  ``min`` = ``minItems`` (at least 1)
``object``                        the named fields, each by these rules
nullable (``anyOf`` with null,    the matcher of the example's type; a null example
``type: [..., "null"]``)          gets ``match.none()``
================================  =================================================

Null: Pact has no "this type or null" matcher, so a nullable field is pinned as what the
example is. A consumer that handles both writes two interactions, one per provider state
(Pact's advice for optional values), and ``check-pacts-against-spec`` still holds every
relied-on response field to required and non-null (PACT006, PACT007): the spec's owner
decides whether to promise it.

A field the spec does not declare is refused (``UndeclaredFieldError``): a pact must not ask
for what the provider never promised. The consumer-first flow stays open by saying so out
loud: ``not_in_spec(match.str("al"))`` is used as given, and the spec check reports it
(PACT004) until the provider declares it; once declared, the marker is refused as stale. A
pact matcher the consumer gives for a declared field is kept, its example value checked
against the field's schema: the way to pin more than the spec promises, never something else.
"""

import json
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import best_match
from pact import match
from pact.match.matcher import AbstractMatcher, AndMatcher, GenericMatcher
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from contract_first.errors import UsageError
from contract_first.gates.openapi_spec import (
    METHODS,
    SPEC_URI,
    OpenApiSpec,
    SpecInputError,
    escape,
    not_checked,
)
from contract_first.pact_file import FieldPath, format_field_path

# What ``with_body`` takes: an object's fields (values and matchers), or one matcher.
Body = dict[str, Any] | AbstractMatcher[Any]
Shapes = list[tuple[str, dict[str, Any]]]

# The same test of an address as the consumer's own: something@something.something.
EMAIL_REGEX = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# RFC 3339 ``date-time`` and ``full-date``, as JSON Schema defines the formats.
DATE_TIME_REGEX = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
DATE_REGEX = r"^\d{4}-\d{2}-\d{2}$"
FORMAT_REGEXES = {"email": EMAIL_REGEX, "date-time": DATE_TIME_REGEX, "date": DATE_REGEX}
# Characters special to the regex dialects a verifier may use (Rust, Java, JavaScript).
_REGEX_SPECIAL = re.compile(r"([\\.^$|?*+()\[\]{}])")


# An array's example is the one element each_like repeats: its ``minItems`` goes into the
# matcher, not into the example. A response example may also leave out required fields.
_RequestExample = validators.extend(  # type: ignore[no-untyped-call]  # untyped in the stubs
    Draft202012Validator, {"minItems": not_checked}
)
_ResponseExample = validators.extend(  # type: ignore[no-untyped-call]  # untyped in the stubs
    Draft202012Validator, {"minItems": not_checked, "required": not_checked}
)


class BodyMatcherError(UsageError):
    """No matchers can be built: unknown operation, no such body, or an example that is wrong."""


class ExampleMismatchError(BodyMatcherError):
    """The consumer's example does not fit the schema: the pact would promise nothing real."""


class UndeclaredFieldError(BodyMatcherError):
    """The consumer names a field the spec does not declare, and did not mark it."""

    def __init__(self, message: str, *, field: str, operation: str, location: str) -> None:
        super().__init__(message)
        self.field = field
        self.operation = operation
        self.location = location


@dataclass(frozen=True)
class NotInSpec:
    """A field the consumer needs before the provider declares it: see ``not_in_spec``."""

    value: Any


def whole_value_regex(pattern: str) -> str:
    """The spec's ``pattern`` as Pact applies a regex: to the whole value.

    JSON Schema searches (a class of non-spaces means "has a non-space somewhere"); Pact's
    matchers match the whole string. An anchored ``^...$`` pattern means the same to both
    and stays as written; any other is wrapped so that Pact searches too.
    """
    if pattern.startswith("^") and pattern.endswith("$") and "|" not in pattern:
        return pattern
    return rf"[\s\S]*(?:{pattern})[\s\S]*"  # no inline flags: pact's regexes refuse `(?s)`


def not_in_spec(value: object) -> NotInSpec:
    """Mark a field the spec does not declare yet; its value (a matcher) goes in as given.

    This is the consumer-first flow: the pact asks for the field, the provider learns it from
    the pact, and ``check-pacts-against-spec`` reports it (PACT004) until the spec declares it.
    The marker is refused once the spec declares the field, so it never outlives its reason.
    """
    return NotInSpec(value)


@dataclass(frozen=True)
class _Body:
    """One body in the spec: whose it is (for messages), its schema, how examples are read."""

    label: str
    operation: str
    schema: str
    partial: bool  # a response example may leave out required fields


class OpenApiContract:
    """A provider's OpenAPI 3.1 document, asked for the matchers of one body at a time."""

    def __init__(self, spec: OpenApiSpec) -> None:
        self.spec = spec
        resource = DRAFT202012.create_resource(spec.document)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "OpenApiContract":
        """Read the document; raise ``SpecInputError`` when it is not usable OpenAPI 3.1."""
        return cls(OpenApiSpec.load(Path(path)))

    def response_body(
        self, operation_id: str, status: int, example: object, *, content_type: str | None = None
    ) -> Body:
        """Matchers for the fields of ``example`` in the ``status`` response of the operation.

        Fields the example leaves out are not pinned: name only what the consumer reads.
        ``content_type`` picks among several JSON media types (default: the first declared).
        """
        operation, where = self._operation(operation_id)
        response = self.spec.response_pointer(operation, status)
        label = f"{operation_id} ({where}) {status} response"
        if response is None:
            declared = ", ".join(self.spec.at(operation).get("responses", {})) or "none"
            raise BodyMatcherError(f"{label}: not declared (declared: {declared})")
        body = _Body(label, operation_id, self._schema(label, response, content_type), True)
        return _Builder(self, body).build(example)

    def request_body(
        self, operation_id: str, example: object, *, content_type: str | None = None
    ) -> Body:
        """Matchers for the request body ``example``, which must be all the consumer sends.

        Pact compares request bodies as closed objects, and the provider rejects a body that
        lacks a required field, so the example is checked with ``required`` in force.
        """
        operation, where = self._operation(operation_id)
        label = f"{operation_id} ({where}) request body"
        if "requestBody" not in self.spec.at(operation):
            raise BodyMatcherError(f"{label}: the operation takes no request body")
        schema = self._schema(label, f"{operation}/requestBody", content_type)
        return _Builder(self, _Body(label, operation_id, schema, False)).build(example)

    def _operation(self, operation_id: str) -> tuple[str, str]:
        """The operation's pointer and ``METHOD /path``; the error lists the ids there are."""
        known: list[str] = []
        for template in self.spec.document.get("paths", {}):
            item_pointer, item = self.spec.dereference(f"#/paths/{escape(template)}")
            if not isinstance(item, dict):
                continue
            for method in METHODS:
                found = item.get(method)
                if not isinstance(found, dict) or "operationId" not in found:
                    continue
                if found["operationId"] == operation_id:
                    return f"{item_pointer}/{method}", f"{method.upper()} {template}"
                known.append(str(found["operationId"]))
        raise BodyMatcherError(
            f"{self.spec.source} has no operation {operation_id!r} "
            f"(operationIds: {', '.join(sorted(known)) or 'none'})"
        )

    def _schema(self, label: str, pointer: str, content_type: str | None) -> str:
        """The schema of the body's JSON media type (``content_type``, else the first)."""
        pointer, declared = self.spec.dereference(pointer)
        content = declared.get("content", {})
        media_types = [media for media in content if _is_json(media)]
        if content_type is not None:
            wanted = _base(content_type)
            media_types = [media for media in media_types if _base(media) == wanted]
        if not media_types:
            shown = ", ".join(content) or "no body"
            raise BodyMatcherError(
                f"{label}: no JSON body{f' of type {content_type}' if content_type else ''} is "
                f"declared at {pointer} (declared: {shown})"
            )
        media = next((m for m in media_types if _base(m) == "application/json"), media_types[0])
        if "schema" not in content[media]:
            raise BodyMatcherError(f"{label}: {pointer}/content/{escape(media)} has no schema")
        return f"{pointer}/content/{escape(media)}/schema"


class _Builder:
    """Builds one body's matchers, walking the example and its schema together."""

    def __init__(self, contract: OpenApiContract, body: _Body) -> None:
        self.spec = contract.spec
        self.registry = contract.registry
        self.body = body

    def build(self, example: object) -> Body:
        plain = self._plain(example, ())
        # A field a closed object does not admit is refused by the walk below, which says how
        # to mark it; every other misfit is reported here, where the walk could not make sense.
        errors = [
            error
            for error in self._errors(self.body.schema, plain)
            if error.validator not in ("additionalProperties", "unevaluatedProperties")
        ]
        if errors:
            error = best_match(errors)
            path = tuple(None if isinstance(p, int) else str(p) for p in error.absolute_path)
            raise ExampleMismatchError(
                f"{self.body.label}: the example does not fit the spec at "
                f"{format_field_path(path)} ({self._locate(list(error.absolute_path), plain)}): "
                f"{error.message}"
            )
        built = self._value([self.body.schema], example, ())
        if isinstance(built, dict | AbstractMatcher):
            return built
        return GenericMatcher("equality", value=built)  # a top-level const

    def _value(self, pointers: list[str] | None, value: object, path: FieldPath) -> object:
        """The matcher for ``value`` under the schemas at ``pointers`` (``None``: any value)."""
        if isinstance(value, NotInSpec):
            raise self._misplaced_marker(path)
        if isinstance(value, AbstractMatcher):
            return value  # the consumer's own; its example was checked with the whole body
        shapes = None if pointers is None else self._applicable(pointers, self._plain(value, path))
        if shapes is not None and any("const" in shape for _, shape in shapes):
            return GenericMatcher("equality", value=value)
        if value is None:
            return match.none()
        if isinstance(value, dict):
            return self._object(shapes, value, path)
        if isinstance(value, list):
            return self._array(shapes, value, path)
        return self._scalar(shapes or [], value, path)

    def _object(
        self, shapes: Shapes | None, value: dict[object, object], path: FieldPath
    ) -> dict[str, object]:
        fields: dict[str, object] = {}
        for name, child in value.items():
            here = (*path, str(name))
            declared, pointers = _field(shapes, str(name))
            if isinstance(child, NotInSpec):
                if declared:
                    raise BodyMatcherError(
                        f"{self.body.label}: {format_field_path(here)} is marked not_in_spec() "
                        f"but the spec has it now ({self._where(shapes, pointers)}): drop the "
                        "marker, so its matcher comes from the spec"
                    )
                fields[str(name)] = child.value
                continue
            if not declared:
                raise self._undeclared(shapes or [], here)
            fields[str(name)] = self._value(pointers, child, here)
        return fields

    def _array(
        self, shapes: Shapes | None, value: list[object], path: FieldPath
    ) -> AbstractMatcher[Any]:
        shown = format_field_path(path)
        if len(value) != 1:
            raise BodyMatcherError(
                f"{self.body.label}: {shown} has {len(value)} example elements; give exactly "
                "one: each_like checks every element the provider sends against it, and the "
                "spec's minItems decides how many there must be"
            )
        items: list[str] | None = None
        minimum = 1
        if shapes is not None:
            found = [f"{p}/items" for p, shape in shapes if isinstance(shape.get("items"), dict)]
            items = found or None
            minimum = max([1, *(int(s["minItems"]) for _, s in shapes if "minItems" in s)])
        return match.each_like(self._value(items, value[0], (*path, None)), min=minimum)

    def _scalar(self, shapes: Shapes, value: object, path: FieldPath) -> AbstractMatcher[Any]:
        kinds = _kinds(shapes)
        if isinstance(value, str):
            return self._string(shapes, value, path)
        if isinstance(value, bool):
            typed: AbstractMatcher[Any] = match.bool(value)
        elif isinstance(value, int):
            # An integer, unless the spec says only "number": the provider may send 1.5.
            only_number = "number" in kinds and "integer" not in kinds
            typed = match.number(value) if only_number else match.int(value)
        elif isinstance(value, float | Decimal):
            # 3.0 where the spec says "integer" is the integer 3, as JSON Schema counts it.
            only_integer = "integer" in kinds and "number" not in kinds
            whole = value == int(value)
            typed = match.int(int(value)) if only_integer and whole else match.number(value)
        else:
            raise BodyMatcherError(
                f"{self.body.label}: {format_field_path(path)} = {value!r} is not a JSON value"
            )
        alternatives = _enum(shapes, value)
        if alternatives is None:
            return typed
        text = json.dumps(value, default=str)
        return _AllOf(typed, match.regex(text, regex=alternatives), value=value)

    def _string(self, shapes: Shapes, value: str, path: FieldPath) -> AbstractMatcher[Any]:
        alternatives = _enum(shapes, value)
        if alternatives is not None:
            return match.regex(value, regex=alternatives)
        matchers: list[AbstractMatcher[Any]] = [
            match.regex(value, regex=whole_value_regex(str(shape["pattern"])))
            for _, shape in shapes
            if "pattern" in shape
        ]
        for pointer, shape in shapes:
            kind = shape.get("format")
            if kind == "uuid":
                matchers.append(match.uuid(value))
            elif kind in FORMAT_REGEXES:
                matchers.append(match.regex(value, regex=FORMAT_REGEXES[kind]))
            else:
                continue
            regex = str(matchers[-1].to_matching_rule()["regex"])
            if not re.search(regex, value):
                raise ExampleMismatchError(
                    f"{self.body.label}: the example does not fit the spec at "
                    f"{format_field_path(path)} ({pointer}/format): {value!r} is not a "
                    f"{kind} (matched by {regex})"
                )
        if not matchers:
            return match.str(value)
        if len(matchers) == 1:
            return matchers[0]
        return _AllOf(*matchers, value=value)

    def _applicable(self, pointers: list[str], value: object) -> Shapes:
        """The schemas that describe ``value``, so a nullable string's null branch drops out.

        Followed: ``$ref``, every ``allOf``, and the ``anyOf``/``oneOf`` branches it fits.
        """
        found: Shapes = []
        pending, seen = list(pointers), set()
        while pending:
            pointer, schema = self.spec.dereference(pending.pop(0))
            if pointer in seen or not isinstance(schema, dict):
                continue
            seen.add(pointer)
            found.append((pointer, schema))
            pending += [f"{pointer}/allOf/{i}" for i in range(len(schema.get("allOf", ())))]
            for keyword in ("anyOf", "oneOf"):
                for index in range(len(schema.get(keyword, ()))):
                    branch = f"{pointer}/{keyword}/{index}"
                    if not self._errors(branch, value):
                        pending.append(branch)
        return found

    def _errors(self, pointer: str, example: object) -> list[ValidationError]:
        """What is wrong with ``example`` under the schema at ``pointer``, read as an example."""
        kind = _ResponseExample if self.body.partial else _RequestExample
        validator = kind({"$ref": SPEC_URI + quote(pointer, safe="#/~")}, registry=self.registry)
        try:
            return list(validator.iter_errors(example))
        except Unresolvable as error:
            raise SpecInputError(f"{self.spec.source}: unresolvable reference: {error}") from error

    def _plain(self, value: object, path: FieldPath) -> object:
        """The example as JSON: marked fields left out, matchers replaced by their examples."""
        if isinstance(value, NotInSpec):
            raise self._misplaced_marker(path)
        if isinstance(value, AbstractMatcher):
            integration = value.to_integration_json()
            if "value" not in integration:
                raise BodyMatcherError(
                    f"{self.body.label}: the matcher at {format_field_path(path)} has no example "
                    "value; give it one, so it can be checked against the spec"
                )
            return self._plain(integration["value"], path)
        if isinstance(value, dict):
            return {
                key: self._plain(child, (*path, str(key)))
                for key, child in value.items()
                if not isinstance(child, NotInSpec)
            }
        if isinstance(value, list):
            return [self._plain(child, (*path, None)) for child in value]
        return value

    def _locate(self, steps: list[str | int], plain: object) -> str:
        """The schema an error's instance path leads to, as far as the spec declares it."""
        pointers, value = [self.body.schema], plain
        for step in steps:
            shapes = self._applicable(pointers, value)
            if isinstance(step, int) and isinstance(value, list):
                found = [
                    f"{p}/items" for p, shape in shapes if isinstance(shape.get("items"), dict)
                ]
                value = value[step]
            elif isinstance(step, str) and isinstance(value, dict):
                found = _field(shapes, step)[1] or []
                value = value[step]
            else:
                break
            if not found:
                break
            pointers = found
        return pointers[0]

    def _undeclared(self, shapes: Shapes, path: FieldPath) -> UndeclaredFieldError:
        objects = [pointer for pointer, shape in shapes if _is_object(shape)]
        location = f"{objects[0]}/properties" if objects else (shapes[0][0] if shapes else "")
        shown, name = format_field_path(path), path[-1]
        return UndeclaredFieldError(
            f"{self.body.label}: {shown} is not declared by the spec ({location}). Pin only "
            "what the spec promises; if the provider is to add it (consumer first), mark it: "
            f'"{name}": not_in_spec(match.str(...)), and check-pacts-against-spec reports it '
            "(PACT004) until the spec declares it",
            field=shown,
            operation=self.body.operation,
            location=location,
        )

    def _misplaced_marker(self, path: FieldPath) -> BodyMatcherError:
        return BodyMatcherError(
            f"{self.body.label}: not_in_spec() marks a field of an object; "
            f"{format_field_path(path)} is not one"
        )

    def _where(self, shapes: Shapes | None, pointers: list[str] | None) -> str:
        if pointers:
            return pointers[0]
        objects = [pointer for pointer, shape in shapes or [] if _is_object(shape)]
        return f"{objects[0]} admits any field" if objects else "any value is admitted here"


class _AllOf(AndMatcher[Any]):
    """Several matchers on one value (a type and a regex), keeping the example in the pact.

    pact-python's ``AndMatcher`` leaves the example value out of what it sends to pact's
    core, which then writes ``null`` as the example: the mock server would serve null.
    """

    def to_integration_json(self) -> dict[str, Any]:
        """The combined matchers, and the example they share."""
        return {**super().to_integration_json(), "value": self._value}


def _field(shapes: Shapes | None, name: str) -> tuple[bool, list[str] | None]:
    """Whether the object shapes declare ``name``, and its schemas (``None``: any value).

    Objects are closed, as ``check-pacts-against-spec`` reads them: a field is declared by
    ``properties``, by ``patternProperties``/``additionalProperties`` that admit it, or by a
    free-form object (no ``properties`` at all).
    """
    if shapes is None:
        return True, None
    objects = [(pointer, shape) for pointer, shape in shapes if _is_object(shape)]
    declared = [
        f"{pointer}/properties/{escape(name)}"
        for pointer, shape in objects
        if name in shape.get("properties", {})
    ]
    if declared:
        return True, declared
    for pointer, shape in objects:
        for pattern in shape.get("patternProperties", {}):
            if re.search(pattern, name):
                return True, [f"{pointer}/patternProperties/{escape(pattern)}"]
        if "additionalProperties" in shape:
            extra = shape["additionalProperties"]
            if extra is False:
                continue
            return True, (None if extra is True else [f"{pointer}/additionalProperties"])
        if "properties" not in shape and "patternProperties" not in shape:
            return True, None  # a free-form object: any key, any value
    return False, None


def _enum(shapes: Shapes, value: object) -> str | None:
    """A regex of the alternatives the spec allows here, of the example's JSON type."""
    enums = [shape["enum"] for _, shape in shapes if isinstance(shape.get("enum"), list)]
    if not enums:
        return None
    allowed = [
        option
        for option in enums[0]
        if _json_type(option) == _json_type(value)
        and all(any(_same(option, other) for other in enum) for enum in enums[1:])
    ]
    texts = [option if isinstance(option, str) else json.dumps(option) for option in allowed]
    return "^(" + "|".join(_REGEX_SPECIAL.sub(r"\\\1", text) for text in texts) + ")$"


def _same(left: object, right: object) -> bool:
    return _json_type(left) == _json_type(right) and left == right


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    return type(value).__name__


def _kinds(shapes: Shapes) -> set[str]:
    kinds: set[str] = set()
    for _, shape in shapes:
        kind = shape.get("type")
        kinds |= {str(k) for k in kind} if isinstance(kind, list) else {str(kind)}
    return kinds


def _is_object(shape: dict[str, Any]) -> bool:
    kind = shape.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "object" in kinds or any(
        key in shape for key in ("properties", "additionalProperties", "patternProperties")
    )


def _base(media: str) -> str:
    return media.split(";", maxsplit=1)[0].strip().lower()


def _is_json(media: str) -> bool:
    base = _base(media)
    return base == "application/json" or base.endswith("+json")
