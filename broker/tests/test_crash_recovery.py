"""SIGKILL mid-burst: every acknowledged publish survives and the database stays consistent."""

import json
import signal
import sqlite3
import threading
from pathlib import Path

import httpx

from . import broker_subprocess
from .api_seed import pact_document, publish_body


def _publisher(
    url: str,
    worker: int,
    acknowledged: list[str],
    refused: list[str],
    enough: threading.Event,
) -> None:
    """Publish distinct versions until the broker dies; record each answer."""
    with httpx.Client(base_url=url, timeout=5) as client:
        for i in range(10_000):
            version = f"{worker}.{i}"
            pact = pact_document("Foo", "Bar", f"get thing {version}")
            try:
                response = client.post(
                    "/contracts/publish", json=publish_body("Foo", version, pact)
                )
            except httpx.TransportError:
                return  # the broker was killed: this publish was never acknowledged
            if not response.is_success:
                refused.append(f"{version}: {response.status_code} {response.text}")
                return
            acknowledged.append(version)
            if len(acknowledged) >= 40:
                enough.set()


def _check_consistency(database: Path) -> None:
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = connection.execute(
            "SELECT pub.id FROM pact_publications pub"
            " LEFT JOIN versions v ON v.id = pub.consumer_version_id"
            " LEFT JOIN pact_versions pv ON pv.id = pub.pact_version_id"
            " WHERE v.id IS NULL OR pv.id IS NULL OR pv.content = ''"
        ).fetchall()
        assert orphans == []
        # A publish writes version, branch and pact in one transaction: never one without the rest.
        half_written = connection.execute(
            "SELECT v.number FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id"
            " WHERE p.name = 'Foo' AND (NOT EXISTS (SELECT 1 FROM pact_publications pub"
            " WHERE pub.consumer_version_id = v.id) OR NOT EXISTS (SELECT 1 FROM branch_versions"
            " bv WHERE bv.version_id = v.id))"
        ).fetchall()
        assert half_written == []
        for (content,) in connection.execute("SELECT content FROM pact_versions"):
            assert json.loads(content)["consumer"]["name"] == "Foo"
    finally:
        connection.close()


def test_sigkill_mid_burst_keeps_every_acknowledged_publish(tmp_path: Path) -> None:
    database, log = tmp_path / "broker.sqlite3", tmp_path / "broker.log"
    port = broker_subprocess.free_port()
    url = f"http://127.0.0.1:{port}"
    process = broker_subprocess.start(database, port, log)
    acknowledged: list[str] = []
    refused: list[str] = []
    enough = threading.Event()
    workers = [
        threading.Thread(target=_publisher, args=(url, w, acknowledged, refused, enough))
        for w in range(3)
    ]
    try:
        for worker in workers:
            worker.start()
        assert enough.wait(timeout=30), "the broker acknowledged too few publishes"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        for worker in workers:
            worker.join(timeout=30)
    finally:
        broker_subprocess.stop(process)
    assert process.returncode == -signal.SIGKILL
    assert refused == []
    acknowledged_at_kill = list(acknowledged)

    _check_consistency(database)
    restarted = broker_subprocess.start(database, port, log)
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            for version in acknowledged_at_kill:
                response = client.get(f"/pacts/provider/Bar/consumer/Foo/version/{version}")
                assert response.status_code == 200, f"acknowledged {version} lost"
                description = response.json()["interactions"][0]["description"]
                assert description == f"get thing {version}"
            # The restarted broker takes new writes on the same file.
            pact = pact_document("Foo", "Bar", "after restart")
            after = client.post("/contracts/publish", json=publish_body("Foo", "after", pact))
            assert after.status_code == 200, after.text
    finally:
        broker_subprocess.stop(restarted)
    _check_consistency(database)
