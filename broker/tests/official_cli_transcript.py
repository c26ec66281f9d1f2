"""Replays the official CLI transcript (``fixtures/official-cli-transcript``) against a broker.

The transcript is a 165-step session recorded against the official Pact Broker 2.119: 138
``pact broker`` commands of the official CLI and 27 HTTP calls the Rust verifier makes
(``kind: "hal"``, where ``exit`` is the HTTP status). Each step recorded its exit code and its
normalised output. :class:`TranscriptReplay` runs the same steps, in order, against our broker
and normalises our output the same way (base URL, ids, timestamps, shas, metadata, table
padding), so the two can be compared as text.

The transcript names values that only exist at run time by placeholders, in commands and in
outputs alike: ``<TMP>`` (where the pact files are), ``<ENV:name>`` (the uuid of the
environment created with that name), ``<WEBHOOK:description>`` (the uuid of the webhook with
that description), ``<GEN-UUID>`` (what ``generate-uuid`` printed in the first step) and
``<UUID>`` (any other uuid). The replay learns ours as the steps create them.
"""

import base64
import contextlib
import copy
import difflib
import json
import re
import shlex
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx

TRANSCRIPT = (
    Path(__file__).parent / "fixtures" / "official-cli-transcript" / "official-broker-2.119.jsonl"
)
PACT = Path(sys.executable).parent / "pact"
PROVIDER = "user-service"
MAX_DIFF_LINES = 40

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIMESTAMP = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?: ?(?:Z|UTC|[+-]\d\d:?\d\d))?"
)
_SHA = re.compile(r"\b[0-9a-f]{40}\b")
_METADATA = re.compile(r"/metadata/([A-Za-z0-9_=%-]+)")
_RESULT_NUMBER = re.compile(r"(/verification-results/|Verification result )\d+")
_PLACEHOLDER = re.compile(r"<(ENV|WEBHOOK):([^>]+)>|<GEN-UUID>|<UUID>|<TMP>")
_PACT_TITLE = re.compile(r"GET pact (\S+) (\S+) ")
_VERIFICATION = re.compile(r"\(consumer (\S+), provider (\S+), success=(True|False)\)")


@dataclass(frozen=True)
class Step:
    """One recorded step: what ran, and what the official broker answered (exit, output)."""

    id: str
    kind: str
    title: str
    cmd: str
    exit: int
    output: str


@dataclass(frozen=True)
class Outcome:
    """What our broker answered to one step, normalised as the transcript is."""

    exit: int
    output: str


