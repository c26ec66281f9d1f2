"""Issue #9: the official ``pact broker`` CLI against the local broker, compared with the
official broker 2.119 transcript (``/work/shared/official-cli-transcript``, step ids S0xx).

Outputs are normalised as the transcript is (base URL → ``<BASE>``, environment UUIDs →
``<ENV:name>``, timestamps → ``<TS>``, table padding collapsed).
"""

import json
import re
import subprocess
from urllib.parse import quote

import httpx

from .api_seed import pact_document, publish_body
from .broker_live_server import BrokerServer
from .broker_pact_cli import pact_broker

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?")


def normalised(
    broker: BrokerServer, result: subprocess.CompletedProcess[str], envs: dict[str, str]
) -> str:
    text = (result.stdout + result.stderr).replace(broker.url, "<BASE>")
    for uuid, name in envs.items():
        text = text.replace(uuid, f"<ENV:{name}>")
    text = TIMESTAMP.sub("<TS>", text)
    text = re.sub(r"─+", "─", re.sub(r"═+", "═", text))
    text = re.sub(r" {2,}", " ", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def table_rows(text: str) -> list[str]:
    """The header and data lines of a CLI table (no separators)."""
    return [line for line in text.splitlines() if line.startswith("│")]


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


# --- 1. default display names (S041, S045, S046, S048, S053/S054, S012, S013) -----------------


def _environments(broker: BrokerServer) -> dict[str, str]:
    listed = broker.get("/environments")["_embedded"]["environments"]
    return {env["uuid"]: env["name"] for env in listed}


def test_environment_without_display_name_gets_one_from_its_name(broker: BrokerServer) -> None:
    created = pact_broker(broker, "create-environment", "--name", "staging")  # S041
    assert created.returncode == 0
    envs = _environments(broker)
    assert normalised(broker, created, envs) == (
        "✅ Created staging environment in the Pact Broker with UUID <ENV:staging>"
    )
    ok(
        pact_broker(
            broker,
            "create-environment",
            "--name",
            "production",
            "--display-name",
            "Production",
            "--production",
        )
    )
    envs = _environments(broker)
    listed = pact_broker(broker, "list-environments")  # S045 (was a panic)
    assert listed.returncode == 0, listed.stderr
    rows = table_rows(normalised(broker, listed, envs))
    assert rows[0] == "│ UUID ┆ NAME ┆ DISPLAY NAME ┆ PRODUCTION │"
    assert sorted(rows[1:]) == [
        "│ <ENV:production> ┆ production ┆ Production ┆ true │",
        "│ <ENV:staging> ┆ staging ┆ Staging ┆ false │",
    ]
    as_json = json.loads(ok(pact_broker(broker, "list-environments", "-o", "json")).stdout)  # S046
    staging = next(e for e in as_json["_embedded"]["environments"] if e["name"] == "staging")
    assert staging["displayName"] == "Staging"
    assert staging["_links"]["pb:currently-deployed-deployed-versions"]["title"] == (
        "Versions currently deployed to Staging environment"
    )
    staging_uuid = staging["uuid"]
    described = pact_broker(broker, "describe-environment", f"--uuid={staging_uuid}")  # S048
    assert described.returncode == 0
    assert normalised(broker, described, envs) == (
        "✅\nUUID <ENV:staging>\nName: staging\nDisplay Name: Staging\nProduction: false\n"
        "Created At: <TS>"
    )


def test_renamed_environment_without_display_name_follows_the_new_name(
    broker: BrokerServer,
) -> None:
    created = pact_broker(
        broker, "create-environment", "--name", "uat", "--display-name", "UAT", "-o", "id"
    )  # S043
    uuid = ok(created).stdout.strip()
    ok(pact_broker(broker, "update-environment", f"--uuid={uuid}", "--name", "uat2"))  # S053
    described = pact_broker(broker, "describe-environment", f"--uuid={uuid}")  # S054
    assert described.returncode == 0
    assert normalised(broker, described, {uuid: "uat"}) == (
        "✅\nUUID <ENV:uat>\nName: uat2\nDisplay Name: Uat2\nProduction: false\nCreated At: <TS>"
    )


def test_pacticipant_without_display_name_gets_one_from_its_name(broker: BrokerServer) -> None:
    ok(
        pact_broker(
            broker,
            "create-or-update-pacticipant",
            "--name",
            "user-service",
            "--display-name",
            "User Service",
            "--main-branch",
            "main",
        )
    )
    ok(
        pact_broker(
            broker,
            "create-or-update-pacticipant",
            "--name",
            "notification-service",
            "--main-branch",
            "main",
        )
    )  # S006
    listed = pact_broker(broker, "list-pacticipants")  # S012
    assert listed.returncode == 0
    assert table_rows(normalised(broker, listed, {})) == [
        "│ NAME ┆ DISPLAY NAME │",
        '│ "notification-service" ┆ "Notification Service" │',
        '│ "user-service" ┆ "User Service" │',
    ]
    as_json = json.loads(ok(pact_broker(broker, "list-pacticipants", "-o", "json")).stdout)  # S013
    names = {p["name"]: p["displayName"] for p in as_json["_embedded"]["pacticipants"]}
    assert names == {"notification-service": "Notification Service", "user-service": "User Service"}
    described = json.loads(
        ok(
            pact_broker(
                broker, "describe-pacticipant", "--name", "notification-service", "-o", "json"
            )
        ).stdout
    )
    assert described["displayName"] == "Notification Service"


# --- 2. mainBranch, branches and --ignore in can-i-deploy / can-i-merge -----------------------

CONSUMER = "notification-service"
PROVIDER = "user-service"


def _publish(client: httpx.Client, version: str, branch: str, description: str) -> None:
    pact = pact_document(CONSUMER, PROVIDER, description)
    response = client.post(
        "/contracts/publish", json=publish_body(CONSUMER, version, pact, branch=branch)
    )
    assert response.status_code == 200, response.text


def _verify(
    client: httpx.Client, consumer_version: str, provider_version: str, branch: str, success: bool
) -> None:
    put = client.put(
        f"/pacticipants/{PROVIDER}/branches/{quote(branch, safe='')}/versions/{provider_version}"
    )
    assert put.status_code in (200, 201), put.text
    pact = client.get(f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/version/{consumer_version}")
    url = pact.json()["_links"]["pb:publish-verification-results"]["href"]
    body = {"success": success, "providerApplicationVersion": provider_version}
    assert client.post(url, json=body).status_code == 201


def _seed_branches(broker: BrokerServer, *, with_c3: bool = True) -> None:
    """The transcript's story: c1 (main) verified by p1 (main, in production); c2 on feat/x
    unverified; then c1 passed and c3 (main) failed by p2 (main), c3 passed by p3 (feat/fix)."""
    for name in (PROVIDER, CONSUMER):
        ok(
            pact_broker(
                broker, "create-or-update-pacticipant", "--name", name, "--main-branch", "main"
            )
        )
    ok(pact_broker(broker, "create-environment", "--name", "production", "--production"))
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        _publish(client, "c1", "main", "get user")
        _verify(client, "c1", "p1", "main", True)
        _publish(client, "c2", "feat/x", "get user v2")
        ok(
            pact_broker(
                broker,
                "record-deployment",
                "-a",
                PROVIDER,
                "-e",
                "p1",
                "--environment",
                "production",
            )
        )
        if with_c3:
            _add_c3(client)


def _add_c3(client: httpx.Client) -> None:
    _publish(client, "c3", "main", "get user v3")
    _verify(client, "c1", "p2", "main", True)
    _verify(client, "c3", "p2", "main", False)
    _verify(client, "c3", "p3", "feat/fix", True)


def _verdict(broker: BrokerServer, *args: str) -> tuple[int, list[str], str]:
    result = pact_broker(broker, *args)
    text = normalised(broker, result, {})
    return result.returncode, table_rows(text)[1:], text


def test_main_branch_and_branches_pick_versions_of_that_branch(broker: BrokerServer) -> None:
    _seed_branches(broker, with_c3=False)
    # S080: the latest main version (c1) is verified by production's p1 → yes, although the
    # newest version overall (c2 on feat/x) is not.
    code, rows, text = _verdict(
        broker, "can-i-deploy", "-a", CONSUMER, "--main-branch", "--to-environment", "production"
    )
    assert code == 0, text
    assert rows == ["│ notification-service ┆ c1 ┆ user-service ┆ p1 ┆ true ┆ 1 │"]
    assert text.endswith(
        "WARN: It is recommended to specify the version number (rather than the tag or branch) of"
        " the pacticipant you wish to deploy to avoid race conditions. Without a version number,"
        " this result will not be reliable.\n"
        "All required verification results are published and successful\n\n\n"
        "✅ Computer says yes \\o/"
    )
    # S081: feat/x (c2) is not verified.
    code, rows, text = _verdict(
        broker,
        "can-i-deploy",
        "-a",
        CONSUMER,
        "--branch",
        "feat/x",
        "--to-environment",
        "production",
    )
    assert code == 1, text
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        _add_c3(client)
    # S111/S123: can-i-merge compares with the latest of the provider's main branch (p2,
    # failed), not with the newer p3 on feat/fix (passed).
    code, rows, text = _verdict(broker, "can-i-merge", "-a", CONSUMER, "-e", "c3")
    assert code == 1, text
    assert rows == ["│ notification-service ┆ c3 ┆ user-service ┆ p2 ┆ false ┆ 1 │"]
    assert (
        "The verification for the pact between version c3 of notification-service and the latest"
        " version of user-service from branch main (p2) failed" in text
    )
    assert "❌ Computer says no" in text
    # S124/S125: a branch as the other selector: one of its versions.
    for branch_args in (["--main-branch"], ["--branch", "main"]):
        code, rows, text = _verdict(
            broker, "can-i-deploy", "-a", CONSUMER, "-e", "c3", "-a", PROVIDER, *branch_args
        )
        assert code == 1, text
        assert rows == ["│ notification-service ┆ c3 ┆ user-service ┆ p2 ┆ false ┆ 1 │"]
        assert (
            "The verification for the pact between version c3 of notification-service and one of"
            " the versions of user-service from branch main (p2) failed" in text
        )
    # A passing feature branch: p3 on feat/fix verified c3.
    code, rows, text = _verdict(
        broker, "can-i-deploy", "-a", CONSUMER, "-e", "c3", "-a", PROVIDER, "--branch", "feat/fix"
    )
    assert code == 0, text
    assert rows == ["│ notification-service ┆ c3 ┆ user-service ┆ p3 ┆ true ┆ 1 │"]
    # S126: --latest is the newest version on any branch (p3).
    code, rows, text = _verdict(
        broker, "can-i-deploy", "-a", CONSUMER, "-e", "c3", "-a", PROVIDER, "--latest"
    )
    assert code == 0, text
    assert "All required verification results are published and successful" in text


def test_can_i_merge_says_yes_when_main_passed(broker: BrokerServer) -> None:
    _seed_branches(broker)
    # S112: c1 was verified by p1 on main; p2 (main's latest) never verified c1.
    code, rows, text = _verdict(broker, "can-i-merge", "-a", CONSUMER, "-e", "c1")
    assert code == 0, text
    assert rows == ["│ notification-service ┆ c1 ┆ user-service ┆ p2 ┆ true ┆ 1 │"]
    assert "✅ Computer says yes" in text


def test_ignore_keeps_the_row_but_not_the_veto(broker: BrokerServer) -> None:
    _seed_branches(broker)
    args = ["can-i-deploy", "-a", CONSUMER, "-e", "c2", "--to-environment", "production"]
    code, _, text = _verdict(broker, *args)
    assert code == 1, text  # S082: c2 was never verified
    code, rows, text = _verdict(broker, *args, "--ignore", PROVIDER)  # S084
    assert code == 0, text
    assert rows == ["│ notification-service ┆ c2 ┆ user-service ┆ unknown ┆ unknown ┆ 0 │"]
    assert "There are no missing dependencies" in text
    assert "✅ Computer says yes" in text
    as_json = json.loads(ok(pact_broker(broker, *args, "--ignore", PROVIDER, "-o", "json")).stdout)
    assert as_json["matrix"][0]["ignored"] is True  # S094
    assert as_json["summary"] == {
        "deployable": True,
        "failed": 0,
        "ignored": 1,
        "reason": "There are no missing dependencies",
        "success": 0,
        "unknown": 0,
    }


# --- 3. branch names with "/" (sent as %2F) -------------------------------------------------


def test_branch_with_slash_is_routed(broker: BrokerServer) -> None:
    """S120: the verifier's provider-branch PUT for ``feat/fix``; S017/S028: a consumer branch
    ``feat/x``; the branch routes answer instead of 404."""
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        ok(pact_broker(broker, "create-or-update-pacticipant", "--name", PROVIDER))
        put = client.put(f"/pacticipants/{PROVIDER}/branches/feat%2Ffix/versions/p3", json={})
        assert put.status_code == 201, put.text
        links = put.json()["_links"]
        assert links["self"] == {
            "href": f"{broker.url}/pacticipants/{PROVIDER}/branches/feat%2Ffix/versions/p3",
            "title": "Branch version",
        }
        again = client.put(f"/pacticipants/{PROVIDER}/branches/feat%2Ffix/versions/p3", json={})
        assert again.status_code == 200, again.text
        listed = client.get(f"/pacticipants/{PROVIDER}/branches/feat%2Ffix/versions")
        assert listed.status_code == 200, listed.text
        _publish(client, "c2", "feat/x", "get user v2")
        pact = client.get(f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/branch/feat%2Fx/latest")
        assert pact.status_code == 200, pact.text
        assert pact.json()["consumer"]["name"] == CONSUMER
    described = json.loads(
        ok(pact_broker(broker, "describe-version", "-a", PROVIDER, "-e", "p3", "-o", "json")).stdout
    )
    assert [b["name"] for b in described["_embedded"]["branchVersions"]] == ["feat/fix"]  # S127
    _, rows, text = _verdict(
        broker, "can-i-deploy", "-a", CONSUMER, "--branch", "feat/x", "-a", PROVIDER, "--latest"
    )
    assert rows[0].startswith("│ notification-service ┆ c2 ┆ user-service ┆ "), text
