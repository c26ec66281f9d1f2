"""A provider the toolkit has never seen: a tiny FastAPI app, its states, and a real pact for it.

It is not user-service and has no ``/health`` route; it is verified only through the installed
``contract-first`` command, the way a team would try the toolkit on its own service. The
``THINGS_VARIANT`` variable turns it into the provider changes the verifier must catch.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import httpx
from pact import Pact, match

CLI = Path(sys.executable).parent / "contract-first"
PROVIDER, CONSUMER = "things", "things-web"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

APP = '''\
"""A provider of things; THINGS_VARIANT makes it break its consumer in one chosen way."""

import os

from fastapi import FastAPI
from fastapi.responses import JSONResponse, RedirectResponse

THINGS: dict[int, dict[str, str]] = {}
app = FastAPI(title="things")


@app.get("/things/{thing_id}")
def get_thing(thing_id: int) -> object:
    variant = os.environ.get("THINGS_VARIANT", "good")
    if variant == "redirect":
        return RedirectResponse(f"/v2/things/{thing_id}", status_code=308)
    return _answer(thing_id, variant)


@app.get("/v2/things/{thing_id}")
def get_thing_v2(thing_id: int) -> object:
    return _answer(thing_id, "good")


def _answer(thing_id: int, variant: str) -> object:
    thing = THINGS.get(thing_id)
    if thing is None:
        return JSONResponse({"detail": "no such thing"}, status_code=404)
    if variant == "renamed":
        return {"id": thing_id, "title": thing["name"], "email": thing["email"]}
    if variant == "created-and-renamed":
        body = {"id": thing_id, "title": thing["name"], "email": thing["email"]}
        return JSONResponse(body, status_code=201)
    if variant == "email-array":
        return {"id": thing_id, "name": thing["name"], "email": [thing["email"]]}
    return {"id": thing_id, **thing}
'''

STATES = '''\
"""State handlers for the things provider: a plain mapping, no app needed."""

from things_app import THINGS


def a_thing_exists(action, parameters):
    thing_id = int(parameters["id"])
    if action == "teardown":
        THINGS.pop(thing_id, None)
    else:
        THINGS[thing_id] = {"name": parameters["name"], "email": parameters["email"]}


def no_thing_exists(action, parameters):
    THINGS.pop(int(parameters["id"]), None)


def explode(action, parameters):
    raise RuntimeError("the seed data is broken")


states = {"a thing exists": a_thing_exists, "no thing exists": no_thing_exists}
broken_states = {**states, "a thing exists": explode}
'''


@dataclass(frozen=True)
class SampleProject:
    """Where the sample provider lives and where its pacts are."""

    root: Path

    @property
    def pacts(self) -> Path:
        """The folder the consumer's pact is written to."""
        return self.root / "pacts"

    def verify(
        self, *arguments: str, variant: str = "good", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``contract-first verify`` on the sample provider, run from the project folder."""
        command = [
            str(CLI),
            "verify",
            "--provider",
            PROVIDER,
            "--app",
            "things_app:app",
            "--states",
            "things_states:states",
            "--pacts",
            str(self.pacts),
            *arguments,
        ]
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PACT_", "CONTRACT_FIRST")) and key != "CI"
        }
        # Only what the test sets: a CI=true or PACT_* from the caller must not change the run.
        environment |= {"THINGS_VARIANT": variant, "PACT_DO_NOT_TRACK": "true", **(env or {})}
        return subprocess.run(
            command,
            cwd=self.root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def write_pact(folder: Path, field: str = "name") -> Path:
    """What things-web needs, written by pact-python after a real request to its mock server."""
    pact = Pact(CONSUMER, PROVIDER).with_specification("V4")
    (
        pact.upon_receiving("a request for thing 1")
        .given("a thing exists", id=1, name="Ada", email="ada@example.com")
        .with_request("GET", "/things/1")
        .will_respond_with(200)
        .with_body(
            {
                "id": match.int(1),
                field: match.str("Ada"),
                "email": match.regex("ada@example.com", regex=EMAIL),
            },
            content_type="application/json",
        )
    )
    (
        pact.upon_receiving("a request for a missing thing")
        .given("no thing exists", id=2)
        .with_request("GET", "/things/2")
        .will_respond_with(404)
    )
    with pact.serve() as server:
        assert httpx.get(f"{server.url}/things/1").status_code == 200
        assert httpx.get(f"{server.url}/things/2").status_code == 404
    folder.mkdir(parents=True, exist_ok=True)
    pact.write_file(folder, overwrite=True)
    return folder / f"{CONSUMER}-{PROVIDER}.json"


def write_sample_project(root: Path, pact: Path) -> SampleProject:
    """The provider's two modules, and a copy of the consumer's ``pact`` in ``pacts/``."""
    root.mkdir(parents=True)
    (root / "things_app.py").write_text(APP, encoding="utf-8")
    (root / "things_states.py").write_text(textwrap.dedent(STATES), encoding="utf-8")
    project = SampleProject(root)
    project.pacts.mkdir()
    shutil.copy(pact, project.pacts / pact.name)
    return project