def load_steps(path: Path = TRANSCRIPT) -> list[Step]:
    """The recorded steps in order."""
    return [Step(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


# --- the pact files the CLI publishes ---------------------------------------------------------


def _interaction(description: str, state: str, params: dict[str, Any], user: int) -> Any:
    found = user == 123
    content: dict[str, Any] = (
        {"email": "alan@example.com", "id": 123, "name": "Alan Turing"}
        if found
        else {"detail": f"User {user} not found"}
    )
    rules: dict[str, Any] = (
        {
            "$.email": {
                "combine": "AND",
                "matchers": [{"match": "regex", "regex": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"}],
            },
            "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
            "$.name": {"combine": "AND", "matchers": [{"match": "type"}]},
        }
        if found
        else {"$.detail": {"combine": "AND", "matchers": [{"match": "type"}]}}
    )
    return {
        "description": description,
        "pending": False,
        "providerStates": [{"name": state, "params": params}],
        "request": {"method": "GET", "path": f"/users/{user}"},
        "response": {
            "body": {"content": content, "contentType": "application/json", "encoded": False},
            "headers": {"Content-Type": ["application/json"]},
            "matchingRules": {"body": rules},
            "status": 200 if found else 404,
        },
        "type": "Synchronous/HTTP",
    }


def pact_file(consumer: str, missing: str, found: str) -> dict[str, Any]:
    """The V4 pact pact-rust (FFI 0.5.12) writes for the user-service contract."""
    return {
        "consumer": {"name": consumer},
        "interactions": [
            _interaction(missing, "no user exists", {"id": 999}, 999),
            _interaction(
                found,
                "a user exists",
                {"email": "alan@example.com", "id": 123, "name": "Alan Turing"},
                123,
            ),
        ],
        "metadata": {
            "pactRust": {"ffi": "0.5.12", "models": "1.3.16"},
            "pactSpecification": {"version": "4.0"},
        },
        "provider": {"name": PROVIDER},
    }


MISSING = "a request for a user that does not exist"
FOUND = "a request for user 123"

# The directories the transcript's ``publish '<TMP>/NAME'`` steps read, and their pact.
PACT_DIRECTORIES: dict[str, dict[str, Any]] = {
    "c1": pact_file("notification-service", MISSING, FOUND),
    "c1x": pact_file("notification-service", f"{MISSING} (changed)", FOUND),
    "c2": pact_file("notification-service", f"v2 {MISSING}", FOUND),
    "c3": pact_file("notification-service", MISSING, f"v3 {FOUND}"),
    "w1": pact_file("web-app", MISSING, FOUND),
}


def write_pact_files(root: Path) -> None:
    """One directory per published version, holding its ``CONSUMER-PROVIDER.json``."""
    for name, pact in PACT_DIRECTORIES.items():
        directory = root / name
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{pact['consumer']['name']}-{PROVIDER}.json"
        path.write_text(json.dumps(pact, indent=2))


# --- normalisation ------------------------------------------------------------------------------


def collapse_padding(text: str) -> str:
    """Collapse table padding and rules; idempotent, so it also applies to the reference.

    The row separators (``╌``) of the reference were not collapsed, but their width depends on
    the base URL's length, so both sides are collapsed here.
    """
    text = re.sub(r"─+", "─", text)
    text = re.sub(r"═+", "═", text)
    text = re.sub(r"╌+", "╌", text)
    text = re.sub(r"-{2,}", "-", text)
    text = re.sub(r" {2,}", " ", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _decoded_metadata(match: re.Match[str]) -> str:
    segment = unquote(match.group(1))
    try:
        query = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return "/metadata/<UNDECODABLE>"
    return f"/metadata/<META:{unquote(query)}>"


class UnknownPlaceholderError(Exception):
    """A step uses an identifier that no earlier step created on our broker."""


@dataclass
class Identifiers:
    """Our run-time values and the placeholders the transcript uses for them."""

    tmp: Path
    base_url: str
    placeholders: dict[str, str] = field(default_factory=dict)  # our value -> placeholder

    def learn(self, value: str, placeholder: str) -> None:
        """Remember the first placeholder a value got (a renamed environment keeps its own)."""
        self.placeholders.setdefault(value, placeholder)

    def value_of(self, placeholder: str) -> str | None:
        """Ours for a placeholder, if learnt."""
        for value, known in self.placeholders.items():
            if known == placeholder:
                return value
        return None

    def substitute(self, argument: str) -> str:
        """A command argument with its placeholders replaced by our values."""

        def ours(match: re.Match[str]) -> str:
            placeholder = match.group(0)
            if placeholder == "<TMP>":
                return str(self.tmp)
            if placeholder == "<UUID>":
                return str(uuid.uuid4())
            value = self.value_of(placeholder)
            if value is None:
                raise UnknownPlaceholderError(f"{placeholder} is used before any step created it")
            return value

        return _PLACEHOLDER.sub(ours, argument)

    def normalise(self, text: str) -> str:
        """Our output with run-time values replaced as the transcript's are."""
        text = text.replace(self.base_url, "<BASE>").replace(str(self.tmp), "<TMP>")
        for value, placeholder in sorted(self.placeholders.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(value, placeholder)
        text = _METADATA.sub(_decoded_metadata, text)
        text = _UUID.sub("<UUID>", text)
        text = _TIMESTAMP.sub("<TS>", text)
        text = _SHA.sub("<SHA>", text)
        return _RESULT_NUMBER.sub(r"\1<N>", text)


# --- the verifier's HTTP calls ------------------------------------------------------------------


def _json_text(body: Any) -> str:
    return json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False)


def _pact_summary(pact: dict[str, Any]) -> Any:
    """What the transcript keeps of a pact the verifier fetched."""
    return {
        "consumer": pact.get("consumer"),
        "interactions": sorted(i.get("description", "") for i in pact.get("interactions", [])),
        "links": sorted(pact.get("_links", {})),
        "metadata": pact.get("metadata"),
        "provider": pact.get("provider"),
    }


def _webhook_titles(body: dict[str, Any]) -> Any:
    links = body.get("_links", {}).get("pb:webhooks", [])
    return sorted(f"{link.get('name')} | {link.get('title')}" for link in links)


def _webhook_summary(body: dict[str, Any]) -> Any:
    keys = ("consumer", "description", "enabled", "events", "provider", "request")
    return {key: body.get(key) for key in keys}


def _expand(template: str, values: dict[str, str]) -> str:
    """A templated link filled in as the verifier fills it: each value one path segment."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", quote(value, safe=""))
    return template


# The abbreviated request bodies of the transcript, spelled out.
_ABBREVIATED_BODIES: dict[str, Any] = {
    "{mainBranch} pending": {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
    },
}


@dataclass
class TranscriptReplay:
    """Runs the transcript's steps in order against one broker at ``base_url``."""

    base_url: str
    tmp: Path
    ids: Identifiers = field(init=False)
    client: httpx.Client = field(init=False)
    verifiable: dict[str, Any] = field(default_factory=dict)  # last for-verification answer
    fetched: dict[str, dict[str, Any]] = field(default_factory=dict)  # consumer version -> pact
    index: dict[str, Any] = field(default_factory=dict)  # the index's links, once read

    def __post_init__(self) -> None:
        self.ids = Identifiers(self.tmp, self.base_url)
        self.client = httpx.Client(base_url=self.base_url, timeout=30)
        write_pact_files(self.tmp)
        (self.tmp / "no-certificates.pem").touch()

    def close(self) -> None:
        """Release the HTTP client."""
        self.client.close()

    def run(self, step: Step) -> Outcome:
        """Run one step and return its normalised outcome."""
        try:
            exit_code, output = self._cli(step) if step.kind == "cli" else self._hal(step)
        except UnknownPlaceholderError as error:
            return Outcome(-1, f"not run: {error}")
        self._learn_identifiers(step, output)
        return Outcome(exit_code, collapse_padding(self.ids.normalise(output)))

    # -- CLI steps --

    def _cli(self, step: Step) -> tuple[int, str]:
        words = shlex.split(step.cmd)
        if words[:2] != ["pact", "broker"]:
            raise AssertionError(f"{step.id}: not a pact broker command: {step.cmd}")
        arguments = [self.ids.substitute(word) for word in words[2:]]
        if arguments != ["generate-uuid"]:  # the one subcommand that talks to no broker
            arguments += ["-b", self.base_url]
        result = subprocess.run(
            [str(PACT), "broker", *arguments],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={
                "PACT_DO_NOT_TRACK": "true",
                "PACT_BROKER_HTTP_RETRIES": "1",
                "PATH": "/usr/bin:/bin",
                # Set where the transcript was recorded (the CLI's usage errors name it). The
                # broker is plain http: an empty bundle spares loading the system certificates.
                "SSL_CERT_FILE": str(self.tmp / "no-certificates.pem"),
            },
        )
        output = result.stdout.strip("\n")
        with contextlib.suppress(ValueError):  # a JSON answer is compared pretty-printed
            output = _json_text(json.loads(output))
        if result.stderr.strip():
            output += "\n[stderr]\n" + result.stderr.strip("\n")
        return result.returncode, output

    # -- HAL steps (the verifier's calls and a few plain GETs) --

    def _hal(self, step: Step) -> tuple[int, str]:
        method, _, rest = step.cmd.partition(" ")
        relation, _, argument = rest.partition(" ")
        if method == "GET":
            return self._hal_get(step, rest)
        if relation == "pb:provider-pacts-for-verification":
            return self._pacts_for_verification(argument)
        if relation == "pb:pacticipant-branch-version":
            return self._put_branch_version(argument)
        if relation == "pb:publish-verification-results":
            return self._publish_verification(step, argument)
        raise AssertionError(f"{step.id}: unknown HAL step {step.cmd}")

    def _pacts_for_verification(self, raw_body: str) -> tuple[int, str]:
        body = _ABBREVIATED_BODIES.get(raw_body) or json.loads(raw_body)
        template = self._relation("pb:provider-pacts-for-verification")
        response = self.client.post(_expand(template, {"provider": PROVIDER}), json=body)
        return self._verifiable_pacts(response)

    def _verifiable_pacts(self, response: httpx.Response) -> tuple[int, str]:
        """The answer with its pacts sorted by name and their order as answered in ``order``."""
        if response.status_code != 200:
            return response.status_code, response.text
        self.verifiable = body = response.json()
        pacts = body.get("_embedded", {}).get("pacts", [])
        body["order"] = [pact["_links"]["self"]["name"] for pact in pacts]
        pacts.sort(key=lambda pact: pact["_links"]["self"]["name"])
        return 200, _json_text(body)

    def _put_branch_version(self, argument: str) -> tuple[int, str]:
        """``PACTICIPANT/BRANCH/VERSION BODY``; the branch may contain ``/``."""
        target, _, raw_body = argument.partition(" ")
        pacticipant, _, remainder = target.partition("/")
        branch, _, version = remainder.rpartition("/")
        href = _expand(
            self._relation("pb:pacticipant-branch-version"),
            {"pacticipant": pacticipant, "branch": branch, "version": version},
        )
        response = self.client.put(href, json=json.loads(raw_body))
        return response.status_code, self._body_text(response)

    def _hal_get(self, step: Step, target: str) -> tuple[int, str]:
        if target == "<pact self link from for-verification>":
            found = _PACT_TITLE.search(step.title)
            if not found:
                raise AssertionError(f"{step.id}: which pact? {step.title}")
            consumer, version = found.groups()
            name = f"Pact between {consumer} ({version}) and {PROVIDER}"
            hrefs = [
                pact["_links"]["self"]["href"]
                for pact in self.verifiable.get("_embedded", {}).get("pacts", [])
                if pact["_links"]["self"].get("name") == name
            ]
            if not hrefs:
                return 0, f"no pact named {name!r} in the last pacts-for-verification answer"
            response = self.client.get(hrefs[0])
            if response.status_code != 200:
                return response.status_code, response.text
            pact = response.json()
            self.fetched[version] = pact
            return 200, _json_text(_pact_summary(pact))
        href = self.ids.substitute(target).replace("<BASE>", self.base_url)
        response = self.client.get(href)
        if urlsplit(href).path.endswith("/for-verification"):
            return self._verifiable_pacts(response)
        if response.status_code != 200:
            return response.status_code, response.text
        body = response.json()
        path = urlsplit(href).path
        if path == "/":
            return 200, _json_text(sorted(body.get("_links", {})))
        if path == "/webhooks":
            return 200, _json_text(_webhook_titles(body))
        if path.startswith("/webhooks/"):
            return 200, _json_text(_webhook_summary(body))
        return 200, _json_text(body)

    def _publish_verification(self, step: Step, rest: str) -> tuple[int, str]:
        found = _VERIFICATION.search(rest)
        if not found:
            raise AssertionError(f"{step.id}: which verification? {rest}")
        consumer_version, provider_version, success_word = found.groups()
        success = success_word == "True"
        pact = self.fetched.get(consumer_version)
        if pact is None:
            return 0, f"the pact of {consumer_version} was not fetched before"
        results: list[dict[str, Any]] = []
        for interaction in pact.get("interactions", []):
            description = interaction.get("description", "")
            result: dict[str, Any] = {
                "interactionId": description,
                "interactionDescription": description,
                "success": success,
            }
            if not success:
                result["mismatches"] = [
                    {
                        "attribute": "body",
                        "description": "Expected 'a@b.c' but was missing",
                        "identifier": "$.email",
                        "type": "BodyMismatch",
                    }
                ]
            results.append(result)
        body = {
            "providerApplicationVersion": provider_version,
            "success": success,
            "testResults": results,
            "buildUrl": f"https://ci.example.com/{PROVIDER}/{provider_version}",
            "verifiedBy": {"implementation": "Pact-Rust", "version": "1.2.5"},
        }
        href = pact["_links"]["pb:publish-verification-results"]["href"]
        response = self.client.post(href, json=copy.deepcopy(body))
        return response.status_code, self._body_text(response)

    def _relation(self, name: str) -> str:
        if not self.index:
            self.index = self.client.get("/").json()["_links"]
        href: str = self.index[name]["href"]
        return href

    @staticmethod
    def _body_text(response: httpx.Response) -> str:
        try:
            return _json_text(response.json())
        except ValueError:
            return response.text

    # -- identifiers --

    def _learn_identifiers(self, step: Step, output: str) -> None:
        if step.cmd == "pact broker generate-uuid":
            self.ids.learn(output.strip(), "<GEN-UUID>")
        if "create-environment" not in step.cmd and "webhook" not in step.cmd:
            return  # only those steps create environments or webhooks
        environments = self.client.get("/environments").json()
        for environment in environments.get("_embedded", {}).get("environments", []):
            self.ids.learn(environment["uuid"], f"<ENV:{environment['name']}>")
        webhooks = self.client.get("/webhooks").json()
        for link in webhooks.get("_links", {}).get("pb:webhooks", []):
            webhook_uuid = link["href"].rstrip("/").rpartition("/")[2]
            self.ids.learn(webhook_uuid, f"<WEBHOOK:{link.get('name')}>")  # its description


# --- comparison -----------------------------------------------------------------------------


def difference(step: Step, ours: Outcome) -> str | None:
    """A compact report of how our outcome differs from the official one, or None."""
    expected = collapse_padding(step.output)
    if ours.exit == step.exit and ours.output == expected:
        return None
    lines = [f"{step.id} {step.title}", f"  $ {step.cmd}"]
    if ours.exit != step.exit:
        lines.append(f"  exit: official {step.exit}, ours {ours.exit}")
    if ours.output != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), ours.output.splitlines(), "official", "ours", n=1, lineterm=""
        )
        shown = list(diff)
        lines.extend("  " + line for line in shown[:MAX_DIFF_LINES])
        if len(shown) > MAX_DIFF_LINES:
            lines.append(f"  ... {len(shown) - MAX_DIFF_LINES} more diff lines")
    return "\n".join(lines)
