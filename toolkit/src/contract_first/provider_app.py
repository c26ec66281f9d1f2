"""The provider under test, from import strings: its ASGI app, its state handlers, its scratch env.

``--app module:attr`` names an ASGI app or a zero-argument factory returning one;
``--states module:attr`` names a mapping from state name to ``handler(action, parameters)``,
or a callable that takes the app and returns that mapping. As with uvicorn, the current
directory is importable (the ``contract-first`` command runs as ``python -m contract_first``),
so ``--app main:app`` finds ``./main.py``.
"""

import importlib
import inspect
import os
import tempfile
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, cast

from contract_first.errors import UsageError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Action = Literal["setup", "teardown"]
StateHandler = Callable[[Action, Mapping[str, Any]], None]
SCRATCH = "{scratch}"


def import_object(import_string: str, flag: str) -> object:
    """The object ``module:attr`` names; a usage error that says what is wrong otherwise."""
    module_name, _, attribute = import_string.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"{flag} {import_string!r} must look like MODULE:ATTRIBUTE, e.g. app:app")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise UsageError(
                f"{flag} {import_string!r}: no module named {error.name!r} importable from "
                f"{Path.cwd()} or the installed packages"
            ) from None
        raise UsageError(
            f"{flag} {import_string!r}: importing {module_name} failed: {error}"
        ) from None
    except Exception as error:
        raise UsageError(
            f"{flag} {import_string!r}: importing {module_name} raised "
            f"{type(error).__name__}: {error}"
        ) from error
    found: object = module
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise UsageError(
                f"{flag} {import_string!r}: {module_name} has no attribute {attribute!r}"
            )
        found = getattr(found, part)
    return found


def load_app(import_string: str) -> AsgiApp:
    """The ASGI app ``import_string`` names, calling it first when it is a factory."""
    target = import_object(import_string, "--app")
    if _is_asgi_app(target):
        return cast(AsgiApp, target)
    if callable(target) and _takes_no_arguments(target):
        try:
            app = target()
        except Exception as error:
            raise UsageError(
                f"--app {import_string!r}: the factory raised {type(error).__name__}: {error}"
            ) from error
        if _is_asgi_app(app):
            return cast(AsgiApp, app)
        raise UsageError(
            f"--app {import_string!r}: the factory returned {type(app).__name__}, not an ASGI app"
        )
    raise UsageError(
        f"--app {import_string!r} is neither an ASGI app nor a factory that takes no arguments"
    )


def load_states(import_string: str, app: object) -> dict[str, StateHandler]:
    """The state handlers ``import_string`` names: a mapping, or a callable given the app."""
    target = import_object(import_string, "--states")
    handlers: object = target
    if not isinstance(target, Mapping) and callable(target):
        try:
            handlers = target(app)
        except Exception as error:
            raise UsageError(
                f"--states {import_string!r}: calling it with the app raised "
                f"{type(error).__name__}: {error}"
            ) from error
    if not isinstance(handlers, Mapping):
        raise UsageError(
            f"--states {import_string!r} must be a mapping of state name to handler, or a "
            f"callable taking the app and returning one; got {type(handlers).__name__}"
        )
    not_callable = sorted(str(name) for name, handler in handlers.items() if not callable(handler))
    if not_callable:
        raise UsageError(
            f"--states {import_string!r}: these states' handlers are not callable: "
            f"{', '.join(not_callable)}"
        )
    return {str(name): handler for name, handler in handlers.items()}


@contextmanager
def scratch_environment(variables: Mapping[str, str]) -> Iterator[Path]:
    """Set ``variables`` (``{scratch}`` becomes a fresh temporary folder) for the block's length.

    This is how a provider's storage is pointed away from real data while it is verified.
    """
    with tempfile.TemporaryDirectory(prefix="contract-first-") as folder:
        saved = {name: os.environ.get(name) for name in variables}
        os.environ.update(
            {name: value.replace(SCRATCH, folder) for name, value in variables.items()}
        )
        try:
            yield Path(folder)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _is_asgi_app(candidate: object) -> bool:
    if inspect.isclass(candidate) or not callable(candidate):
        return False
    call = candidate if inspect.isroutine(candidate) else type(candidate).__call__
    try:
        parameters = inspect.signature(call).parameters
    except (TypeError, ValueError):
        return False
    positional = [
        p
        for p in parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self"
    ]
    return len(positional) == 3 and (
        inspect.iscoroutinefunction(call)
        or hasattr(candidate, "router")
        or hasattr(candidate, "app")
    )


def _takes_no_arguments(candidate: object) -> bool:
    try:
        parameters = inspect.signature(candidate).parameters.values()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters
    )
