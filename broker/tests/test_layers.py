"""The broker's layers hold: imports only run down, SQL stays in ``db/``, paths in the URL table.

Layers, lowest first: ``domain`` (pure rules and the URL table) < ``db`` (SQLite) < ``services``
(writes and events) < ``api`` (HTTP) < ``ui`` (pages, on top of the API's helpers) < the
modules that wire them (``app``, ``cli``, ``__main__``, ``background``). ``settings`` is
configuration: anything above ``db`` may read it. The checks read the source with ``ast``, so
nothing is imported or run; each is first shown to catch a planted violation.
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import local_pact_broker
from local_pact_broker.api.http_methods import leaf_routes
from local_pact_broker.app import create_app
from local_pact_broker.domain import urls
from local_pact_broker.settings import Settings

PACKAGE = "local_pact_broker"
SOURCE = Path(local_pact_broker.__file__).parent
LAYERS = ("domain", "db", "services", "api", "ui", "wiring")
WIRING = frozenset({"app", "cli", "__main__", "background", "__init__"})
CONFIGURATION = "settings"
LOWEST_READING_CONFIGURATION = "services"
SQL = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM"
    r"|CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)|DROP\s+(TABLE|INDEX)|ALTER\s+TABLE|PRAGMA\s+\w+)\b",
    re.DOTALL,
)
SQL_CALLS = frozenset({"execute", "executemany", "executescript"})


@dataclass(frozen=True)
class Module:
    """A module of the package: its dotted name and its parsed source."""

    name: str
    path: Path
    tree: ast.Module

    @property
    def layer(self) -> str:
        """``domain``, ``db``, ``services``, ``api``, ``ui``, ``wiring`` or ``settings``."""
        return layer_of(self.name)


def layer_of(name: str) -> str:
    """The layer of a dotted module name inside the package."""
    first = name.split(".")[1] if "." in name else "__init__"
    if first == CONFIGURATION:
        return CONFIGURATION
    return first if first in LAYERS else "wiring" if first in WIRING else first


def parse(name: str, source: str, path: Path = Path("<planted>")) -> Module:
    """A module from source text (the real tree, or a planted example)."""
    return Module(name, path, ast.parse(source, filename=str(path)))


def package_modules() -> list[Module]:
    """Every module of the package, parsed."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE).with_suffix("").parts
        dotted = ".".join((PACKAGE, *parts))
        found.append(parse(dotted.removesuffix(".__init__"), path.read_text("utf-8"), path))
    return found


def _imported(module: Module) -> Iterator[tuple[int, str]]:
    """``(line, dotted name)`` of every import of the package's own modules."""
    package = module.name if module.path.name == "__init__.py" else module.name.rsplit(".", 1)[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}" if base == PACKAGE else base


def _allowed(importer: str, imported: str) -> bool:
    if importer in (imported, "wiring"):
        return True
    if imported == CONFIGURATION:
        return importer in LAYERS and LAYERS.index(importer) >= LAYERS.index(
            LOWEST_READING_CONFIGURATION
        )
    if importer == CONFIGURATION or imported not in LAYERS or importer not in LAYERS:
        return False
    return LAYERS.index(imported) <= LAYERS.index(importer)


def upward_imports(modules: list[Module]) -> list[str]:
    """Every import from a lower layer of a higher one, as ``file:line: a imports b``."""
    found = []
    for module in modules:
        for line, name in _imported(module):
            if name != PACKAGE and not name.startswith(PACKAGE + "."):
                continue
            imported = layer_of(name)
            if not _allowed(module.layer, imported):
                found.append(
                    f"{module.path.name}:{line}: {module.name} ({module.layer}) imports"
                    f" {name} ({imported})"
                )
    return list(dict.fromkeys(found))


def _docstrings(tree: ast.Module) -> set[int]:
    nodes: list[ast.AST] = [tree]
    nodes.extend(
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    )
    ids = set()
    for node in nodes:
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            ids.add(id(body[0].value))
    return ids


def _strings(module: Module) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of string constants (f-string parts included) but not docstrings."""
    docstrings = _docstrings(module.tree)
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def sql_in(module: Module) -> list[str]:
    """Where a module touches SQL: ``sqlite3``, ``execute(...)`` or an SQL statement."""
    found = []
    for line, name in _imported(module):
        if name == "sqlite3" or name.startswith("sqlite3."):
            found.append(f"{module.path.name}:{line}: imports sqlite3")
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
        ):
            found.append(f"{module.path.name}:{node.lineno}: calls .{node.func.attr}(...)")
    for line, text in _strings(module):
        if SQL.search(text):
            found.append(f"{module.path.name}:{line}: SQL {text[:60]!r}")
    return found


def _path_words() -> set[str]:
    """Every literal segment of the table's paths (``pacts``, ``versions``, ``latest``...)."""
    return {
        word
        for resource in urls.RESOURCES
        for word in resource.template.strip("/").split("/")
        if word and "{" not in word
    }


HAND_WRITTEN_PATH = re.compile(rf"^/({'|'.join(map(re.escape, sorted(_path_words())))})(/|\?|$)")


