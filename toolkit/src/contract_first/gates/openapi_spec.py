"""An OpenAPI 3.1 document, asked the questions a pact raises, answered with JSON pointers.

Validation is jsonschema's (draft 2020-12 is OpenAPI 3.1's dialect), with every ``$ref``
resolved by a ``referencing`` registry over the whole document. Locations are JSON pointers
into the document, such as ``#/components/schemas/User/required``, so a finding says where
to look. Only local references (``#/...``) are followed: the spec is one exported file.
"""

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import SchemaError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from contract_first.errors import UsageError

Json = Any  # a value as parsed from JSON: dict, list, str, number, bool or None
SPEC_URI = "urn:contract-first:openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SECURITY_TYPES = ("apiKey", "http", "mutualTLS", "oauth2", "openIdConnect")


class SpecInputError(UsageError):
    """The spec cannot be read or used (exit 2); the message says which file and why."""


def not_checked(
    validator: Validator, value: object, instance: object, schema: object
) -> Iterator[ValidationError]:
    """A keyword validator that lets everything through, for keywords an example may skip."""
    return iter(())


# Examples in a consumer's pact are partial on purpose (a pact's example may leave out fields
# the consumer does not read); requests are checked in full.
ExampleValidator = validators.extend(  # type: ignore[no-untyped-call]  # untyped in the stubs
    Draft202012Validator, {"required": not_checked}
)


def escape(token: str) -> str:
    """One JSON-pointer reference token (RFC 6901): ``~`` and ``/`` escaped."""
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class PathMatch:
    """The path template a request path falls under, and the values of its parameters."""

    template: str
    parameters: dict[str, str]

    @property
    def pointer(self) -> str:
        """Where the path item lives in the document."""
        return f"#/paths/{escape(self.template)}"


@dataclass(frozen=True)
class FieldFacts:
    """What the spec says of a declared field: its schema (``None``: any value), if required."""

    property_pointer: str | None
    required: bool
    required_pointer: str  # where ``required`` is, or would be


@dataclass(frozen=True)
class SecurityScheme:
    """One way to authenticate, as ``#/components/securitySchemes`` declares it.

    ``scheme`` is the lower-cased HTTP auth scheme (``bearer``, ``basic``) of an ``http``
    scheme; ``place`` and ``key`` say where an ``apiKey`` goes (``header``/``query``/
    ``cookie``) and under which name. The others are empty when they do not apply.
    """

    name: str
    pointer: str
    type: str
    scheme: str = ""
    place: str = ""
    key: str = ""


