"""``pip install ./toolkit`` brings everything the toolkit imports, and nothing of this repo.

A fresh-venv install outside the repository is measured by hand (see the session notes); this
test keeps it true on every change: every third-party module the package imports must come
from a distribution it declares, and it must never import the example services or the broker.
"""

import ast
import sys
from importlib.metadata import packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement

import contract_first

PACKAGE = Path(contract_first.__file__).parent
THIS_REPOSITORY = {
    "user_service",
    "notifications",
    "signup",
    "user_service_client",
    "local_pact_broker",
}


def imported_top_level_modules() -> dict[str, set[str]]:
    """Top-level module -> the toolkit files that import it (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.name)
    return found


def test_every_third_party_import_is_a_declared_dependency() -> None:
    declared = {Requirement(r).name.lower() for r in requires("contract-first") or ()}
    distributions = packages_distributions()
    undeclared = {}
    for module, files in imported_top_level_modules().items():
        if module in sys.stdlib_module_names or module == "contract_first":
            continue
        owners = {d.lower() for d in distributions.get(module, [])}
        if not owners & declared:
            undeclared[module] = sorted(files)

    assert undeclared == {}, f"imported but not in toolkit/pyproject.toml: {undeclared}"


def test_the_toolkit_never_imports_this_repositorys_services() -> None:
    leaks = {m: sorted(f) for m, f in imported_top_level_modules().items() if m in THIS_REPOSITORY}

    assert leaks == {}, f"the toolkit must work for any provider, but imports {leaks}"
