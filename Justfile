# contract-first: the verbs. `just --list` shows them; `python3 scripts/run.py RECIPE` bootstraps uv and just.

set shell := ["bash", "-euo", "pipefail", "-c"]

export PACT_DO_NOT_TRACK := "true"
export UV_FROZEN := "1"
export UV_PYTHON_DOWNLOADS := "never"
# Compile bytecode at install: with PYTHONDONTWRITEBYTECODE set (as here), every start would
# otherwise recompile FastAPI, pydantic and pact from source.
export UV_COMPILE_BYTECODE := "1"

pytest := "uv run --quiet pytest -q -p no:cacheprovider"

# List the recipes
default:
    @just --list --unsorted

# Install the workspace (provider, consumer, generated client, dev tools) from uv.lock
sync:
    uv sync --quiet

# The whole story on a scratch local broker: pact, publish, verify, deploy, break, blocked
demo: sync
    @uv run --quiet python scripts/demo.py

# Everything CI checks: lint, drift, pacts, pacts vs spec, verification, all tests, the demo
ci: sync browser lint check-drift pact check-pacts-against-spec verify test demo

# Debian's headless Chromium for the broker dashboard's page test (installed if missing, as root)
browser:
    #!/usr/bin/env bash
    set -euo pipefail
    if [ -n "${CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then exit 0; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's chromium for the broker's page test ..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "error: the broker's page test needs Chromium: run 'sudo apt-get install chromium'" \
            "(Debian/Ubuntu) or set CHROMIUM to a Chromium binary" >&2
        exit 1
    fi

# ruff (lint + format) and mypy --strict on the code we write
lint:
    uv run --quiet ruff check .
    uv run --quiet ruff format --check .
    uv run --quiet mypy provider/src consumer/src
    MYPYPATH=scripts:provider/tests uv run --quiet mypy scripts
    MYPYPATH=provider/tests:scripts uv run --quiet mypy provider/tests
    MYPYPATH=consumer/tests uv run --quiet mypy consumer/tests
    MYPYPATH=broker/tests uv run --quiet mypy broker/src broker/tests
    uv run --quiet check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

# Export the provider's OpenAPI document to openapi/openapi.json
export-openapi:
    uv run --quiet python scripts/export_openapi.py

# Re-export the spec and regenerate generated_client/ from it
regen-client: export-openapi
    uv run --quiet python scripts/generate_client.py

# Fail with a diff when openapi/openapi.json or generated_client/ is stale
check-drift:
    uv run --quiet python scripts/check_drift.py

# Consumer Pact tests: run UserDirectory against the Pact mock server, write pacts/
pact:
    {{pytest}} consumer/tests/pact

# Provider verification against the real app: pacts/ or, with PACT_BROKER_BASE_URL, the broker's
verify:
    {{pytest}} provider/tests/test_verify_pacts.py

# Verify exactly one pact by URL (what a webhook-triggered build runs)
verify-pact-url url:
    PACT_URL={{quote(url)}} {{pytest}} provider/tests/test_verify_pacts.py

# All other tests, on every core (pytest-xdist); needs pacts/ from `just pact`
test:
    {{pytest}} -n auto consumer/tests provider/tests scripts/tests broker/tests \
        --ignore=consumer/tests/pact --ignore=provider/tests/test_verify_pacts.py

# Seed the demo users into the provider's database ($USER_SERVICE_DATABASE_PATH)
seed-provider:
    uv run --quiet user-service seed

# Serve the provider on http://127.0.0.1:${PORT:-8000} with uvicorn
serve-provider port="8000": seed-provider
    uv run --quiet user-service serve --port {{port}}

# Time each gate, the demo and `just ci` (medians over RUNS runs) and print a table
bench runs="3":
    uv run --quiet python scripts/bench_loop.py --runs {{runs}}

# Seed the local broker (50 consumers x 20, then x 200 versions) and print request latencies
bench-broker:
    uv run --quiet python broker/bench.py

# Serve the local Pact Broker in the foreground on 127.0.0.1:${PACT_BROKER_PORT:-9292}
broker:
    uv run --quiet local-pact-broker

# Start the local Pact Broker in the background (health-checked; pid and log in .broker/)
broker-up:
    @uv run --quiet python scripts/broker_process.py up

# Stop the background local Pact Broker
broker-down:
    @uv run --quiet python scripts/broker_process.py down

# Publish pacts/ to PACT_BROKER_BASE_URL as the git commit on the git branch
publish:
    @uv run --quiet python scripts/release.py publish

# Ask the broker whether this commit of PACTICIPANT may be deployed to ENV
can-i-deploy pacticipant env:
    @uv run --quiet python scripts/release.py can-i-deploy {{quote(pacticipant)}} {{quote(env)}}

# Record that this commit of PACTICIPANT was deployed to ENV
record-deployment pacticipant env:
    @uv run --quiet python scripts/release.py record-deployment {{quote(pacticipant)}} {{quote(env)}}

# Create a deployment environment on the broker (idempotent)
create-environment name *flags:
    @uv run --quiet python scripts/release.py create-environment {{quote(name)}} {{flags}}

# Make the broker start the verify-changed-pact workflow when a pact needs verification
create-webhook:
    @uv run --quiet python scripts/release.py create-webhook

# Fail when a pact asks for what the spec does not promise (relied-on fields: required, non-null)
check-pacts-against-spec pacts="pacts" spec="openapi/openapi.json":
    uv run --quiet python scripts/check_pacts_against_spec.py {{quote(pacts)}} --spec {{quote(spec)}}

# Which gate catches which provider change: scratch copies, every gate, docs/catch-matrix.md
catch-matrix: pact
    uv run --quiet python scripts/catch_matrix.py
