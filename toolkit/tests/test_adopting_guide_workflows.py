"""The guide's CI workflows are this repository's own pipeline, in a team's words.

docs/adopting.md shows three workflows to copy. GitHub Actions cannot run here, so each is held
to the repository's `.github/workflows/` file of the same name (which its own tests and
`just lint` check): the same triggers, concurrency, permissions and broker variables, the same
jobs in the same order of `needs`, the same pinned actions, the same can-i-deploy wait, and a
deployment recorded only after the deploy step, on `main`, in the `production` environment.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from .guide_markdown import Block, read_guide

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "adopting.md"
WORKFLOWS = ROOT / ".github" / "workflows"
COPIED = ("consumer", "provider", "verify-changed-pact")
SHARED_KEYS = ("on", "permissions", "concurrency")
WAIT = re.compile(r"--retry-while-unknown \d+ --retry-interval \d+")
CREDENTIALS = {
    "PACT_BROKER_BASE_URL": "${{ vars.PACT_BROKER_BASE_URL }}",
    "PACT_BROKER_TOKEN": "${{ secrets.PACT_BROKER_TOKEN }}",
    "PACT_BROKER_USERNAME": "${{ secrets.PACT_BROKER_USERNAME }}",
    "PACT_BROKER_PASSWORD": "${{ secrets.PACT_BROKER_PASSWORD }}",
}


def _yaml(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(text)
    return loaded


def _guide_workflows() -> dict[str, dict[str, Any]]:
    blocks = [i for i in read_guide(GUIDE) if isinstance(i, Block) and i.info == "yaml"]
    workflows = {str(_yaml(b.text)["name"]): _yaml(b.text) for b in blocks if not b.file}
    assert sorted(workflows) == sorted(COPIED), f"docs/adopting.md: workflows {sorted(workflows)}"
    return workflows


def _ours(name: str) -> dict[str, Any]:
    return _yaml((WORKFLOWS / f"{name}.yml").read_text(encoding="utf-8"))


def _pins(text: str) -> set[str]:
    """Every ``uses:`` line's action, commit SHA and ``# vX.Y.Z`` comment."""
    return {line.split("uses:", 1)[1].strip() for line in text.splitlines() if "uses:" in line}


@pytest.mark.parametrize("name", COPIED)
def test_the_guide_copies_the_pipelines_triggers_and_variables(name: str) -> None:
    guide, ours = _guide_workflows()[name], _ours(name)
    for key in SHARED_KEYS:
        assert guide[key] == ours[key], (
            f"docs/adopting.md, workflow {name}: `{key}` is {guide[key]!r}; "
            f".github/workflows/{name}.yml has {ours[key]!r}"
        )
    assert guide["env"] == ours["env"], (
        f"docs/adopting.md, workflow {name}: `env` differs from .github/workflows/{name}.yml"
    )
    for variable, value in CREDENTIALS.items():
        assert guide["env"][variable] == value, f"docs/adopting.md, {name}: {variable}"


@pytest.mark.parametrize("name", COPIED)
def test_the_guide_has_the_pipelines_jobs_gates_and_environments(name: str) -> None:
    guide, ours = _guide_workflows()[name]["jobs"], _ours(name)["jobs"]
    assert list(guide) == list(ours), f"docs/adopting.md, {name}: jobs {list(guide)}"
    for job, theirs in ours.items():
        for key in ("needs", "if", "environment", "timeout-minutes"):
            assert guide[job].get(key) == theirs.get(key), (
                f"docs/adopting.md, {name}, job {job}: `{key}` is {guide[job].get(key)!r}, "
                f"the repository's is {theirs.get(key)!r}"
            )


def test_the_guide_pins_the_actions_the_pipeline_pins() -> None:
    ours = set().union(
        *(_pins(path.read_text(encoding="utf-8")) for path in WORKFLOWS.glob("*.yml"))
    )
    guide = _pins(GUIDE.read_text(encoding="utf-8"))
    assert guide, "docs/adopting.md: no `uses:` line"
    assert guide <= ours, (
        "docs/adopting.md: every `uses:` must be one of .github/workflows/'s, commit SHA and "
        f"`# vX.Y.Z` comment alike (upgrade both together): {sorted(guide - ours)}"
    )


@pytest.mark.parametrize("name", COPIED)
def test_the_guides_checkouts_drop_git_credentials(name: str) -> None:
    for job_name, job in _guide_workflows()[name]["jobs"].items():
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, (
                    f"docs/adopting.md, {name}, job {job_name}: set persist-credentials: false"
                )


@pytest.mark.parametrize("name", ["consumer", "provider"])
def test_the_guides_can_i_deploy_waits_as_the_pipelines_does(name: str) -> None:
    def waits(workflow: dict[str, Any]) -> list[str]:
        runs = [str(step.get("run", "")) for step in workflow["jobs"]["can-i-deploy"]["steps"]]
        return [str(match[0]) for run in runs if (match := WAIT.search(run))]

    guide, ours = waits(_guide_workflows()[name]), waits(_ours(name))
    assert ours, f".github/workflows/{name}.yml: can-i-deploy does not wait"
    assert guide == ours, (
        f"docs/adopting.md, {name}: can-i-deploy must wait as .github/workflows/{name}.yml "
        f"does ({ours}), not {guide}"
    )


@pytest.mark.parametrize("name", ["consumer", "provider"])
def test_the_guide_records_a_deployment_only_after_the_deploy_step(name: str) -> None:
    job = _guide_workflows()[name]["jobs"]["deploy"]
    names = [str(step.get("name", "")) for step in job["steps"]]
    runs = [str(step.get("run", "")) for step in job["steps"]]
    deploys = [i for i, step in enumerate(names) if step.startswith("Deploy ")]
    records = [i for i, run in enumerate(runs) if "contract-first record-deployment" in run]
    assert deploys, f"docs/adopting.md, {name}: the deploy job has no 'Deploy ...' step"
    assert records, f"docs/adopting.md, {name}: the deploy job never records the deployment"
    assert records == [len(runs) - 1], f"docs/adopting.md, {name}: record last, and once"
    assert deploys[-1] < records[0], f"docs/adopting.md, {name}: record after the deploy step"
    other_jobs = [
        job_name
        for job_name, other in _guide_workflows()[name]["jobs"].items()
        if job_name != "deploy"
        and any("record-deployment" in str(step.get("run", "")) for step in other["steps"])
    ]
    assert not other_jobs, f"docs/adopting.md, {name}: record-deployment in {other_jobs}"
