# The two commands a fresh machine needs: `make run` and `make test` (see README.md).
.PHONY: run test build build-test clean

JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080
DATA_DIR ?= ./var

run: build
	@echo "make run: starting sluice serve on $(LISTEN) (data in $(DATA_DIR); Ctrl-C stops it)"
	build/release/bin/sluice serve --listen $(LISTEN) --data-dir $(DATA_DIR)

build:
	@scripts/install-deps.sh build $(if $(wildcard web/package.json),web)
	@scripts/build.sh release

test:
	@scripts/test.sh

clean:
	rm -rf build
