"""The broker's URL table: every path of its API, written once.

As the official broker's single route table (``lib/pact_broker/api.rb``), each resource's path
is declared here and nowhere else: routes take their path templates from it, the index and the
HAL bodies build their links with it, the auth rules match requests against it, and services
build the absolute URLs that events and webhook templates carry (``pactUrl``,
``verificationResultUrl``). It is pure string work, so every layer may use it.

A template names its parameters (``{name}``); each is exactly one path segment, whatever it
holds. Links percent-encode every value as one segment (a ``/`` becomes ``%2F``), and routing
reads it back the same way, as the official broker's Webmachine splits the raw path on ``/``
before decoding each segment: ``routing_path`` is the path the routes match (``%2F`` and
``%25`` kept inside a segment), and a route's ``segment`` convertor (``route_template``)
decodes each value. So a version ``release/1.2``, a branch ``feat/x`` or a tag ``env/prod``
is addressable wherever it appears, and no route can take the tail of another's path. Some
resources are only advertised in links, as the official broker does, and not served (yet):
they are marked so below.
"""

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from urllib.parse import quote, unquote

_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")

SEGMENT_CONVERTOR = "segment"
"""The routes' path convertor of every parameter (registered by ``api/path_segments.py``)."""


def route_template(template: str) -> str:
    """The template as a route declares it: every parameter one segment (``{x:segment}``)."""
    return _PARAMETER.sub(rf"{{\1:{SEGMENT_CONVERTOR}}}", template)


def routing_path(raw_path: str) -> str:
    """A raw (percent-encoded) request path as the routes match it.

    Each segment is decoded, except that a ``/`` or ``%`` decoded inside a segment stays
    ``%2F`` or ``%25``: the path keeps its segments, and :func:`segment_value` gives each
    parameter's value back. ``%`` occurs in the result only in those two escapes.
    """
    return "/".join(
        unquote(part).replace("%", "%25").replace("/", "%2F") for part in raw_path.split("/")
    )


def request_url_path(routed: str) -> str:
    """The URL path of a request from its routing path (``request.url.path``), for self links.

    A routing path holds ``%`` only in its ``%2F`` and ``%25`` escapes, so those are kept and
    everything else is encoded.
    """
    return quote(routed, safe="/%")


def segment_value(matched: str) -> str:
    """A parameter's value from the segment of :func:`routing_path` it matched."""
    return unquote(matched) if "%" in matched else matched


@lru_cache(maxsize=4096)
def segment(value: str) -> str:
    """A value quoted for use as one URL path segment (cached: names recur in every link)."""
    return quote(value, safe="")


_LITERAL = re.compile(r"[A-Za-z0-9/_.-]*")


def _compile_builder(template: str) -> Callable[..., str]:
    """``url(base, *, name, ...)`` for a template, as fast as a hand-written f-string.

    Generated once per resource (as ``dataclasses`` generates ``__init__``): for-verification
    builds hundreds of links per answer, and a generic ``str.format`` with a dict of quoted
    values costs four times as much. Templates are constants of this module, never input.
    """
    pieces = _PARAMETER.split(template)
    literals, names = pieces[::2], pieces[1::2]
    for literal in literals:
        if not _LITERAL.fullmatch(literal):
            raise ValueError(f"unexpected characters in URL template {template!r}")
    body = literals[0] + "".join(
        f"{{_segment({name})}}{literal}" for name, literal in zip(names, literals[1:], strict=True)
    )
    parameters = ", ".join(["base", *(["*", *names] if names else [])])
    namespace: dict[str, Callable[..., str]] = {}
    source = f'def url({parameters}):\n    return f"{{base}}{body}"\n'
    exec(source, {"_segment": segment}, namespace)  # noqa: S102 - our own constant templates
    return namespace["url"]


