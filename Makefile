# The two commands a fresh machine needs: `make run` and `make test` (see README.md).
.PHONY: run test build build-test clean catalog

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

# Regenerates src/flinkconf/catalog/ from Flink's option tables (tools/flinkconf-gen/README.md).
REFERENCE ?= ../shared/reference
catalog:
	@cmake -S . -B build/tools -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_TESTS=OFF \
	  -DSLUICE_BUILD_BENCH=OFF >/dev/null
	@cmake --build build/tools --target flinkconf-gen
	build/tools/bin/flinkconf-gen --reference $(REFERENCE)/flink-config \
	  --rules tools/flinkconf-gen/rules --out src/flinkconf/catalog
