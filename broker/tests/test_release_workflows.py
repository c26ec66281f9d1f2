"""The release pipeline in .github/workflows/: what each workflow promises, checked here.

GitHub Actions cannot run on this machine, so the workflows' shape is asserted from their YAML
(`just lint` adds GitHub's workflow schema and zizmor), and the one command whose behaviour is
the point, the consumer's can-i-deploy that must wait for the webhook-started verification,
is run as written, through `just` and the project's verb, against a live local broker, with the
verification published only after its first answer came back unknown. Only its retry interval
is shortened there, to keep the suite fast; a shape check holds the workflows' own interval.
"""

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from ruamel.yaml import YAML

from local_pact_broker.app import create_app
from local_pact_broker.settings import Settings

from .api_seed import deploy, pact_document, publish, verify

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
RELEASE_WORKFLOWS = ("consumer.yml", "provider.yml")
# The project's verb, as the workflow runs it (scripts/run.py bootstraps just into .tools/ and
# runs `just can-i-deploy`); the test runs the same recipe with the `just` of this venv.
CLI_PREFIX = "python3 scripts/run.py can-i-deploy "
RUNNER = "python3 scripts/run.py "
JUST = shutil.which("just")
# Seconds between asks the workflows may use: often enough to answer soon after the result
# lands, seldom enough not to hammer the broker; and they must wait at least this long in all.
INTERVAL_SECONDS = range(5, 61)
LEAST_WAIT_SECONDS = 120
TEST_INTERVAL = "--retry-interval 1"
ONLY_OFF_MAIN = "${{ github.ref != 'refs/heads/main' }}"
PINNED = re.compile(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return loaded


def _all_workflows() -> list[str]:
    return sorted(path.name for path in WORKFLOWS.glob("*.yml"))


def _runs(job: dict[str, Any]) -> list[str]:
    return [str(step.get("run", "")) for step in job["steps"]]


def _can_i_deploy_step(workflow: str) -> dict[str, Any]:
    job = _load(workflow)["jobs"]["can-i-deploy"]
    steps = [s for s in job["steps"] if str(s.get("run", "")).startswith(CLI_PREFIX)]
    assert len(steps) == 1, f"{workflow}: expected one can-i-deploy step in job can-i-deploy"
    step: dict[str, Any] = steps[0]
    return step


@pytest.mark.parametrize("workflow", RELEASE_WORKFLOWS)
def test_every_push_to_every_branch_runs_the_pipeline(workflow: str) -> None:
    push = _load(workflow)["on"]["push"]
    assert push == {"branches": ["**"]}, (
        f"{workflow}: `on.push` must be every branch with no paths filter (a lockfile or "
        f"pyproject bump must publish and verify too), not {push!r}"
    )
    first = _load(workflow)["jobs"]["pact" if workflow == "consumer.yml" else "verify-pacts"]
    assert "if" not in first, f"{workflow}: publishing/verifying must not be conditional"


@pytest.mark.parametrize("workflow", RELEASE_WORKFLOWS)
def test_can_i_deploy_waits_for_results_after_creating_the_environment(workflow: str) -> None:
    job = _load(workflow)["jobs"]["can-i-deploy"]
    runs = _runs(job)
    asking = runs.index(str(_can_i_deploy_step(workflow)["run"]))
    command = runs[asking]
    assert command.startswith(f'{CLI_PREFIX}"$PACTICIPANT" production '), (
        f"{workflow}: ask about the matrix's pacticipant and production: {command!r}"
    )
    retries = re.search(r"--retry-while-unknown (\d+)", command)
    interval = re.search(r"--retry-interval (\d+)", command)
    assert retries, f"{workflow}: can-i-deploy must wait for unknown results: {command!r}"
    assert interval, f"{workflow}: say how long to wait between asks: {command!r}"
    seconds, waited = int(interval[1]), int(retries[1]) * int(interval[1])
    assert seconds in INTERVAL_SECONDS, (
        f"{workflow}: --retry-interval {seconds} is outside {INTERVAL_SECONDS.start}-"
        f"{INTERVAL_SECONDS.stop - 1} seconds"
    )
    assert LEAST_WAIT_SECONDS <= waited < job["timeout-minutes"] * 60, (
        f"{workflow}: can-i-deploy waits at most {waited} s for a verification; make it at "
        f"least {LEAST_WAIT_SECONDS} s and less than the job's {job['timeout-minutes']} minutes"
    )
    created = [i for i, run in enumerate(runs) if "create-environment production" in run]
    assert created, f"{workflow}: the production environment is never created"
    assert created[0] < asking, f"{workflow}: create the environment before asking about it"


@pytest.mark.parametrize("workflow", _all_workflows())
def test_deployments_are_recorded_only_after_the_deploy_step_on_main(workflow: str) -> None:
    for name, job in _load(workflow)["jobs"].items():
        steps = job["steps"]
        records = [i for i, step in enumerate(steps) if "record-deployment" in step.get("run", "")]
        if not records:
            continue
        where = f"{workflow}, job {name}"
        assert job.get("environment") == "production", f"{where}: needs `environment: production`"
        assert job.get("if") == "github.ref == 'refs/heads/main'", f"{where}: deploy from main only"
        deploys = [i for i, s in enumerate(steps) if str(s.get("name", "")).startswith("Deploy ")]
        assert deploys, f"{where}: no step named 'Deploy ...' before record-deployment"
        assert deploys[-1] < records[0], f"{where}: record-deployment runs before the deploy"
        assert all("if" not in steps[i] for i in records), (
            f"{where}: record-deployment must run only when the steps before it succeeded"
        )


@pytest.mark.parametrize("workflow", _all_workflows())
def test_only_runs_off_main_are_cancelled(workflow: str) -> None:
    concurrency = _load(workflow).get("concurrency")
    assert concurrency, f"{workflow}: no concurrency group"
    assert concurrency["cancel-in-progress"] in (False, ONLY_OFF_MAIN), (
        f"{workflow}: cancel-in-progress must be false or {ONLY_OFF_MAIN}, "
        f"not {concurrency['cancel-in-progress']!r}"
    )


def test_verify_changed_pact_runs_on_the_webhook_and_by_hand_with_a_pact_url() -> None:
    workflow = _load("verify-changed-pact.yml")
    assert workflow["on"]["repository_dispatch"]["types"] == [
        "contract_requiring_verification_published"
    ]
    pact_url = workflow["on"]["workflow_dispatch"]["inputs"]["pact_url"]
    assert pact_url["required"] is True, "the pact URL input must be required"
    assert "inputs.pact_url" in workflow["env"]["PACT_URL"], workflow["env"]["PACT_URL"]


@pytest.mark.parametrize("workflow", _all_workflows())
def test_every_job_caches_uv_keyed_on_the_lockfile_and_drops_git_credentials(
    workflow: str,
) -> None:
    for name, job in _load(workflow)["jobs"].items():
        caches = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/cache@")]
        assert caches, f"{workflow}, job {name}: no uv cache"
        assert caches[0]["with"]["path"] == "~/.cache/uv", f"{workflow}, job {name}"
        assert "hashFiles('uv.lock')" in caches[0]["with"]["key"], f"{workflow}, job {name}"
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, (
                    f"{workflow}, job {name}: checkout must set persist-credentials: false"
                )


@pytest.mark.parametrize("workflow", _all_workflows())
def test_every_action_is_pinned_by_commit_with_its_version(workflow: str) -> None:
    text = (WORKFLOWS / workflow).read_text(encoding="utf-8")
    uses = [line.strip().removeprefix("- ") for line in text.splitlines() if "uses:" in line]
    assert uses, f"{workflow}: no actions"
    unpinned = [line for line in uses if not PINNED.search(line)]
    assert not unpinned, f"{workflow}: pin by full commit SHA with a `# vX.Y.Z` comment: {unpinned}"


class _MatrixAnswers:
    """ASGI wrapper: signals once the broker has finished answering a `GET /matrix`."""

    def __init__(self, app: Asgi) -> None:
        self.app = app
        self.count = 0
        self.answered = threading.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/matrix":
            await self.app(scope, receive, send)
            return

        async def sent(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.count += 1
                self.answered.set()

        await self.app(scope, receive, sent)


@contextmanager
def _watched_broker(database: Path) -> Iterator[tuple[str, _MatrixAnswers]]:
    watcher = _MatrixAnswers(create_app(Settings(database=database, port=0)))
    config = uvicorn.Config(watcher, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the local broker did not start"
        thread.join(timeout=0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", watcher
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_consumer_can_i_deploy_waits_for_the_verification_the_webhook_starts(
    tmp_path: Path,
) -> None:
    assert JUST, "`just` is not on PATH: run the tests with `uv run` (rust-just is a dev tool)"
    command = str(_can_i_deploy_step("consumer.yml")["run"])
    interval = re.search(r"--retry-interval \d+", command)
    assert interval, f"consumer.yml: no --retry-interval in {command!r}"
    command = command.replace(RUNNER, f"{JUST} ", 1).replace(interval[0], TEST_INTERVAL)
    with _watched_broker(tmp_path / "broker.sqlite3") as (url, watcher):
        with httpx.Client(base_url=url, timeout=10) as client:
            # Production runs user-service p1, which verified the consumer's old pact c0.
            publish(
                client,
                "notification-service",
                "c0",
                pact_document("notification-service", "user-service"),
            )
            verify(client, "notification-service", "user-service", "p1", success=True)
            deploy(client, "user-service", "p1", "production")
            # The consumer publishes a changed pact as c1: unknown until p1 verifies it.
            changed = pact_document("notification-service", "user-service", "get thing, v2")
            publish(client, "notification-service", "c1", changed)
        inherited = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PACT_", "CONTRACT_FIRST", "GITHUB_")) and key != "CI"
        }
        env = {
            **inherited,  # PATH (uv, which the recipe runs) and HOME; no broker setting
            "PACT_DO_NOT_TRACK": "true",
            "PACT_BROKER_BASE_URL": url,
            "PACTICIPANT": "notification-service",
            "PACT_CONSUMER_VERSION": "c1",
        }
        with subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as asking:
            try:
                assert watcher.answered.wait(timeout=60), "can-i-deploy never queried the matrix"
                # The webhook-started build (verify-changed-pact) publishes its result now.
                with httpx.Client(base_url=url, timeout=10) as client:
                    verify(client, "notification-service", "user-service", "p1", success=True)
                output, _ = asking.communicate(timeout=120)
            finally:
                if asking.poll() is None:
                    asking.kill()
    assert watcher.count >= 2, (
        f"can-i-deploy asked {watcher.count} time(s): it gave up on its first unknown answer "
        f"instead of waiting for the verification:\n{output}"
    )
    assert asking.returncode == 0, f"can-i-deploy said no once the result was in:\n{output}"
    assert "yes: notification-service c1 may be deployed to production" in output, output