class Resource:
    """One path of the API: its template, and how to fill it in for a link.

    ``names`` renames parameters in templated links (``{name}`` is advertised as the official
    ``{pacticipant}``), so routes keep their parameter names and clients see the official ones.
    ``served``: some route of the app answers it (a page of ``ui/`` included).
    """

    __slots__ = ("_format", "_regex", "names", "parameters", "served", "template", "url")

    def __init__(
        self, template: str, names: Mapping[str, str] | None = None, *, served: bool = True
    ) -> None:
        self.template = route_template(template)
        """The route's path (``{x:segment}``); ``path``, ``url`` and ``templated`` fill it in."""
        self.names: Mapping[str, str] = names or {}
        self.served = served
        self.parameters = tuple(_PARAMETER.findall(template))
        self.url: Callable[..., str] = _compile_builder(template)
        """``url(base, **values)``: the absolute URL, each value quoted as one path segment."""
        self._format: Callable[..., str] = _PARAMETER.sub(r"{\1}", template).format
        literals = [re.escape(literal) for literal in _PARAMETER.split(template)[::2]]
        # As Starlette's routing compiles a path: ``^...$``, matched with ``match``.
        self._regex = re.compile("^" + "(?:[^/]+)".join(literals) + "$")

    def __repr__(self) -> str:
        return f"Resource({self.template!r})"

    def path(self, **values: str) -> str:
        """The path with every parameter filled in (each value quoted as one segment)."""
        return self.url("", **values)

    def templated(self, base: str, **values: str) -> str:
        """A templated link: the given values filled in, the others left as ``{official}``."""
        filled = {name: "{" + self.names.get(name, name) + "}" for name in self.parameters}
        filled.update({name: segment(value) for name, value in values.items()})
        return base + self._format(**filled)

    def matches(self, path: str) -> bool:
        """Whether a request path (as :func:`routing_path` gives it) is this resource."""
        return self._regex.match(path) is not None


def below(resource: Resource, parent: Resource) -> Callable[..., str]:
    """``build(parent_url, **values)``: a resource's URL from the URL of the one it extends.

    For hot paths that already hold the parent's URL (for-verification builds a permalink and
    its metadata link for each of hundreds of pacts): only the extra segments are quoted.
    """
    if not resource.template.startswith(parent.template + "/"):
        raise ValueError(f"{resource.template!r} does not extend {parent.template!r}")
    return _compile_builder(resource.template[len(parent.template) :])


PACTICIPANT_NAMES = {"name": "pacticipant", "number": "version"}
PACT_NAMES = {"number": "consumerApplicationVersion"}

# The index, the heartbeat, and the documents about the API
INDEX = Resource("/")
HEARTBEAT = Resource("/diagnostic/status/heartbeat")
DOC = Resource("/doc/{rel}")
WEBHOOK_DOC = Resource("/doc/webhooks-{rel}", served=False)
OPENAPI = Resource("/openapi.json")

