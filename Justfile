# contract-first: the verbs. `just --list` shows them; `python3 scripts/run.py RECIPE` bootstraps uv and just.

set shell := ["bash", "-euo", "pipefail", "-c"]

export PACT_DO_NOT_TRACK := "true"
export UV_FROZEN := "1"
export UV_PYTHON_DOWNLOADS := "never"
# Compile bytecode at install: with PYTHONDONTWRITEBYTECODE set (as here), every start would
# otherwise recompile FastAPI, pydantic and pact from source.
export UV_COMPILE_BYTECODE := "1"
# The toolkit's hints name the verbs as typed here: `just create-environment staging`.
export CONTRACT_FIRST_RUNNER := "just"

pytest := "uv run --quiet pytest -q -p no:cacheprovider"
cf := "uv run --quiet contract-first"

# List the recipes
default:
    @just --list --unsorted

# Install the workspace (provider, consumer, generated client, dev tools) from uv.lock
sync:
    uv sync --quiet

# The whole story on a scratch local broker: pact, publish, verify, deploy, break, blocked
demo: sync
    @uv run --quiet python scripts/demo.py

# The steps: sync browser lint check-drift pact check-pacts-against-spec verify test demo, each
# as `just --no-deps STEP`, the independent ones side by side (see scripts/ci_pipeline.py).
[doc("Everything CI checks, side by side; unchanged inputs reuse a passing run (--fresh: none)")]
[no-exit-message]
ci *args:
    @uv run --no-project --quiet python scripts/ci_pipeline.py --just {{quote(just_executable())}} {{args}}

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

# ruff, mypy --strict (not the generated client), the workflows' and compose file's schemas, zizmor
lint:
    uv run --quiet ruff check .
    uv run --quiet ruff format --check .
    uv run --quiet mypy
    uv run --quiet check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
    uv run --quiet check-jsonschema --builtin-schema custom.github-workflows-require-timeout \
        .github/workflows/*.yml
    uv run --quiet check-jsonschema --builtin-schema vendor.compose-spec broker/official/compose.yaml
    uv run --quiet zizmor --offline --strict-collection --quiet --no-progress .

# Export the provider's OpenAPI document to openapi/openapi.json
export-openapi *args:
    {{cf}} export-openapi {{args}}

# Re-export the spec and regenerate generated_client/ from it
regen-client *args:
    {{cf}} regen-client {{args}}

# Fail with a diff when openapi/openapi.json or generated_client/ is stale
check-drift *args:
    {{cf}} check-drift {{args}}

# Both consumers' Pact tests: each adapter against the Pact mock server; each writes its pact in pacts/
pact:
    {{pytest}} consumer/notifications/tests/pact consumer/signup/tests/pact

# Replay the pacts against the real provider: PACT_URL, else the broker, else pacts/ (e.g. --verbose)
verify *args:
    {{cf}} verify {{args}}

# Verify exactly one pact by URL (what a webhook-triggered build runs)
verify-pact-url url *args:
    PACT_URL={{quote(url)}} {{cf}} verify {{args}}

# All other tests (pyproject's testpaths, or the folders/files given), on every core, after `just pact`
test *args: pact
    {{pytest}} -n auto --dist worksteal \
        --ignore=consumer/notifications/tests/pact --ignore=consumer/signup/tests/pact {{args}}

# Seed the demo users into the provider's database ($USER_SERVICE_DATABASE_PATH)
seed-provider:
    uv run --quiet user-service seed

# Serve the provider on http://127.0.0.1:${PORT:-8000} with uvicorn (or `just serve-provider 8001`)
serve-provider port=env("PORT", "8000"): seed-provider
    uv run --quiet user-service serve --port {{quote(port)}}

# Each step of `just ci` alone (wall and cpu seconds) and inside `just ci`, as medians over RUNS
# runs; then the slowest tests, and each consumer's pact tests and verification alone.
[doc("Where the seconds of `just ci` go, as medians over RUNS runs; `--growth`: verify time vs. interactions")]
bench runs="3" *args:
    uv run --quiet python scripts/bench_loop.py --runs {{runs}} {{args}}

# Seed the local broker (50 consumers x 20, then x 200 versions) and print request latencies
bench-broker:
    uv run --quiet python broker/bench.py

# Serve the local Pact Broker in the foreground on 127.0.0.1:${PACT_BROKER_PORT:-9292} (Ctrl-C stops it)
[no-exit-message]
broker:
    @uv run --quiet local-pact-broker

# Start the local Pact Broker in the background (health-checked; pid, URL and log in .broker/)
[no-exit-message]
broker-up:
    @uv run --quiet local-pact-broker up

# Stop the background local Pact Broker
[no-exit-message]
broker-down:
    @uv run --quiet local-pact-broker down

# Publish pacts/ as the git commit on the git branch (PACT_BROKER_BASE_URL, else `just broker-up`'s)
[no-exit-message]
publish *args:
    @{{cf}} publish {{args}}

# Ask the broker whether this commit of PACTICIPANT may be deployed to ENV (--retry-while-unknown N)
[no-exit-message]
can-i-deploy pacticipant env *args:
    @{{cf}} can-i-deploy {{quote(pacticipant)}} {{quote(env)}} {{args}}

# Record that this commit of PACTICIPANT was deployed to ENV
[no-exit-message]
record-deployment pacticipant env *args:
    @{{cf}} record-deployment {{quote(pacticipant)}} {{quote(env)}} {{args}}

# Create a deployment environment on the broker (idempotent)
[no-exit-message]
create-environment name *flags:
    @{{cf}} create-environment {{quote(name)}} {{flags}}

# Make the broker start the verify-changed-pact workflow when a pact needs verification (idempotent)
[no-exit-message]
create-webhook *args:
    @{{cf}} create-webhook {{args}}

# Fail when a pact asks for what the spec does not promise (relied-on fields: required, non-null)
check-pacts-against-spec pacts="" spec="":
    {{cf}} check-pacts-against-spec {{ if pacts != "" { quote(pacts) } else { "" } }} \
        {{ if spec != "" { "--spec " + quote(spec) } else { "" } }}

# Which gate catches which provider change: scratch copies, every gate, docs/catch-matrix.md
catch-matrix *args: pact
    {{cf}} catch-matrix {{args}}
