"""Fail when a consumer's pact asks for something the provider's OpenAPI document does not promise.

Replaying a pact proves the provider answers those examples today; this proves the spec
promises them for every answer. It is stricter than a schema diff on purpose: every field
the consumer relies on (a matcher's path, or a field in its example body) must be declared,
``required`` and non-nullable, because a field that may be absent or null breaks the consumer
on the first user who lacks it, long after a pact replay passed. Requests are judged in full:
their parameters, their credentials and every field of their body must be what the spec
declares, because a provider that enforces its spec rejects anything else. The codes are
listed in ``spec_findings``; ``contract-first check-pacts-against-spec`` prints them, one line
each, with the fix.
"""

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from contract_first.gates.openapi_spec import (
    METHODS,
    FieldFacts,
    OpenApiSpec,
    PathMatch,
    SecurityScheme,
    escape,
)
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


# A pact that expects 401 or 403 is about the rejection itself: it leaves credentials out on
# purpose (FastAPI's HTTPBearer answers a missing token with 403 in older versions, 401 now).
REJECTIONS = (401, 403)


class Problem(NamedTuple):
    """A finding before it is tied to its interaction: what, where, why, and the fix."""

    code: Code
    location: str
    message: str
    fix: str


def check_interaction(spec: OpenApiSpec, interaction: HttpInteraction) -> Iterator[Finding]:
    """Every way the spec fails to allow this one interaction."""
    for problem in _problems(spec, interaction):
        yield Finding(interaction.consumer, interaction.description, *problem)


def _problems(spec: OpenApiSpec, interaction: HttpInteraction) -> Iterator[Problem]:
    matched = spec.match_path(interaction.path)
    if matched is None:
        yield Problem(
            Code.PACT001,
            "#/paths",
            f"no path in the spec matches {interaction.path}",
            f"declare a path matching {interaction.path} in the spec, "
            "or request a path it declares",
        )
        return
    method = interaction.method.lower()
    path_item = spec.at(matched.pointer)
    if method not in METHODS or method not in path_item:
        declared = ", ".join(m.upper() for m in METHODS if m in path_item) or "none"
        yield Problem(
            Code.PACT002,
            matched.pointer,
            f"{matched.template} declares no {interaction.method}",
            f"declare {interaction.method} on {matched.template} in the spec, "
            f"or send a method it declares ({declared})",
        )
        return
    operation = f"{matched.pointer}/{method}"
    title = f"{interaction.method} {matched.template}"
    yield from _parameter_problems(spec, operation, matched, interaction)
    if interaction.status not in REJECTIONS:
        yield from _auth_problems(spec, operation, title, interaction)
    yield from _request_body_problems(spec, operation, title, interaction)
    response = spec.response_pointer(operation, interaction.status)
    if response is None:
        statuses = ", ".join(spec.at(operation).get("responses", {})) or "none"
        yield Problem(
            Code.PACT003,
            f"{operation}/responses",
            f"{title} declares no {interaction.status} response",
            f"declare a {interaction.status} response for {title} in the spec, "
            f"or expect a status it declares ({statuses})",
        )
        return
    yield from _response_problems(spec, response, interaction)


def _parameter_problems(
    spec: OpenApiSpec, operation: str, matched: PathMatch, interaction: HttpInteraction
) -> Iterator[Problem]:
    """Path, query, header and cookie parameters: declared, sent when required, well typed."""
    declared = _parameters(spec, matched.pointer, operation)
    for name, value in sorted(matched.parameters.items()):
        if ("path", name) in declared:
            yield from _parameter_value(spec, declared[("path", name)], "path", name, [value])
    for name, values in sorted(interaction.query.items()):
        if ("query", name) in declared:
            yield from _parameter_value(spec, declared[("query", name)], "query", name, values)
        elif name not in _query_api_keys(spec, operation):
            yield Problem(
                Code.PACT008,
                f"{operation}/parameters",
                f"query parameter {name!r} is not declared",
                f"declare the query parameter {name!r} in the spec, or stop sending it",
            )
    for (place, name), pointer in sorted(declared.items()):
        if place == "path":
            continue  # always there once the template matched; its value is checked above
        sent = _sent_parameter(interaction, place, name)
        if sent is not None and place != "query":
            yield from _parameter_value(spec, pointer, place, name, sent)
        if spec.at(pointer).get("required") and sent is None:
            yield Problem(
                Code.PACT008,
                pointer,
                f"required {place} parameter {name!r} is not sent",
                f"send the {place} parameter {name!r}, or make it optional in the spec",
            )