# Publishing and reading pacts
PUBLISH_CONTRACTS = Resource("/contracts/publish")
LATEST_PACTS = Resource("/pacts/latest")
PROVIDER_PACTS = Resource("/pacts/provider/{provider}")
LATEST_PROVIDER_PACTS = Resource("/pacts/provider/{provider}/latest")
LATEST_PROVIDER_PACTS_WITH_TAG = Resource("/pacts/provider/{provider}/latest/{tag}")
PROVIDER_PACTS_WITH_TAG = Resource("/pacts/provider/{provider}/tag/{tag}")
PROVIDER_PACTS_WITH_MAIN_BRANCH = Resource("/pacts/provider/{provider}/branch")
PROVIDER_PACTS_WITH_BRANCH = Resource("/pacts/provider/{provider}/branch/{branch}")
LATEST_PROVIDER_PACTS_WITH_BRANCH = Resource("/pacts/provider/{provider}/branch/{branch}/latest")
LATEST_PROVIDER_PACTS_WITH_MAIN_BRANCH = Resource("/pacts/provider/{provider}/branch/latest")
PACTS_FOR_VERIFICATION = Resource("/pacts/provider/{provider}/for-verification")
PROVIDER_STATES = Resource("/pacts/provider/{provider}/provider-states")
PROVIDER_STATES_FOR_BRANCH = Resource("/pacts/provider/{provider}/provider-states/branch/{branch}")
PROVIDER_STATES_FOR_ENVIRONMENT = Resource(
    "/pacts/provider/{provider}/provider-states/environment/{environment}"
)
LATEST_PACT = Resource("/pacts/provider/{provider}/consumer/{consumer}/latest")
LATEST_UNTAGGED_PACT = Resource("/pacts/provider/{provider}/consumer/{consumer}/latest-untagged")
LATEST_TAGGED_PACT = Resource("/pacts/provider/{provider}/consumer/{consumer}/latest/{tag}")
LATEST_BRANCH_PACT = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}/latest"
)
PACT_VERSIONS = Resource("/pacts/provider/{provider}/consumer/{consumer}/versions")
TAGGED_PACT_VERSIONS = Resource("/pacts/provider/{provider}/consumer/{consumer}/tag/{tag}")
BRANCH_PACT_VERSIONS = Resource("/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}")
LATEST_BRANCH_PACT_VERSIONS = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}/latest/versions"
)
MAIN_BRANCH_PACT_VERSIONS = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/branch/versions"
)
LATEST_MAIN_BRANCH_PACT_VERSIONS = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/branch/latest/versions"
)
PACT = Resource("/pacts/provider/{provider}/consumer/{consumer}/version/{number}", PACT_NAMES)
PACT_PREVIOUS_DISTINCT = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/version/{number}/previous-distinct"
)
PACT_DIFF_PREVIOUS_DISTINCT = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/version/{number}/diff/previous-distinct"
)
PACT_TRIGGERED_WEBHOOKS = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/version/{number}/triggered-webhooks"
)
PACT_VERSION = Resource("/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}")
PACT_VERSION_WITH_METADATA = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/metadata/{metadata}"
)
PACT_VERSION_METADATA_BELOW_PERMALINK = below(PACT_VERSION_WITH_METADATA, PACT_VERSION)
"""``(permalink, metadata=...)``: the metadata link of a pact content from its permalink."""
PACT_VERSION_DIFF = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/diff/pact-version/{other}",
    {"other": "pactVersion"},
)

# Verification results
VERIFICATION_RESULTS = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/verification-results"
)
VERIFICATION_RESULTS_WITH_METADATA = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/metadata/{metadata}"
    "/verification-results"
)
VERIFICATION_RESULT = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/verification-results"
    "/{verification_id}"
)
VERIFICATION_RESULT_WITH_METADATA = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/metadata/{metadata}"
    "/verification-results/{verification_id}"
)
LATEST_VERIFICATION_RESULTS = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/verification-results/latest"
)
VERIFICATION_RESULT_TRIGGERED_WEBHOOKS = Resource(
    "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/verification-results"
    "/{verification_id}/triggered-webhooks"
)
LATEST_CONSUMER_VERSION_VERIFICATION_RESULTS = Resource(
    "/verification-results/consumer/{consumer}/version/{number}/latest"
)

# Pacticipants, versions, branches and tags
PACTICIPANTS = Resource("/pacticipants")
PACTICIPANTS_WITH_LABEL = Resource("/pacticipants/label/{label}")
PACTICIPANT = Resource("/pacticipants/{name}", PACTICIPANT_NAMES)
PACTICIPANT_LABEL = Resource("/pacticipants/{name}/labels/{label}", PACTICIPANT_NAMES)
VERSIONS = Resource("/pacticipants/{name}/versions")
LATEST_VERSION = Resource("/pacticipants/{name}/latest-version", PACTICIPANT_NAMES)
LATEST_TAGGED_VERSION = Resource("/pacticipants/{name}/latest-version/{tag}", PACTICIPANT_NAMES)
VERSION = Resource("/pacticipants/{name}/versions/{number}", PACTICIPANT_NAMES)
TAG = Resource("/pacticipants/{name}/versions/{number}/tags/{tag}", PACTICIPANT_NAMES)
BRANCHES = Resource("/pacticipants/{name}/branches")
BRANCH = Resource("/pacticipants/{name}/branches/{branch}", PACTICIPANT_NAMES)
BRANCH_VERSIONS = Resource("/pacticipants/{name}/branches/{branch}/versions")
BRANCH_VERSION = Resource(
    "/pacticipants/{name}/branches/{branch}/versions/{number}", PACTICIPANT_NAMES
)
BRANCH_LATEST_VERSION = Resource("/pacticipants/{name}/branches/{branch}/latest-version")
CAN_I_DEPLOY_BADGE = Resource(
    "/pacticipants/{name}/latest-version/{tag}/can-i-deploy/to/{to}/badge", {"to": "environmentTag"}
)
CAN_I_DEPLOY_BRANCH_BADGE = Resource(
    "/pacticipants/{name}/branches/{branch}/latest-version/can-i-deploy/to-environment"
    "/{environment}/badge"
)

