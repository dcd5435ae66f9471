# kefu - build, run, test.  See README.md.
#
#   make          release build: build/rel/kefu
#   make run      install what is missing, build, create a demo database, serve
#   make check    install what is missing, run every test (ASan + UBSan)
#   make asan     sanitizer build: build/asan/kefu
#   make fuzz     run the libFuzzer harnesses for FUZZ_SECONDS each
#   make bench    run the benchmarks in bench/ (prints figures)

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
SHELL := /bin/bash

PKGS := libmicrohttpd jansson sqlite3 libpq libsodium gmime-3.0 libcurl libxml-2.0
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread -lm

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wvla -Wwrite-strings -Werror
COMMON := -std=c17 -D_GNU_SOURCE -g $(WARN) -Isrc
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# Every file under src/ gets base/banned.h first; only base/xalloc.c may call
# the raw allocator (see banned.h); the unit tests and fuzz harnesses may too
# (-DKF_ALLOW_RAW_ALLOC).  Expanded in the recipe, where $< is set.
BANNED = -include base/banned.h $(if $(filter src/base/xalloc.c,$<),-DKF_ALLOW_RAW_ALLOC)

LIB_SRC := $(filter-out src/cli/main.c,$(sort $(wildcard src/*/*.c)))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
WEB_FILES := $(shell find web -type f 2>/dev/null | sort)
MIG_FILES := $(shell find src/store/migrations -type f -name '*.sql' | sort)

EMBED := build/tools/embed
GEN := build/gen
GEN_SRC := $(GEN)/embed_web.c $(GEN)/embed_migrations.c $(GEN)/embed_openapi.c

# --- generated sources (shared by every flavour) -----------------------------
$(EMBED): tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -o $@ $<

$(GEN)/embed_web.c: $(EMBED) $(WEB_FILES)
	@mkdir -p $(GEN)
	$(EMBED) embed_web web $(WEB_FILES) > $@.tmp && mv $@.tmp $@

$(GEN)/embed_migrations.c: $(EMBED) $(MIG_FILES)
	@mkdir -p $(GEN)
	$(EMBED) embed_migrations src/store/migrations $(MIG_FILES) > $@.tmp && mv $@.tmp $@

# docs/openapi.json is generated from the fragments in docs/openapi/ (one per
# area of the API) and committed, so the published document is always whole.
OPENAPI_PARTS := $(sort $(wildcard docs/openapi/*.json))
build/tools/openapi_merge: tools/openapi_merge.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -o $@ $< $(shell pkg-config --cflags --libs jansson)

docs/openapi.json: build/tools/openapi_merge $(OPENAPI_PARTS)
	build/tools/openapi_merge $(OPENAPI_PARTS) > $@.tmp && mv $@.tmp $@

$(GEN)/embed_openapi.c: $(EMBED) docs/openapi.json
	@mkdir -p $(GEN)
	$(EMBED) embed_openapi docs docs/openapi.json > $@.tmp && mv $@.tmp $@

# --- one flavour of the build: $(1) name, $(2) compiler, $(3) flags ----------
define flavour
$(1)_DIR := build/$(1)
$(1)_OBJ := $$(patsubst %.c,build/$(1)/%.o,$$(LIB_SRC)) \
	$$(patsubst $$(GEN)/%.c,build/$(1)/gen/%.o,$$(GEN_SRC))

build/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$(2) $$(COMMON) $$(BANNED) $(3) $$(PKG_CFLAGS) -DKF_VERSION='"$$(VERSION)"' -DKF_GIT_REV='"$$(GIT_REV)"' -MMD -MP -c -o $$@ $$<

build/$(1)/gen/%.o: $$(GEN)/%.c
	@mkdir -p $$(dir $$@)
	$(2) -std=c17 -g $(3) -Isrc -c -o $$@ $$<

build/$(1)/libkefu.a: $$($(1)_OBJ)
	@rm -f $$@
	ar rcs $$@ $$^

build/$(1)/kefu: build/$(1)/src/cli/main.o build/$(1)/libkefu.a
	$(2) $(3) -o $$@ $$^ $$(PKG_LIBS)

-include $$(patsubst %.c,build/$(1)/%.d,$$(LIB_SRC) src/cli/main.c)
endef

REL_FLAGS := -O2
ASAN_FLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS := -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -DKF_FUZZ=1

$(eval $(call flavour,rel,$(CC),$(REL_FLAGS)))
$(eval $(call flavour,asan,$(CC),$(ASAN_FLAGS)))
$(eval $(call flavour,fuzz,clang,$(FUZZ_FLAGS)))

# --- unit tests (cmocka), built against the sanitizer library ----------------
UNIT_BIN := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRC))
build/asan/tests/%: tests/unit/%.c build/asan/libkefu.a
	@mkdir -p $(dir $@)
	$(CC) $(COMMON) -DKF_ALLOW_RAW_ALLOC $(ASAN_FLAGS) $(PKG_CFLAGS) -MMD -MP -o $@ $< build/asan/libkefu.a $(PKG_LIBS) -lcmocka

# --- bench programs, built against the release library --------------------------
build/rel/bench/%: bench/%.c build/rel/libkefu.a
	@mkdir -p $(dir $@)
	$(CC) $(COMMON) $(REL_FLAGS) $(PKG_CFLAGS) -o $@ $< build/rel/libkefu.a $(PKG_LIBS)

# --- fuzz harnesses (clang + libFuzzer) ----------------------------------------
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/bin/%,$(FUZZ_SRC))
build/fuzz/bin/%: tests/fuzz/%.c build/fuzz/libkefu.a
	@mkdir -p $(dir $@)
	clang $(COMMON) -DKF_ALLOW_RAW_ALLOC -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(PKG_CFLAGS) -o $@ $< build/fuzz/libkefu.a $(PKG_LIBS)

# --- the targets people type ---------------------------------------------------
.PHONY: format all deps asan run check unit unit-pg api api-sqlite api-pg api-pg-run pg-suite browser screenshots fuzz fuzz-smoke bench format-check layer-check clean

all: build/rel/kefu

deps:
	@scripts/deps.sh

asan: build/asan/kefu

run: deps build/rel/kefu
	@scripts/run.sh build/rel/kefu

# Unit tests; test_store also covers PostgreSQL when KF_TEST_PG_URL is set.
unit: $(UNIT_BIN)
	@scripts/run-unit.sh $(UNIT_BIN)

# The unit suites that also run against PostgreSQL when KF_TEST_PG_URL is set.
UNIT_PG := build/asan/tests/test_store build/asan/tests/test_consumer build/asan/tests/test_search build/asan/tests/test_scheduler build/asan/tests/test_import build/asan/tests/test_bulk
UNIT_PG += build/asan/tests/test_clv
UNIT_PG += build/asan/tests/test_service_facts
UNIT_PG += build/asan/tests/test_quality
UNIT_PG += build/asan/tests/test_value
UNIT_PG += build/asan/tests/test_survey
unit-pg: $(UNIT_PG)
	@test -n "$$KF_TEST_PG_URL" || { echo "unit-pg: run through scripts/with-pg.sh"; exit 1; }
	@scripts/run-unit.sh $(UNIT_PG)

API_TEST = node --test --test-concurrency=1 tests/api/

api: api-sqlite api-pg

api-sqlite: build/asan/kefu
	KF_TEST_BIN=build/asan/kefu KF_TEST_BACKEND=sqlite $(API_TEST)

api-pg-run: build/asan/kefu
	@test -n "$$KF_TEST_PG_URL" || { echo "api-pg-run: run through scripts/with-pg.sh"; exit 1; }
	KF_TEST_BIN=build/asan/kefu KF_TEST_BACKEND=postgres $(API_TEST)

# One throwaway PostgreSQL for the store unit tests and the API suite.
pg-suite api-pg: build/asan/kefu $(UNIT_PG)
	scripts/with-pg.sh $(MAKE) --no-print-directory unit-pg api-pg-run

# The web UI in Debian's chromium (playwright-core) against a real kefu serve
# on SQLite with demo data, plus the i18n and pure-function tests of web/js.
browser: build/asan/kefu
	KF_TEST_BIN=build/asan/kefu KF_TEST_BACKEND=sqlite node --test --test-concurrency=1 tests/browser/

# Screenshots of the main pages in both languages into docs/screenshots/.
screenshots: build/rel/kefu
	KF_TEST_BIN=build/rel/kefu KF_TEST_BACKEND=sqlite node tests/browser/screenshots.mjs

fuzz-smoke: $(FUZZ_BIN)
	@scripts/fuzz.sh 15 $(FUZZ_BIN)

fuzz: deps $(FUZZ_BIN)
	@scripts/fuzz.sh $${FUZZ_SECONDS:-300} $(FUZZ_BIN)

format-check:
	@scripts/format-check.sh

format:
	clang-format -i $$(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'tools/*.[ch]' 'bench/*.[ch]')

# Layer order (read from docs/architecture.md) and the build's bans, proven
# to fail on planted violations.
layer-check:
	@python3 scripts/layer-check.py
	@tests/conventions.sh

check: deps
	$(MAKE) format-check
	$(MAKE) layer-check
	$(MAKE) build/rel/kefu build/asan/kefu $(UNIT_BIN) $(FUZZ_BIN)
	$(MAKE) unit
	$(MAKE) api-sqlite
	$(MAKE) pg-suite
	$(MAKE) browser
	$(MAKE) fuzz-smoke
	@echo "make check: every suite passed"

bench: deps build/rel/kefu
	@bench/run-all.sh build/rel/kefu

clean:
	rm -rf build

-include $(patsubst tests/unit/%.c,build/asan/tests/%.d,$(UNIT_SRC))
