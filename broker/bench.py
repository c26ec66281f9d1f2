"""Latency of the broker's hot endpoints over real HTTP on loopback, at two data sizes.

Run: ``uv run python broker/bench.py`` (``--samples N`` to change the 200 timed requests,
``--sizes 20 200`` for the versions per consumer).

Data: 50 consumers with 20 (then 200) versions each, seeded through the repository layer for
speed (the same code the publish route runs). Consumer versions are on ``main`` except every
tenth, on one of two feature branches; every 4th version is verified by the provider version
``p-1`` (main branch, deployed to production), and so is the one before the latest, which is
deployed to production. Each pact has 3 interactions and differs per version.

Measured, one after another against ``python -m local_pact_broker`` (uvicorn, own process,
fresh database per size), each as sequential requests on one keep-alive httpx connection,
wall time from sending the request to having read the whole body (no JSON decoding), after 5
warm-up requests; medians and nearest-rank p95 of ``--samples`` requests:

- for-verification: ``POST /pacts/provider/Provider/for-verification`` with ``mainBranch`` and
  ``deployedOrReleased`` selectors, pending status, WIP since 2020 and provider branch
  ``main``. The data implies 200 pacts (checked before timing): per consumer the main head
  (pending), the deployed version (verified, not pending) and the heads of the two feature
  branches (WIP). Feature branches do not grow with the history, so the answer is the same at
  both sizes and only the stored history differs.
- can-i-deploy: the latest version of a consumer (cycling through them) to production.
- verification result: a successful result for the latest pact of a consumer.
- publish: a new version on branch ``bench`` with one changed pact (runs last, so the reads
  above see the seeded data only).

Latencies on a shared 2-core VM vary by about +-20 % from run to run; compare runs made
one after the other.
"""

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from local_pact_broker.db import environments_repository as environments
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.pact_content import pact_sha
from local_pact_broker.services.publishing import (
    ContractToPublish,
    PublishRequest,
    publish_contracts,
)

CONSUMERS = 50
FEATURE_BRANCHES = 2
PROVIDER = "Provider"
BASE = "http://127.0.0.1"
FOR_VERIFICATION = {
    "consumerVersionSelectors": [{"mainBranch": True}, {"deployedOrReleased": True}],
    "includePendingStatus": True,
    "includeWipPactsSince": "2020-01-01",
    "providerVersionBranch": "main",
}


