"""``contract-first verify`` on a provider of its own, through the installed command only.

Each provider change below is one the core verifier alone lets through or reports badly; the
test fails if the toolkit stops catching it or stops saying so in a line a person can act on.
"""

import socket
import time

from .sample_project import SampleProject

MAX_LINES_FOR_ONE_BROKEN_FIELD = 40


def test_a_provider_without_a_health_route_verifies(project: SampleProject) -> None:
    result = project.verify()

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "  ok       things-web: a request for thing 1" in lines
    assert "  ok       things-web: a request for a missing thing" in lines
    assert lines[-1].startswith("2 of 2 interactions verified from 1 pact; results not published")
    assert result.stderr == ""


def test_a_renamed_field_is_the_first_thing_said_and_short(project: SampleProject) -> None:
    result = project.verify(variant="renamed")

    assert result.returncode == 1
    said = result.stderr.splitlines()
    assert said[0] == "error: things breaks 1 of 2 interactions its consumers rely on:"
    assert said[1] == (
        "  - things-web expects body.name (string) in 'a request for thing 1'; "
        "things returned keys email, id, title"
    )
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything
    assert len(everything.splitlines()) <= MAX_LINES_FOR_ONE_BROKEN_FIELD


def test_within_an_interaction_the_status_comes_before_the_body(project: SampleProject) -> None:
    result = project.verify(variant="created-and-renamed")

    assert result.returncode == 1
    said = result.stderr.splitlines()
    assert (
        said[1]
        == "  - things-web expects status 200 in 'a request for thing 1'; things returned 201"
    )
    assert said[2].startswith(
        "  - things-web expects body.name (string) in 'a request for thing 1'"
    )


def test_an_unexpected_redirect_fails_naming_it(project: SampleProject) -> None:
    result = project.verify(variant="redirect")

    assert result.returncode == 1
    assert (
        "  - things-web expects status 200 in 'a request for thing 1'; things redirected with "
        "308 to /v2/things/1, which the consumer's client does not follow"
    ) in result.stderr.splitlines()


def test_a_regex_matcher_needs_a_string_not_an_array_holding_one(project: SampleProject) -> None:
    result = project.verify(variant="email-array")

    assert result.returncode == 1
    assert "things-web expects body.email (string matching " in result.stderr
    assert 'things returned ["ada@example.com"] (array)' in result.stderr


def test_verbose_adds_the_verifiers_log(project: SampleProject) -> None:
    result = project.verify("--verbose")

    assert result.returncode == 0
    assert "--- the verifier's log ---" in result.stdout
    assert "Verifying a pact between things-web and things" in result.stdout


def test_a_raising_state_handler_stops_the_run_at_once(project: SampleProject) -> None:
    started = time.monotonic()
    result = project.verify("--states", "things_states:broken_states")

    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: provider state 'a thing exists' (setup) raised RuntimeError: "
        "the seed data is broken"
    )
    assert time.monotonic() - started < 30, "the verifier retried the failing state handler"


def test_no_pacts_is_one_line_with_the_fix(project: SampleProject) -> None:
    result = project.verify("--pacts", str(project.root / "nowhere"))

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: no pact folder at {project.root / 'nowhere'}: run the consumers' pact tests "
        "first, or pass --pacts DIR"
    ]


def test_a_closed_broker_port_is_one_line_with_the_fix(project: SampleProject) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = project.verify(
        env={"PACT_BROKER_BASE_URL": f"http://127.0.0.1:{port}", "PACT_PROVIDER_BRANCH": "main"}
    )

    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: cannot reach the Pact Broker at http://127.0.0.1:{port}")
    assert "PACT_BROKER_BASE_URL" in line


def test_an_app_that_cannot_be_imported_is_a_usage_error(project: SampleProject) -> None:
    result = project.verify("--app", "no_such_module:app")

    assert result.returncode == 2
    assert result.stderr.startswith("error: --app 'no_such_module:app': no module named")


def test_a_state_nobody_handles_is_listed_before_anything_replays(project: SampleProject) -> None:
    (project.root / "few_states.py").write_text(
        "from things_states import no_thing_exists\n"
        "states = {'no thing exists': no_thing_exists}\n",
        encoding="utf-8",
    )
    result = project.verify("--states", "few_states:states")

    assert result.returncode == 2
    assert "'a thing exists' (needed by things-web: 'a request for thing 1')" in result.stderr


def test_an_empty_pact_proves_nothing(project: SampleProject) -> None:
    pact = project.pacts / "things-web-things.json"
    pact.write_text(
        '{"consumer": {"name": "things-web"}, "provider": {"name": "things"}, '
        '"interactions": [], "metadata": {"pactSpecification": {"version": "4.0"}}}',
        encoding="utf-8",
    )
    result = project.verify()

    assert result.returncode == 2
    assert "pacts with no interactions for 'things'" in result.stderr


def test_an_unknown_pacticipant_lists_the_known_ones(project: SampleProject) -> None:
    (project.root / "pyproject.toml").write_text(
        "[tool.contract-first.pacticipants.things]\nrole = 'provider'\napp = 'things_app:app'\n"
        "[tool.contract-first.pacticipants.things-web]\nrole = 'consumer'\n",
        encoding="utf-8",
    )
    result = project.verify("--provider", "thngs")

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: unknown pacticipant 'thngs': known pacticipants are things (provider), "
        "things-web (consumer)"
    ]


def test_an_unknown_flag_is_a_usage_error_without_a_traceback(project: SampleProject) -> None:
    result = project.verify("--bogus")

    assert result.returncode == 2
    assert "No such option: --bogus" in result.stderr
    assert "Traceback" not in result.stderr
