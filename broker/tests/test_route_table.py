"""Which requests routes of two modules both answer, and the include order that must decide them.

``app.py`` includes the hot routes' modules first to cut route matching on every request. That
is only safe where reordering cannot change which route answers a request. Every route
parameter is exactly one path segment (``{x:segment}``; a ``/`` in a value is sent as ``%2F``),
so two routes can both match a path only if they have as many segments and, segment by
segment, the same literal or a parameter in at least one of them: that is computed exactly here,
from the routes' paths, and each overlap is confirmed with the routes' own matching.

An overlap between two modules must be listed in ``MUST_PRECEDE``, naming the module that must
be included first and why; the app must answer the listed path with that module's route.
Within a module, order is kept by its decorators (``/branch/versions`` before
``/branch/{branch}``), so it is not checked here.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.routing import Match

from local_pact_broker.api.http_methods import leaf_routes
from local_pact_broker.api.path_segments import SegmentConvertor
from local_pact_broker.app import create_app
from local_pact_broker.settings import Settings


@dataclass(frozen=True)
class Precedence:
    """Module ``first`` must be included before ``then``: both answer ``path``."""

    first: str
    then: str
    path: str
    why: str


MUST_PRECEDE = [
    Precedence(
        "labels",
        "pacticipants",
        "/pacticipants/label/versions",
        "the official broker routes /pacticipants/label/{label} before /pacticipants/{name}/...",
    ),
]


def _routes(tmp_path: Path) -> list[Any]:
    app = create_app(Settings(database=tmp_path / "broker.sqlite3"))
    return list(leaf_routes(list(app.routes)))


def _module(route: Any) -> str:
    return str(route.endpoint.__module__).rsplit(".", 1)[-1]


def _is_parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _witness(path: str, other: str) -> str | None:
    """A path both templates match (their literals, ``x`` where both take a parameter)."""
    ours, theirs = path.split("/"), other.split("/")
    if len(ours) != len(theirs):
        return None
    segments = []
    for mine, yours in zip(ours, theirs, strict=True):
        if _is_parameter(mine) and _is_parameter(yours):
            segments.append("x")
        elif _is_parameter(mine) or _is_parameter(yours) or mine == yours:
            segments.append(yours if _is_parameter(mine) else mine)
        else:
            return None
    return "/".join(segments)


def _answers(route: Any, path: str, method: str) -> bool:
    scope = {"type": "http", "path": path, "method": method, "root_path": ""}
    return method in route.methods and route.matches(scope)[0] is Match.FULL


def overlaps(routes: list[Any]) -> dict[frozenset[str], list[str]]:
    """Requests routes of two modules both answer, as ``METHOD path``, by pair of modules."""
    found: dict[frozenset[str], list[str]] = {}
    for index, route in enumerate(routes):
        for other in routes[index + 1 :]:
            pair = frozenset({_module(route), _module(other)})
            path = _witness(route.path, other.path)
            if len(pair) < 2 or path is None:
                continue
            for method in sorted(route.methods & other.methods):
                if _answers(route, path, method) and _answers(other, path, method):
                    found.setdefault(pair, []).append(f"{method} {path}")
    return found


def test_every_route_parameter_is_one_path_segment(tmp_path: Path) -> None:
    """Else a route could take the tail of another's path, and ``%2F`` in a value is lost."""
    routes = _routes(tmp_path)
    assert len(routes) > 80, "the app's routes were not read"
    found = [
        f"{route.path} ({name})"
        for route in routes
        for name, convertor in route.param_convertors.items()
        if not isinstance(convertor, SegmentConvertor)
    ]
    assert found == [], (
        f"route parameters without the segment convertor: {found}; take the path from "
        "domain/urls.py (a Resource) or wrap it in urls.route_template"
    )


def test_every_overlap_between_modules_has_a_declared_order(tmp_path: Path) -> None:
    declared = {frozenset({p.first, p.then}) for p in MUST_PRECEDE}
    undeclared = {
        f"{' and '.join(sorted(pair))}: {requests[:3]}"
        for pair, requests in overlaps(_routes(tmp_path)).items()
        if pair not in declared
    }
    assert not undeclared, (
        "routes of two modules answer the same requests; app.py's include order decides which, "
        "so add to MUST_PRECEDE which module must come first and why (or make the paths "
        "differ):\n  " + "\n  ".join(sorted(undeclared))
    )


def test_each_declared_order_holds_and_is_still_needed(tmp_path: Path) -> None:
    routes = _routes(tmp_path)
    found = overlaps(routes)
    for rule in MUST_PRECEDE:
        pair = f"{rule.first} before {rule.then}"
        assert any(
            request.endswith(f" {rule.path}")
            for request in found.get(frozenset({rule.first, rule.then}), [])
        ), f"MUST_PRECEDE {pair}: {rule.path} is no longer answered by both; remove the rule"
        answering = next(r for r in routes if _answers(r, rule.path, "GET"))
        assert _module(answering) == rule.first, (
            f"app.py must include {rule.first} before {rule.then}: both answer {rule.path}, "
            f"and {rule.first} must ({rule.why}); {_module(answering)} answers it now"
        )


def test_an_overlap_between_modules_is_found(tmp_path: Path) -> None:
    routes = _routes(tmp_path)
    pact = next(r for r in routes if r.path.endswith("/pact-version/{sha:segment}"))

    class Planted:
        """A route of another module with the pact content route's path, its sha a word."""

        path = pact.path.replace("{sha:segment}", "latest")
        methods = frozenset({"GET"})
        endpoint = type("Endpoint", (), {"__module__": "planted.module"})

        def matches(self, scope: dict[str, Any]) -> tuple[Match, dict[str, Any]]:
            full = scope["path"].endswith("/pact-version/latest") and scope["method"] == "GET"
            return (Match.FULL if full else Match.NONE), {}

    found = overlaps([*routes, Planted()])

    assert set(found) - set(overlaps(routes)) == {frozenset({"pacts", "module"})}, found
    assert found[frozenset({"pacts", "module"})] == [
        "GET /pacts/provider/x/consumer/x/pact-version/latest"
    ]