def pact(consumer: str, version: str) -> dict[str, Any]:
    """A realistic small pact whose content differs per consumer version."""
    interactions = [
        {
            "type": "Synchronous/HTTP",
            "description": f"get thing {n} ({version})",
            "providerStates": [{"name": "a thing exists", "params": {"id": n}}],
            "request": {"method": "GET", "path": f"/things/{n}"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": ["application/json"]},
                "body": {"content": {"id": n, "name": "x"}, "contentType": "application/json"},
            },
        }
        for n in range(3)
    ]
    return {
        "consumer": {"name": consumer},
        "provider": {"name": PROVIDER},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


def branch_of(index: int) -> str:
    """Most versions are on main; every tenth is on one of two feature branches.

    The number of branches stays the same at both sizes, so the for-verification answer has
    the same pacts and any growth in its latency comes from the stored history alone.
    """
    return f"feat-{(index // 10) % FEATURE_BRANCHES}" if index % 10 == 5 else "main"


def seed(database: Path, versions: int) -> None:
    """Consumers with ``versions`` versions each, published as the CLI would.

    Every 4th version and the one before the latest are verified by the provider's only
    version ``p-1`` (on its main branch, deployed to production); that one before the latest
    is deployed to production too, as can-i-deploy would have allowed.
    """
    db = Database(database)
    with db.writing() as connection:
        environment = environments.create_environment(
            connection, {"name": "production", "production": True}
        )
        provider = pacticipants.ensure_pacticipant(connection, PROVIDER)
        provider_version, _ = pacticipants.ensure_version(connection, provider, "p-1")
        pacticipants.add_branch_version(connection, provider_version, "main")
        environments.record_deployment(connection, provider_version, environment.id, None)
    for c in range(CONSUMERS):
        consumer = f"Consumer{c:02d}"
        with db.writing() as connection:
            for v in range(versions):
                number = f"v-{v}"
                contract = ContractToPublish(consumer, PROVIDER, pact(consumer, number))
                request = PublishRequest(consumer, number, (contract,), branch=branch_of(v))
                publish_contracts(connection, request, BASE)
                if v % 4 == 0 or v == versions - 2:
                    sha = pact_sha(contract.pact)
                    pact_version = pacts.pact_version_id(connection, PROVIDER, consumer, sha)
                    if pact_version is None:
                        raise RuntimeError(f"the pact of {consumer} {number} was not stored")
                    body = {"success": True, "providerApplicationVersion": "p-1"}
                    verifications.create_verification(
                        connection, pact_version, provider_version.id, body
                    )
            deployed = pacticipants.find_version(connection, consumer, f"v-{versions - 2}")
            if deployed is None:
                raise RuntimeError(f"{consumer} v-{versions - 2} was not stored")
            environments.record_deployment(connection, deployed, environment.id, None)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    import socket  # noqa: PLC0415 - only needed here

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(database: Path, port: int) -> subprocess.Popen[bytes]:
    """The broker in its own process; returns once the heartbeat answers (deadline 20 s)."""
    env = {
        **os.environ,
        "PACT_BROKER_DATABASE": str(database),
        "PACT_BROKER_PORT": str(port),
        "PACT_DO_NOT_TRACK": "true",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "local_pact_broker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{BASE}:{port}/diagnostic/status/heartbeat", timeout=1)
        except httpx.TransportError:
            time.sleep(0.05)  # poll interval, bounded by the deadline
        else:
            return process
    process.kill()
    raise RuntimeError("broker did not start within 20 s")


def timed(samples: int, call: Callable[[int], httpx.Response]) -> list[float]:
    """Milliseconds per call, after a few warm-up calls; fails on any non-2xx answer."""
    for i in range(5):
        call(-1 - i).raise_for_status()
    durations = []
    for i in range(samples):
        start = time.perf_counter()
        response = call(i)
        durations.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return durations


def measure(client: httpx.Client, versions: int, samples: int) -> dict[str, list[float]]:
    """Latencies of the four operations against a broker holding ``versions`` per consumer."""
    latest = versions - 1
    shas = []
    for c in range(CONSUMERS):
        body = client.get(f"/pacts/provider/{PROVIDER}/consumer/Consumer{c:02d}/latest").json()
        shas.append(body["_links"]["pb:publish-verification-results"]["href"])

    def publish(i: int) -> httpx.Response:
        consumer, number = f"Consumer{i % CONSUMERS:02d}", f"bench-{i}"
        contract = {
            "consumerName": consumer,
            "providerName": PROVIDER,
            "specification": "pact",
            "contentType": "application/json",
            "content": base64.b64encode(json.dumps(pact(consumer, number)).encode()).decode(),
        }
        body = {
            "pacticipantName": consumer,
            "pacticipantVersionNumber": number,
            "branch": "bench",
            "contracts": [contract],
        }
        return client.post("/contracts/publish", json=body)

    def for_verification(_: int) -> httpx.Response:
        return client.post(f"/pacts/provider/{PROVIDER}/for-verification", json=FOR_VERIFICATION)

    def verify(i: int) -> httpx.Response:
        body = {"success": True, "providerApplicationVersion": f"p-bench-{i % 10}"}
        return client.post(shas[i % CONSUMERS], json=body)

    def can_i_deploy(i: int) -> httpx.Response:
        params = {
            "pacticipant": f"Consumer{i % CONSUMERS:02d}",
            "version": f"v-{latest}",
            "environment": "production",
        }
        return client.get("/can-i-deploy", params=params)

    answered = _check_for_verification_answer(for_verification(0).json())
    return {
        f"for-verification ({answered} pacts)": timed(samples, for_verification),
        "can-i-deploy": timed(samples, can_i_deploy),
        "verification result": timed(samples, verify),
        "publish": timed(samples, publish),
    }


def _check_for_verification_answer(body: dict[str, Any]) -> int:
    """The number of pacts answered, after checking it is what the seeded data implies."""
    kinds: dict[str, int] = {}
    for entry in body["_embedded"]["pacts"]:
        kind = entry["shortDescription"]
        if entry["verificationProperties"].get("wip"):
            kind = "WIP"  # described by its branch head, as the official broker does
        if entry["verificationProperties"].get("pending"):
            kind += " (pending)"
        kinds[kind] = kinds.get(kind, 0) + 1
    expected = {
        "latest from main branch (pending)": CONSUMERS,
        "deployed to production": CONSUMERS,
        "WIP (pending)": FEATURE_BRANCHES * CONSUMERS,
    }
    if kinds != expected:
        raise RuntimeError(f"for-verification answered {kinds}, the seed implies {expected}")
    return sum(kinds.values())


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of the sorted values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    """Seed, serve, measure and print one table row per operation and data size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 200])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for versions in args.sizes:
            database = Path(tmp) / f"bench-{versions}.sqlite3"
            started = time.perf_counter()
            seed(database, versions)
            seeded_in = time.perf_counter() - started
            print(f"seeded {CONSUMERS} x {versions} versions in {seeded_in:.1f} s", flush=True)
            port = free_port()
            process = serve(database, port)
            try:
                with httpx.Client(base_url=f"{BASE}:{port}", timeout=30) as client:
                    results = measure(client, versions, args.samples)
            finally:
                process.terminate()
                process.wait(timeout=10)
            for name, durations in results.items():
                rows.append(
                    (
                        name,
                        f"{CONSUMERS} x {versions}",
                        statistics.median(durations),
                        percentile(durations, 0.95),
                    )
                )
    print()
    print(f"{'operation':<32} {'stored versions':>15} {'median ms':>10} {'p95 ms':>8}")
    print("-" * 68)
    for name, size, median, p95 in sorted(rows, key=lambda r: (r[0], int(r[1].split()[-1]))):
        print(f"{name:<32} {size:>15} {median:>10.2f} {p95:>8.2f}")
    print(
        f"\n{args.samples} sequential keep-alive requests per row, request sent to body read."
        f"\nfor-verification answer checked against the seed: per consumer the main head"
        f" (pending), the deployed version (verified) and {FEATURE_BRANCHES} feature-branch"
        f" heads (WIP)."
    )


if __name__ == "__main__":
    main()
