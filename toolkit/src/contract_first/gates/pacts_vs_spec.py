"""Fail when a consumer's pact asks for something the provider's OpenAPI document does not promise.

Replaying a pact proves the provider answers those examples today; this proves the spec
promises them for every answer. It is stricter than a schema diff on purpose: every field
the consumer relies on (a matcher's path, or a field in its example body) must be declared,
``required`` and non-nullable, because a field that may be absent or null breaks the consumer
on the first user who lacks it, long after a pact replay passed. The codes are listed in
``spec_findings``; ``contract-first check-pacts-against-spec`` prints them, one line each.
"""

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from contract_first.gates.openapi_spec import METHODS, OpenApiSpec, PathMatch, escape
from contract_first.gates.spec_findings import Code, Finding
from contract_first.pact_file import (
    FieldPath,
    HttpInteraction,
    PactFile,
    PactInputError,
    example_paths,
    format_field_path,
    pact_paths,
    read_pact,
)


@dataclass(frozen=True)
class CheckResult:
    """What was checked and what was found, for the summary line."""

    findings: list[Finding]
    pacts: int
    interactions: int
    skipped: int

    def checked(self) -> str:
        """``2 interactions in 1 pact (1 non-HTTP skipped)``: what the verdict covers."""
        text = f"{plural(self.interactions, 'interaction')} in {plural(self.pacts, 'pact')}"
        return text + (f" ({self.skipped} non-HTTP skipped)" if self.skipped else "")


def load_pacts(source: Path, provider: str) -> list[PactFile]:
    """The pacts at ``source`` with ``provider``; raise ``PactInputError`` when there are none."""
    pacts = [read_pact(path) for path in pact_paths(source)]
    mine = [pact for pact in pacts if pact.provider == provider]
    if not mine:
        others = ", ".join(sorted({repr(pact.provider) for pact in pacts}))
        raise PactInputError(
            f"no pact for provider {provider!r} at {source} (found pacts for {others}); "
            "pass --provider to check another"
        )
    return mine


def check(source: Path, spec_path: Path, provider: str | None = None) -> CheckResult:
    """Check every HTTP interaction of every pact at ``source`` against the spec.

    ``provider`` picks whose pacts to check (default: the spec's ``info.title``). Unusable
    pacts or spec raise a ``UsageError`` (``PactInputError``, ``SpecInputError``).
    """
    spec = OpenApiSpec.load(spec_path)
    pacts = load_pacts(source, provider or spec.title)
    findings: list[Finding] = []
    for pact in pacts:
        for interaction in pact.http_interactions:
            found = set(check_interaction(spec, interaction))
            findings += sorted(found, key=Finding.sort_key)
    return CheckResult(
        findings=findings,
        pacts=len(pacts),
        interactions=sum(len(p.http_interactions) for p in pacts),
        skipped=sum(p.skipped for p in pacts),
    )


def check_interaction(spec: OpenApiSpec, interaction: HttpInteraction) -> Iterator[Finding]:
    """Every way the spec fails to allow this one interaction."""

    def finding(code: Code, location: str, message: str) -> Finding:
        return Finding(interaction.consumer, interaction.description, code, location, message)

    matched = spec.match_path(interaction.path)
    if matched is None:
        yield finding(Code.PACT001, "#/paths", f"no path in the spec matches {interaction.path}")
        return
    method = interaction.method.lower()
    if method not in METHODS or method not in spec.at(matched.pointer):
        yield finding(
            Code.PACT002,
            matched.pointer,
            f"{matched.template} declares no {interaction.method}",
        )
        return
    operation = f"{matched.pointer}/{method}"
    for code, location, message in _request_problems(spec, operation, matched, interaction):
        yield finding(code, location, message)
    response = spec.response_pointer(operation, interaction.status)
    if response is None:
        yield finding(
            Code.PACT003,
            f"{operation}/responses",
            f"{interaction.method} {matched.template} declares no {interaction.status} response",
        )
        return
    for code, location, message in _response_problems(spec, response, interaction):
        yield finding(code, location, message)


