# planqa: `make run` starts the chat UI (index built if missing); `make test` runs every test.
# Both set up everything they need on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test setup system-deps index eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,st]' torch==2.13.0
	touch $(STAMP)

setup: $(STAMP)

# Debian packages the tests need: Chromium and a CJK font for the browser tests (without the font Chinese
# renders as boxes), and libGL for OpenCV, which the bundled OCR models load scans with.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc >/dev/null 2>&1 || ! ldconfig -p | grep -q libGL.so.1; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei libgl1 libglib2.0-0 >/dev/null; \
	fi

run: setup
	$(BIN)/planqa serve

test: setup system-deps
	$(BIN)/python -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

index: setup
	$(BIN)/planqa index

eval: setup
	$(BIN)/python -m eval --dataset eval/data/dev.jsonl --output eval/out/dev-results.jsonl --report eval/out/dev-report --baseline

bench: setup
	$(BIN)/python -m eval.bench

clean:
	rm -rf .planqa eval/out test-artifacts