# Environments, deployments and releases
ENVIRONMENTS = Resource("/environments")
ENVIRONMENT = Resource("/environments/{uuid}")
CURRENTLY_DEPLOYED = Resource("/environments/{uuid}/deployed-versions/currently-deployed")
CURRENTLY_DEPLOYED_FOR_PACTICIPANT = Resource(
    "/environments/{uuid}/deployed-versions/currently-deployed/pacticipant/{name}"
)
CURRENTLY_SUPPORTED = Resource("/environments/{uuid}/released-versions/currently-supported")
RECORD_DEPLOYMENT = Resource(
    "/pacticipants/{name}/versions/{number}/deployed-versions/environment/{uuid}"
)
RECORD_RELEASE = Resource(
    "/pacticipants/{name}/versions/{number}/released-versions/environment/{uuid}"
)
DEPLOYED_VERSION = Resource("/deployed-versions/{uuid}")
RELEASED_VERSION = Resource("/released-versions/{uuid}")

# The matrix
MATRIX = Resource("/matrix")
MATRIX_FOR_PACT = Resource("/matrix/provider/{provider}/consumer/{consumer}")
CAN_I_DEPLOY = Resource("/can-i-deploy")

# Webhooks
WEBHOOKS = Resource("/webhooks")
WEBHOOKS_FOR_PACT = Resource("/webhooks/provider/{provider}/consumer/{consumer}")
WEBHOOKS_FOR_PROVIDER = Resource("/webhooks/provider/{provider}")
WEBHOOKS_FOR_CONSUMER = Resource("/webhooks/consumer/{consumer}")
WEBHOOK = Resource("/webhooks/{webhook_uuid}", {"webhook_uuid": "uuid"})
WEBHOOK_EXECUTION = Resource("/webhooks/{webhook_uuid}/execute")
WEBHOOK_DELIVERIES = Resource("/webhooks/{webhook_uuid}/triggered-webhooks")
WEBHOOK_DELIVERY_LOGS = Resource("/webhooks/{webhook_uuid}/trigger/{trigger_uuid}/logs")
PACT_WEBHOOKS = Resource("/pacts/provider/{provider}/consumer/{consumer}/webhooks")
PACT_WEBHOOKS_STATUS = Resource("/pacts/provider/{provider}/consumer/{consumer}/webhooks/status")

# What the broker holds at a glance
INTEGRATIONS = Resource("/integrations")
METRICS = Resource("/metrics")

# The pages for people (``ui/``): HTML whatever the client accepts. ``/`` and the matrix of an
# integration above are shared with the API; ``/doc/{rel}`` is a page too.
DASHBOARD = Resource("/ui")
MATRIX_PAGE = Resource("/ui/matrix/provider/{provider}/consumer/{consumer}")
LATEST_PACT_PAGE = Resource("/ui/pacts/provider/{provider}/consumer/{consumer}/latest")
PACT_PAGE = Resource("/ui/pacts/provider/{provider}/consumer/{consumer}/version/{number}")

RESOURCES: tuple[Resource, ...] = tuple(
    value for value in tuple(globals().values()) if isinstance(value, Resource)
)
"""Every resource above, in the order declared."""