Problem = tuple[Code, str, str]


def _request_problems(
    spec: OpenApiSpec, operation: str, matched: PathMatch, interaction: HttpInteraction
) -> Iterator[Problem]:
    declared = _parameters(spec, matched.pointer, operation)
    for name, value in sorted(matched.parameters.items()):
        if ("path", name) in declared:
            yield from _parameter_value(spec, declared[("path", name)], f"path {name}", [value])
    for name, values in sorted(interaction.query.items()):
        if ("query", name) not in declared:
            yield (
                Code.PACT008,
                f"{operation}/parameters",
                f"query parameter {name!r} is not declared",
            )
        else:
            yield from _parameter_value(spec, declared[("query", name)], f"query {name}", values)
    for (place, name), pointer in sorted(declared.items()):
        header = interaction.request_headers.get(name.lower())
        if place == "header" and header is not None:
            yield from _parameter_value(spec, pointer, f"header {name}", [header])
        present = (
            (place == "query" and name in interaction.query)
            or (place == "header" and header is not None)
            or place not in ("query", "header")
        )
        if spec.at(pointer).get("required") and not present:
            yield (Code.PACT008, pointer, f"required {place} parameter {name!r} is not sent")
    yield from _request_body_problems(spec, operation, interaction)


def _parameters(spec: OpenApiSpec, path_item: str, operation: str) -> dict[tuple[str, str], str]:
    """Declared parameters by (in, name); the operation's override the path item's."""
    declared: dict[tuple[str, str], str] = {}
    for owner in (path_item, operation):
        for index, _ in enumerate(spec.at(owner).get("parameters", ())):
            pointer, parameter = spec.dereference(f"{owner}/parameters/{index}")
            declared[(str(parameter.get("in")), str(parameter.get("name")))] = pointer
    return declared


def _parameter_value(
    spec: OpenApiSpec, parameter: str, label: str, values: list[str]
) -> Iterator[Problem]:
    """Check sent values against the parameter's schema, reading text as the schema's type."""
    if "schema" not in spec.at(parameter):
        return
    schema = f"{parameter}/schema"
    types = {
        kind
        for _, shape in spec.shapes(schema)
        for kind in (
            shape.get("type") if isinstance(shape.get("type"), list) else [shape.get("type")]
        )
    }
    if "array" in types:
        candidates: list[object] = [[_typed(v, spec, f"{schema}/items") for v in values]]
    else:
        candidates = [_typed(v, spec, schema) for v in values]
    for value in candidates:
        for error in spec.errors(schema, value, partial=False):
            yield (Code.PACT008, schema, f"{label} = {value!r}: {error.message}")


def _typed(text: str, spec: OpenApiSpec, schema: str) -> object:
    """Read a parameter's text as the JSON type its schema asks for, when it parses as one."""
    kinds = _types(spec, schema)
    if "integer" in kinds and text.lstrip("-").isdigit():
        return int(text)
    if "number" in kinds:
        try:
            return float(text)
        except ValueError:
            return text
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    return text


def _types(spec: OpenApiSpec, schema: str) -> set[str]:
    """Every JSON type the schema's shapes name (``type: [a, b]`` counts both)."""
    kinds: set[str] = set()
    for _, shape in spec.shapes(schema):
        kind = shape.get("type")
        kinds |= {str(k) for k in kind} if isinstance(kind, list) else {str(kind)}
    return kinds