def hand_written_paths(module: Module) -> list[str]:
    """String literals that spell out an API path instead of taking it from the URL table."""
    return [
        f"{module.path.name}:{line}: {text!r}"
        for line, text in _strings(module)
        if HAND_WRITTEN_PATH.match(text)
    ]


def asserts(module: Module) -> list[str]:
    """``assert`` statements (gone under ``python -O``: not a way to check production data)."""
    return [
        f"{module.path.name}:{node.lineno}: assert"
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Assert)
    ]


MODULES = package_modules()


def _in(*layers: str) -> list[Module]:
    return [m for m in MODULES if m.layer in layers]


# The checks catch what they are for (so a pass below means something).


@pytest.mark.parametrize(
    ("importer", "source"),
    [
        ("local_pact_broker.domain.rules", "from local_pact_broker.db import storage"),
        ("local_pact_broker.domain.rules", "from local_pact_broker.settings import Settings"),
        ("local_pact_broker.db.repo", "from local_pact_broker.services.events import Event"),
        ("local_pact_broker.db.repo", "import local_pact_broker.api.errors"),
        ("local_pact_broker.services.svc", "from local_pact_broker.api.hal import link"),
        ("local_pact_broker.services.svc", "from local_pact_broker import api"),
        ("local_pact_broker.api.routes.x", "from local_pact_broker.ui.pages import router"),
        ("local_pact_broker.api.routes.x", "from ...ui import pages"),
        ("local_pact_broker.api.errors", "from local_pact_broker.app import create_app"),
    ],
)
def test_an_upward_import_is_named(importer: str, source: str) -> None:
    [found] = upward_imports([parse(importer, source)])
    assert importer in found
    assert "imports" in found


@pytest.mark.parametrize(
    "source",
    [
        "import sqlite3",
        "db.execute('x')",
        "QUERY = 'SELECT name FROM pacticipants'",
        'sql = f"DELETE FROM tags WHERE name = {x}"',
        "x = ('INSERT OR IGNORE INTO tags (a)' ' VALUES (?)')",
    ],
)
def test_sql_in_a_module_is_found(source: str) -> None:
    assert sql_in(parse("local_pact_broker.api.routes.x", source))


def test_words_that_are_not_sql_pass() -> None:
    source = '"""Select the latest pact from each consumer."""\nTITLE = "Delete a webhook"\n'
    assert sql_in(parse("local_pact_broker.api.routes.x", source)) == []


def test_a_hand_written_path_is_found() -> None:
    source = 'href = f"{base}/pacticipants/{name}/versions/{number}"\nq = "?latestby=cvp"\n'
    found = hand_written_paths(parse("local_pact_broker.api.routes.x", source))
    assert [line.split(": ", 1)[1] for line in found] == ["'/pacticipants/'", "'/versions/'"]


def test_a_hand_written_page_path_is_found() -> None:
    source = 'PAGE = "/ui/pacts/provider/{provider}"\n@router.get("/ui")\ndef f(): ...\n'
    found = hand_written_paths(parse("local_pact_broker.ui.pages", source))
    assert [line.split(": ", 1)[1] for line in found] == [
        "'/ui/pacts/provider/{provider}'",
        "'/ui'",
    ]


# The broker's own source.


def test_the_package_was_read() -> None:
    layers = {m.layer for m in MODULES}
    assert {"domain", "db", "services", "api", "ui", "wiring", "settings"} <= layers
    assert len(MODULES) > 40


def test_no_layer_imports_a_higher_one() -> None:
    assert upward_imports(MODULES) == []


def test_no_sql_in_the_api_or_the_pages() -> None:
    found = [line for module in _in("api", "ui") for line in sql_in(module)]
    assert found == [], "SQL belongs in db/*_repository.py"


def test_only_the_db_layer_touches_sqlite() -> None:
    found = [
        line
        for module in MODULES
        if module.layer != "db"
        for line in sql_in(module)
        if "sqlite3" in line or ".execute" in line
    ]
    assert found == [], "only db/ may use sqlite3; the others get records from repositories"


def test_no_assert_in_production_code() -> None:
    found = [line for module in MODULES for line in asserts(module)]
    assert found == [], "raise an explicit error instead"


def test_neither_the_api_nor_the_pages_spell_a_path_themselves() -> None:
    found = [line for module in _in("api", "ui") for line in hand_written_paths(module)]
    assert found == [], "take paths from local_pact_broker.domain.urls"


def test_every_route_and_page_is_a_served_resource_of_the_url_table(tmp_path: Path) -> None:
    app = create_app(Settings(database=tmp_path / "broker.sqlite3"))
    routes = list(leaf_routes(list(app.routes)))
    ours = (f"{PACKAGE}.api.routes", f"{PACKAGE}.ui")
    declared = {r.path for r in routes if r.endpoint.__module__.startswith(ours)}
    assert any(path.startswith("/ui") for path in declared), "the pages' routes were not read"
    served = {resource.template for resource in urls.RESOURCES if resource.served}
    assert declared - served == set(), "declare the path in domain/urls.py and use its template"
    routed = {route.path for route in routes}
    assert served - routed == set(), "a resource marked served has no route: served=False?"