def _query_api_keys(spec: OpenApiSpec, operation: str) -> set[str]:
    """Query parameters the operation's security schemes declare (an API key in the query)."""
    _, requirements = spec.security(operation)
    schemes = (spec.security_scheme(str(name)) for r in requirements for name in r)
    return {s.key for s in schemes if s.type == "apiKey" and s.place == "query"}


def _sent_parameter(interaction: HttpInteraction, place: str, name: str) -> list[str] | None:
    """The values the request sends for a query, header or cookie parameter; ``None``: none."""
    if place == "query":
        return interaction.query.get(name)
    found = _header(interaction, name) if place == "header" else _cookies(interaction).get(name)
    return None if found is None else [found]


def _parameters(spec: OpenApiSpec, path_item: str, operation: str) -> dict[tuple[str, str], str]:
    """Declared parameters by (in, name); the operation's override the path item's."""
    declared: dict[tuple[str, str], str] = {}
    for owner in (path_item, operation):
        for index, _ in enumerate(spec.at(owner).get("parameters", ())):
            pointer, parameter = spec.dereference(f"{owner}/parameters/{index}")
            declared[(str(parameter.get("in")), str(parameter.get("name")))] = pointer
    return declared


def _header(interaction: HttpInteraction, name: str) -> str | None:
    """A request header by name, any case; a V4 body's content type counts as Content-Type."""
    sent = interaction.request_headers.get(name.lower())
    if sent is None and name.lower() == "content-type":
        return interaction.request_content_type
    return sent


def _cookies(interaction: HttpInteraction) -> dict[str, str]:
    """The cookies of the request's ``Cookie`` header, by name."""
    header = interaction.request_headers.get("cookie", "")
    pairs = (part.split("=", 1) for part in header.split(";"))
    return {pair[0].strip(): pair[1].strip() for pair in pairs if len(pair) == 2}


def _parameter_value(
    spec: OpenApiSpec, parameter: str, place: str, name: str, values: list[str]
) -> Iterator[Problem]:
    """Check sent values against the parameter's schema, reading text as the schema's type."""
    if "schema" not in spec.at(parameter):
        return
    schema = f"{parameter}/schema"
    if "array" in _types(spec, schema):
        candidates: list[object] = [[_typed(v, spec, f"{schema}/items") for v in values]]
    else:
        candidates = [_typed(v, spec, schema) for v in values]
    for value in candidates:
        for error in spec.errors(schema, value, partial=False):
            yield Problem(
                Code.PACT008,
                schema,
                f"{place} {name} = {value!r}: {error.message}",
                f"send a {place} parameter {name!r} that fits its schema, or change the schema",
            )


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


def _auth_problems(
    spec: OpenApiSpec, operation: str, title: str, interaction: HttpInteraction
) -> Iterator[Problem]:
    """The request must satisfy one security requirement: every scheme it names, at once.

    A pact that leaves credentials out passes a replay against a provider whose state
    handlers stub auth away, and fails against the real one: so the spec decides.
    """
    location, requirements = spec.security(operation)
    unmet: list[list[SecurityScheme]] = []
    for requirement in requirements:
        schemes = [spec.security_scheme(str(name)) for name in sorted(requirement)]
        missing = [scheme for scheme in schemes if not _authenticates(interaction, scheme)]
        if not missing:
            return  # this requirement is met; ``{}`` always is
        unmet.append(missing)
    if not unmet:
        return  # no requirement at all: the operation is public
    needs = " or ".join(" and ".join(map(_needs, schemes)) for schemes in unmet)
    sends = " or ".join(" and ".join(map(_credential, schemes)) for schemes in unmet)
    sent = interaction.request_headers.get("authorization")
    shown = f" (it sends 'Authorization: {sent.split()[0]} …')" if sent and sent.split() else ""
    yield Problem(
        Code.PACT011,
        location,
        f"{title} requires {needs}, which the request does not send{shown}",
        f"send {sends} in the pact's request, or add {{}} to the spec's security "
        "if auth is optional",
    )


def _authenticates(interaction: HttpInteraction, scheme: SecurityScheme) -> bool:
    """Whether the request carries what ``scheme`` asks for (a value, not a valid one)."""
    if scheme.type == "apiKey":
        if scheme.place == "header":
            return _header(interaction, scheme.key) is not None
        if scheme.place == "query":
            return scheme.key in interaction.query
        return scheme.key in _cookies(interaction)
    if scheme.type == "mutualTLS":
        return True  # a client certificate is below HTTP: a pact cannot show one
    wanted = scheme.scheme if scheme.type == "http" else "bearer"  # oauth2, openIdConnect
    parts = interaction.request_headers.get("authorization", "").split(maxsplit=1)
    return len(parts) == 2 and parts[0].lower() == wanted and bool(parts[1].strip())