def _request_body_problems(
    spec: OpenApiSpec, operation: str, interaction: HttpInteraction
) -> Iterator[Problem]:
    declared = spec.at(operation).get("requestBody")
    if declared is None:
        if interaction.has_request_body:
            yield (Code.PACT010, operation, "a request body is sent but none is declared")
        return
    body_pointer, body = spec.dereference(f"{operation}/requestBody")
    if not interaction.has_request_body:
        if body.get("required"):
            yield (Code.PACT010, body_pointer, "the request body is required but not sent")
        return
    media = _media_type(body.get("content", {}), interaction.request_content_type)
    if media is None:
        yield (
            Code.PACT010,
            f"{body_pointer}/content",
            f"request content type {interaction.request_content_type!r} is not declared",
        )
        return
    schema = f"{body_pointer}/content/{escape(media)}/schema"
    if _is_json(media) and "schema" in body["content"][media]:
        for error in spec.errors(schema, interaction.request_body, partial=False):
            path = format_field_path(tuple(str(p) for p in error.absolute_path))
            yield (Code.PACT010, schema, f"request body {path}: {error.message}")


def _response_problems(
    spec: OpenApiSpec, response: str, interaction: HttpInteraction
) -> Iterator[Problem]:
    if not interaction.has_response_body:
        return
    response_pointer, declared = spec.dereference(response)
    content = declared.get("content", {})
    media = _media_type(content, interaction.response_content_type)
    if media is None:
        yield (
            Code.PACT009,
            f"{response_pointer}/content" if content else response_pointer,
            f"response content type {interaction.response_content_type!r} is not declared "
            f"for {interaction.status}",
        )
        return
    if not _is_json(media) or "schema" not in content[media]:
        return
    schema = f"{response_pointer}/content/{escape(media)}/schema"
    field_locations = yield from _relied_on_field_problems(spec, schema, interaction)
    for error in spec.errors(schema, interaction.response_body, partial=True):
        path: FieldPath = tuple(None if isinstance(p, int) else str(p) for p in error.absolute_path)
        yield (
            Code.PACT005,
            field_locations.get(path, schema),
            f"example {format_field_path(path)}: {error.message}",
        )


def _relied_on_field_problems(
    spec: OpenApiSpec, schema: str, interaction: HttpInteraction
) -> Generator[Problem, None, dict[FieldPath, str]]:
    """Each field the consumer relies on must be declared, required and non-nullable.

    Returns where each field's schema is, so body errors can point at the field itself.
    """
    relied_on = example_paths(interaction.response_body) | set(interaction.matched_paths)
    locations: dict[FieldPath, str] = {}
    for path in sorted(relied_on, key=format_field_path):
        here: list[str] = [schema]
        walked: FieldPath = ()
        for step in path:
            walked = (*walked, step)
            if step is None:
                here = [item for pointer in here for item in spec.array_items(pointer)]
                if not here:
                    break
                continue
            facts = spec.field(here, step)
            shown = format_field_path(walked)
            if facts is None:
                object_pointer = spec.shapes(here[0])[0][0] if here else schema
                yield (
                    Code.PACT004,
                    f"{object_pointer}/properties",
                    f"{shown} is expected by the consumer but not declared",
                )
                break
            if not facts.required:
                yield (
                    Code.PACT006,
                    facts.required_pointer,
                    f"{shown} is relied on by the consumer but not required",
                )
            if facts.property_pointer is None:
                break  # any value at all: nothing more to say below here
            locations[walked] = facts.property_pointer
            if spec.allows_null(facts.property_pointer):
                yield (
                    Code.PACT007,
                    facts.property_pointer,
                    f"{shown} is relied on by the consumer but may be null",
                )
            here = [facts.property_pointer]
    return locations


def _media_type(content: dict[str, object], sent: str | None) -> str | None:
    """The declared media type covering ``sent``: exact, then ``type/*``, then ``*/*``."""
    media = (sent or "application/json").split(";", maxsplit=1)[0].strip().lower()
    for candidate in (media, media.split("/")[0] + "/*", "*/*"):
        for declared in content:
            if declared.split(";", maxsplit=1)[0].strip().lower() == candidate:
                return declared
    return None


def _is_json(media: str) -> bool:
    base = media.split(";", maxsplit=1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def plural(number: int, noun: str) -> str:
    """``1 pact``, ``2 pacts``: counts in summaries read as sentences."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
