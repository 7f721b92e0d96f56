# The two commands of the README: `make demo` runs the kiosk on the embedded default,
# `make test` runs every check. Both set the machine up first (scripts/setup.sh).
.PHONY: setup test lint demo bench screenshots

setup:
	./scripts/setup.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

test: lint
	.venv/bin/python -m pytest

demo: setup
	.venv/bin/kiosk demo

bench: setup
	.venv/bin/python -m bench.all