def _needs(scheme: SecurityScheme) -> str:
    """``bearer auth (security scheme 'HTTPBearer')``: what the spec asks, named."""
    named = f"(security scheme {scheme.name!r})"
    if scheme.type == "apiKey":
        return f"an API key in the {scheme.place} {scheme.key!r} {named}"
    if scheme.type == "http":
        return f"{scheme.scheme} auth {named}"
    return f"an {scheme.type} bearer token {named}"


def _credential(scheme: SecurityScheme) -> str:
    """``'Authorization: Bearer <token>'``: what the consumer's request should carry."""
    if scheme.type == "apiKey":
        noun = {"header": "header", "query": "query parameter"}.get(scheme.place, scheme.place)
        return f"the {noun} {scheme.key!r}"
    if scheme.type == "http" and scheme.scheme != "bearer":
        return f"'Authorization: {scheme.scheme.capitalize()} <credentials>'"
    return "'Authorization: Bearer <token>'"


def _request_body_problems(
    spec: OpenApiSpec, operation: str, title: str, interaction: HttpInteraction
) -> Iterator[Problem]:
    declared = spec.at(operation).get("requestBody")
    if declared is None:
        if interaction.has_request_body:
            yield Problem(
                Code.PACT010,
                operation,
                "a request body is sent but none is declared",
                f"declare a request body for {title} in the spec, or stop sending one",
            )
        return
    body_pointer, body = spec.dereference(f"{operation}/requestBody")
    if not interaction.has_request_body:
        if body.get("required"):
            yield Problem(
                Code.PACT010,
                body_pointer,
                "the request body is required but not sent",
                f"send a request body with {title}, or make it optional in the spec",
            )
        return
    content = body.get("content", {})
    media = _media_type(content, interaction.request_content_type)
    if media is None:
        sent = interaction.request_content_type
        yield Problem(
            Code.PACT010,
            f"{body_pointer}/content",
            f"request content type {sent!r} is not declared",
            f"send a content type the spec declares ({', '.join(content) or 'none'}), "
            f"or declare {sent or 'application/json'} for the request body",
        )
        return
    if _is_json(media) and "schema" in content[media]:
        schema = f"{body_pointer}/content/{escape(media)}/schema"
        yield from _request_field_problems(spec, schema, interaction.request_body)


def _request_field_problems(spec: OpenApiSpec, schema: str, body: object) -> Iterator[Problem]:
    """Every field sent must be declared, every required one sent, every value fit.

    Objects are closed here as for responses (the same walk decides what is declared): a
    provider that ignores unknown fields today may reject them, or mean something else by
    them, tomorrow.
    """
    locations: dict[FieldPath, str] = {(): schema}
    undeclared: set[FieldPath] = set()
    for path in sorted(example_paths(body), key=format_field_path):
        for step in _walk(spec, schema, path):
            if step.facts is None:
                undeclared.add(step.path)
                shown = format_field_path(step.path)
                yield Problem(
                    Code.PACT012,
                    f"{_object_pointer(spec, step.here)}/properties",
                    f"request body {shown} is sent by the consumer but not declared",
                    f"declare {shown} in the spec's request body schema, or stop sending it",
                )
            elif step.facts.property_pointer is not None:
                locations[step.path] = step.facts.property_pointer
    for error in spec.errors(schema, body, partial=False):
        at: FieldPath = tuple(None if isinstance(p, int) else str(p) for p in error.absolute_path)
        if error.validator in ("additionalProperties", "unevaluatedProperties") and any(
            field[:-1] == at for field in undeclared
        ):
            continue  # already said, field by field, as PACT012
        if error.validator == "required" and isinstance(error.instance, dict):
            names = error.validator_value
            for name in names if isinstance(names, list) else ():
                if name not in error.instance:
                    yield _missing_field(spec, schema, (*at, str(name)))
            continue
        shown = format_field_path(at)
        yield Problem(
            Code.PACT010,
            locations.get(at, schema),
            f"request body {shown}: {error.message}",
            f"send a {shown} that fits its schema in the pact's request, or change the schema",
        )