class OpenApiSpec:
    """A loaded document plus the registry that resolves its references."""

    def __init__(self, document: Mapping[str, Any], source: Path) -> None:
        self.document = document
        self.source = source
        self.title = str(document.get("info", {}).get("title", ""))
        resource: Resource[Any] = DRAFT202012.create_resource(document)
        registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._registry = registry
        self._resolver = registry.resolver(base_uri=SPEC_URI)
        self._templates = [
            (template, _template_pattern(template))
            for template in sorted(document.get("paths", {}), key=_literal_first)
        ]

    @classmethod
    def load(cls, path: Path) -> "OpenApiSpec":
        """Read and sanity-check the document; raise ``SpecInputError`` when it is unusable."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise SpecInputError(f"cannot read the OpenAPI document {path}: {error}") from error
        if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
            raise SpecInputError(f"{path} is not an OpenAPI document: it has no 'paths' object")
        version = str(document.get("openapi", ""))
        if not version.startswith("3.1"):
            raise SpecInputError(
                f"{path} is OpenAPI {version or '(no version)'}; this check reads OpenAPI 3.1 "
                "(JSON Schema 2020-12), which FastAPI exports"
            )
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            try:
                Draft202012Validator.check_schema(schema)
            except SchemaError as error:
                raise SpecInputError(
                    f"{path}: #/components/schemas/{escape(name)} is not a valid schema: "
                    f"{error.message}"
                ) from error
        return cls(document, path)

    def at(self, pointer: str) -> Json:
        """The value at ``pointer`` (``#/...``), following nothing."""
        try:
            return self._resolver.lookup(SPEC_URI + quote(pointer, safe="#/~")).contents
        except Unresolvable as error:
            raise SpecInputError(f"{self.source}: nothing at {pointer}") from error

    def dereference(self, pointer: str) -> tuple[str, Any]:
        """Follow ``$ref`` from ``pointer`` to where a definition really is; guard against loops."""
        seen = {pointer}
        value = self.at(pointer)
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            pointer = _local_pointer(value["$ref"], self.source)
            if pointer in seen:
                raise SpecInputError(f"{self.source}: $ref loop through {pointer}")
            seen.add(pointer)
            value = self.at(pointer)
        return pointer, value

    def match_path(self, path: str) -> PathMatch | None:
        """The template a concrete path falls under; literal segments win over parameters."""
        for template, pattern in self._templates:
            found = pattern.fullmatch(path.split("?", maxsplit=1)[0])
            if found:
                return PathMatch(template, {k: unquote(v) for k, v in found.groupdict().items()})
        return None

    def response_pointer(self, operation_pointer: str, status: int) -> str | None:
        """The response declared for ``status``: the code, then its ``4XX`` range, then default."""
        responses = self.at(operation_pointer).get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                return f"{operation_pointer}/responses/{key}"
        return None

    def security(self, operation_pointer: str) -> tuple[str, list[dict[str, Any]]]:
        """The operation's effective security requirements, and where they are declared.

        An operation's own ``security`` (even ``[]``) replaces the document's top-level one;
        any one requirement in the list suffices, and ``{}`` among them makes auth optional.
        """
        operation = self.at(operation_pointer)
        pointer, requirements = (
            (f"{operation_pointer}/security", operation["security"])
            if "security" in operation
            else ("#/security", self.document.get("security", []))
        )
        if not isinstance(requirements, list) or not all(isinstance(r, dict) for r in requirements):
            raise SpecInputError(f"{self.source}: {pointer} is not a list of requirement objects")
        return pointer, requirements

    def security_scheme(self, name: str) -> SecurityScheme:
        """The scheme a security requirement names; a name nothing defines is a broken spec."""
        schemes = self.document.get("components", {}).get("securitySchemes", {})
        if not isinstance(schemes, dict) or name not in schemes:
            raise SpecInputError(
                f"{self.source}: a security requirement names {name!r}, which "
                "#/components/securitySchemes does not define"
            )
        pointer, scheme = self.dereference(f"#/components/securitySchemes/{escape(name)}")
        kind = scheme.get("type") if isinstance(scheme, dict) else None
        if kind not in SECURITY_TYPES:
            raise SpecInputError(
                f"{self.source}: {pointer} has type {kind!r}, "
                f"not one of {', '.join(SECURITY_TYPES)}"
            )
        return SecurityScheme(
            name=name,
            pointer=pointer,
            type=str(kind),
            scheme=str(scheme.get("scheme", "")).lower() if kind == "http" else "",
            place=str(scheme.get("in", "")) if kind == "apiKey" else "",
            key=str(scheme.get("name", "")) if kind == "apiKey" else "",
        )

    def errors(
        self, schema_pointer: str, instance: object, *, partial: bool
    ) -> list[ValidationError]:
        """What is wrong with ``instance`` under the schema at ``schema_pointer``.

        ``partial`` accepts objects that omit required fields (a pact's response example).
        """
        kind = ExampleValidator if partial else Draft202012Validator
        validator = kind(
            {"$ref": SPEC_URI + quote(schema_pointer, safe="#/~")}, registry=self._registry
        )
        try:
            return sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path)))
        except Unresolvable as error:
            raise SpecInputError(f"{self.source}: unresolvable reference: {error}") from error

    def allows_null(self, schema_pointer: str) -> bool:
        """Whether ``null`` is a valid value here: ``type: null``, an ``anyOf`` branch, ``{}``..."""
        return not self.errors(schema_pointer, None, partial=True)

    def shapes(self, schema_pointer: str) -> list[tuple[str, Any]]:
        """Every schema that may describe a value here, through ``$ref``/allOf/anyOf/oneOf."""
        found: list[tuple[str, Any]] = []
        pending, seen = [schema_pointer], set()
        while pending:
            pointer, schema = self.dereference(pending.pop(0))
            if pointer in seen or not isinstance(schema, dict):
                continue
            seen.add(pointer)
            found.append((pointer, schema))
            for keyword in ("allOf", "anyOf", "oneOf"):
                branches = schema.get(keyword, ())
                pending += [f"{pointer}/{keyword}/{i}" for i in range(len(branches))]
        return found

    def array_items(self, schema_pointer: str) -> list[str]:
        """Pointers of the ``items`` schemas of every array shape here."""
        return [f"{p}/items" for p, shape in self.shapes(schema_pointer) if "items" in shape]

    def field(self, schema_pointers: list[str], name: str) -> FieldFacts | None:
        """What the object shapes at ``schema_pointers`` say about property ``name``.

        Objects are closed: a property is declared only by ``properties``, by
        ``additionalProperties``/``patternProperties`` that admit it, or by a free-form
        object (no ``properties`` at all). ``None`` means the spec does not declare it.
        """
        shapes = [shape for pointer in schema_pointers for shape in self.shapes(pointer)]
        objects = [(p, s) for p, s in shapes if _is_object(s)]
        if not objects:
            return None
        required_in = next((p for p, s in objects if name in s.get("required", ())), None)
        first_object = objects[0][0]
        required_pointer = f"{required_in or first_object}/required"
        for pointer, shape in objects:
            if name in shape.get("properties", {}):
                declared = f"{pointer}/properties/{escape(name)}"
                return FieldFacts(declared, required_in is not None, required_pointer)
        for pointer, shape in objects:
            admitted, schema = _extra_property_schema(pointer, shape, name)
            if admitted:
                return FieldFacts(schema, required_in is not None, required_pointer)
        return None


def _is_object(shape: Mapping[str, Any]) -> bool:
    kind = shape.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "object" in kinds or "properties" in shape or "additionalProperties" in shape


def _extra_property_schema(
    pointer: str, shape: Mapping[str, Any], name: str
) -> tuple[bool, str | None]:
    """Whether an undeclared ``name`` is admitted, and by which schema (``None``: any value)."""
    for pattern in shape.get("patternProperties", {}):
        if re.search(pattern, name):
            return True, f"{pointer}/patternProperties/{escape(pattern)}"
    if "additionalProperties" in shape:
        extra = shape["additionalProperties"]
        if extra is False:
            return False, None
        return True, (None if extra is True else f"{pointer}/additionalProperties")
    if "properties" in shape or "patternProperties" in shape:
        return False, None  # closed unless the spec says otherwise
    return True, None  # a free-form object: any key, any value


def _local_pointer(reference: str, source: Path) -> str:
    if not reference.startswith("#"):
        raise SpecInputError(f"{source}: only local references are supported, not {reference!r}")
    return unquote(reference)


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{([^}/]+)\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{_group(part)}>[^/]+)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex)


def _group(name: str) -> str:
    if not name.isidentifier():
        raise SpecInputError(f"path parameter name {name!r} is not supported")
    return name


def _literal_first(template: str) -> tuple[int, str]:
    """``/users/me`` before ``/users/{id}``: OpenAPI says concrete paths match first."""
    return (template.count("{"), template)
