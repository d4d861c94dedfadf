# Cirrus developer entry points. The two that matter (README): `make up`, `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
JOBS ?= $(shell nproc)
PY := /usr/bin/python3
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= true

.PHONY: help deps build build-asan up down test test-unit test-system test-asan format check-format check-layers clean

help:
	@echo "make up      install what is missing, build, start the local stack (Ctrl-C or make down stops it)"
	@echo "make down    stop the local stack"
	@echo "make test    install what is missing, build, run unit + system tests (release and ASan+UBSan)"
	@echo "make build   release build only;  make build-asan  sanitizer build only"

deps:
	@scripts/install-deps

build: deps
	@cmake --preset release >/dev/null
	@ninja -C build/release -j $(JOBS)

build-asan: deps
	@cmake --preset asan >/dev/null
	@ninja -C build/asan -j $(JOBS)

up: build
	@scripts/dev-stack up

down:
	@scripts/dev-stack down

test: deps
	@scripts/run-tests

test-unit: build
	@ctest --test-dir build/release --output-on-failure -j $(JOBS)

test-system: build
	@CIRRUS_BIN=$(CURDIR)/build/release/src/cirrus $(PY) -m pytest -q tests/system

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

check-format:
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

check-layers:
	@$(PY) scripts/check-layers

clean:
	rm -rf build