def _missing_field(spec: OpenApiSpec, schema: str, path: FieldPath) -> Problem:
    """A required request-body field the consumer does not send, pointing at its ``required``."""
    steps = [step for step in _walk(spec, schema, path) if step.path == path]
    facts = steps[0].facts if steps else None
    shown, name = format_field_path(path), path[-1]
    return Problem(
        Code.PACT010,
        facts.required_pointer if facts else schema,
        f"request body {shown} is required but not sent",
        f"send {shown} in the pact's request body, or drop {name!r} from required in the spec",
    )


def _response_problems(
    spec: OpenApiSpec, response: str, interaction: HttpInteraction
) -> Iterator[Problem]:
    if not interaction.has_response_body:
        return
    response_pointer, declared = spec.dereference(response)
    content = declared.get("content", {})
    media = _media_type(content, interaction.response_content_type)
    if media is None:
        sent, status = interaction.response_content_type, interaction.status
        instead = f"a content type it declares ({', '.join(content)})" if content else "no body"
        yield Problem(
            Code.PACT009,
            f"{response_pointer}/content" if content else response_pointer,
            f"response content type {sent!r} is not declared for {status}",
            f"declare {sent or 'application/json'} for the {status} response in the spec, "
            f"or expect {instead}",
        )
        return
    if not _is_json(media) or "schema" not in content[media]:
        return
    schema = f"{response_pointer}/content/{escape(media)}/schema"
    field_locations = yield from _relied_on_field_problems(spec, schema, interaction)
    for error in spec.errors(schema, interaction.response_body, partial=True):
        path: FieldPath = tuple(None if isinstance(p, int) else str(p) for p in error.absolute_path)
        shown = format_field_path(path)
        yield Problem(
            Code.PACT005,
            field_locations.get(path, schema),
            f"example {shown}: {error.message}",
            f"change the pact's example {shown} to fit the schema, or change the schema",
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
        for step in _walk(spec, schema, path):
            shown = format_field_path(step.path)
            if step.facts is None:
                yield Problem(
                    Code.PACT004,
                    f"{_object_pointer(spec, step.here)}/properties",
                    f"{shown} is expected by the consumer but not declared",
                    f"declare {shown} in the spec's response schema, "
                    "or stop relying on it in the pact",
                )
                continue
            if not step.facts.required:
                yield Problem(
                    Code.PACT006,
                    step.facts.required_pointer,
                    f"{shown} is relied on by the consumer but not required",
                    f"add {step.path[-1]!r} to required in the spec, "
                    f"or stop relying on {shown} in the pact",
                )
            if step.facts.property_pointer is None:
                continue  # any value at all: nothing more to say below here
            locations[step.path] = step.facts.property_pointer
            if spec.allows_null(step.facts.property_pointer) and not _shows_null(
                interaction.response_body, step.path
            ):
                yield Problem(
                    Code.PACT007,
                    step.facts.property_pointer,
                    f"{shown} is relied on by the consumer but may be null",
                    f"make {shown} non-nullable in the spec, or stop relying on it in the pact",
                )
    return locations


def _shows_null(body: object, path: FieldPath) -> bool:
    """Whether the consumer's own example has ``null`` here: it has shown it takes null.

    A last page's ``next_cursor: null`` is such a case; PACT007 is for fields the consumer
    only ever saw filled in.
    """
    values = [body]
    for step in path:
        if step is None:
            values = [item for value in values if isinstance(value, list) for item in value]
        else:
            values = [value[step] for value in values if isinstance(value, dict) and step in value]
    return any(value is None for value in values)


@dataclass(frozen=True)
class _Step:
    """One named field on the way down a body, and what the spec says of it.

    ``facts`` is ``None`` when the spec does not declare the field; ``here`` holds the
    schemas of the object that holds it.
    """

    path: FieldPath
    facts: FieldFacts | None
    here: list[str]


def _walk(spec: OpenApiSpec, schema: str, path: FieldPath) -> Iterator[_Step]:
    """Follow ``path`` down from ``schema``, one named field at a time.

    Requests and responses share it, so "declared" means the same on both sides. It stops
    after a field the spec does not declare, or one it lets hold any value.
    """
    here: list[str] = [schema]
    walked: FieldPath = ()
    for step in path:
        walked = (*walked, step)
        if step is None:
            here = [item for pointer in here for item in spec.array_items(pointer)]
            if not here:
                return
            continue
        facts = spec.field(here, step)
        yield _Step(walked, facts, here)
        if facts is None or facts.property_pointer is None:
            return
        here = [facts.property_pointer]


def _object_pointer(spec: OpenApiSpec, here: list[str]) -> str:
    """Where the object holding an undeclared field is defined, past any ``$ref``."""
    shapes = spec.shapes(here[0])
    return shapes[0][0] if shapes else here[0]


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
