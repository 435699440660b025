# tthc-etl — top-level build.
#
#   make            build the three stage binaries and the simulator
#   make check      unit suites (CUnit) + integration tests (throwaway PostgreSQL)
#   make asan       the whole suite again under ASan + UBSan
#   make demo       local Postgres + simulator, one full sync, print the period report
#   make deps       install the Debian packages the build, tests and demo need
#   make install PREFIX=/usr/local DESTDIR=
#
# Sources: common/ is libcommon.a; every stage directory (extract, transform,
# load, sim) is lib<stage>.a plus its main.c; tests/test_X.c is one CUnit
# executable each, linked against all libraries.

PKGS     := libcurl libxml-2.0 libcjson libpq libmicrohttpd inih
CC       ?= cc
BUILD    ?= build
WERROR   ?= -Werror
# CFLAGS / LDFLAGS are the user's (optimisation, sanitizers); the flags the
# code needs are in TTHC_CFLAGS and always apply.
CFLAGS   ?= -O2 -g
TTHC_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) -Wshadow -Wformat=2 \
            -Wno-missing-field-initializers -fno-strict-aliasing \
            -Icommon -Ischemas $(EXTRA_INCLUDES) $(shell pkg-config --cflags $(PKGS) cunit)
TTHC_LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread -lm
PREFIX   ?= /usr/local
DESTDIR  ?=

STAGES   := extract transform load sim
BINARIES := $(BUILD)/bin/tthc-extract $(BUILD)/bin/tthc-transform \
            $(BUILD)/bin/tthc-load $(BUILD)/bin/tthc-sim

lib_srcs  = $(filter-out $(1)/main.c,$(wildcard $(1)/*.c))
lib_objs  = $(patsubst %.c,$(BUILD)/obj/%.o,$(call lib_srcs,$(1)))

COMMON_OBJS := $(call lib_objs,common)
LIBS        := $(foreach s,$(STAGES),$(BUILD)/lib$(s).a) $(BUILD)/libcommon.a

TEST_SRCS := $(wildcard tests/test_*.c)
# Suites test module internals: they see every stage's headers.
$(BUILD)/obj/tests/%.o: EXTRA_INCLUDES = -Itests $(foreach s,$(STAGES),-I$(s))
TESTS     := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: all check unit integration asan demo deps install clean bench
# Keep objects of test programs (make would delete them as intermediates).
.SECONDARY:
all: $(BINARIES)

# V=1 shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(TTHC_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# The SQL migrations are embedded in tthc-load so an installed binary can
# migrate a warehouse without knowing where sql/ went.
$(BUILD)/obj/load/migrations_embedded.o: $(BUILD)/gen/migrations_embedded.c
	@mkdir -p $(@D)
	$(CC) $(TTHC_CFLAGS) $(CFLAGS) -Iload -c $< -o $@
# The list of migrations is a prerequisite too, so that removing or renaming
# one regenerates the file (a changed file alone is seen by its date).
MIGRATIONS := $(sort $(wildcard sql/[0-9]*.sql))
$(BUILD)/gen/migrations.list: FORCE
	@mkdir -p $(@D)
	@echo '$(MIGRATIONS)' | cmp -s - $@ || echo '$(MIGRATIONS)' > $@
$(BUILD)/gen/migrations_embedded.c: $(MIGRATIONS) sql/embed.sh $(BUILD)/gen/migrations.list
	@mkdir -p $(@D)
	sql/embed.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@
.PHONY: FORCE
FORCE:

$(BUILD)/libcommon.a: $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

define stage_rules
$(BUILD)/lib$(1).a: $(call lib_objs,$(1)) $(if $(filter load,$(1)),$(BUILD)/obj/load/migrations_embedded.o)
	@mkdir -p $$(@D)
	$(Q)rm -f $$@ && $(AR) rcs $$@ $$^
endef
$(foreach s,$(STAGES),$(eval $(call stage_rules,$(s))))

# Each program links its own stage and the shared library only (the
# simulator not even that: its truth must not share code with the pipeline).
$(BUILD)/bin/tthc-%: $(BUILD)/obj/%/main.o $(BUILD)/lib%.a $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/lib$*.a $(if $(filter sim,$*),,$(BUILD)/libcommon.a) $(TTHC_LIBS) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(LIBS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(TTHC_LIBS) $(LDLIBS) $(shell pkg-config --libs cunit)

# --- tests ------------------------------------------------------------------
check: unit integration

unit: $(TESTS)
	@tests/run-unit.sh $(TESTS)

integration: $(BINARIES)
	@TTHC_BIN=$(abspath $(BUILD)/bin) tests/run-integration.sh

# Under the sanitizers every finding is fatal.
export ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	        LDFLAGS="-fsanitize=address,undefined" check

bench: $(BINARIES)
	@TTHC_BIN=$(abspath $(BUILD)/bin) tests/bench/run.sh

# --- demo, deps, install ------------------------------------------------------
demo: deps-check $(BINARIES)
	@TTHC_BIN=$(abspath $(BUILD)/bin) deploy/demo.sh

deps:
	deploy/install-deps.sh

.PHONY: deps-check
deps-check:
	@deploy/install-deps.sh --check || deploy/install-deps.sh

install: $(BINARIES)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tthc-etl/sql \
	           $(DESTDIR)$(PREFIX)/share/tthc-etl/deploy
	install -m 0755 $(BUILD)/bin/tthc-extract $(BUILD)/bin/tthc-transform \
	                $(BUILD)/bin/tthc-load $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 sql/*.sql $(DESTDIR)$(PREFIX)/share/tthc-etl/sql/
	install -m 0644 deploy/tthc.conf.example deploy/*.service deploy/*.timer \
	                $(DESTDIR)$(PREFIX)/share/tthc-etl/deploy/
	install -m 0755 deploy/tthc-nightly.sh $(DESTDIR)$(PREFIX)/share/tthc-etl/deploy/

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
