# tthc-etl — top-level build.
#
#   make            build the three stage binaries, the simulator and tthc-report
#   make check      unit suites (CUnit) + integration tests (throwaway PostgreSQL)
#   make asan       the whole suite again under ASan + UBSan
#   make soak       hundreds of seeded SIGKILL points across the stages (long)
#   make valgrind   integration tests with every tthc-* under valgrind (long)
#   make fuzz       the libFuzzer harnesses, FUZZ_SECONDS (60) each
#   make demo       local Postgres + simulator, one full sync, print the period report
#   make deps       install the Debian packages the build, tests and demo need
#   make install PREFIX=/usr/local DESTDIR=
#
# Sources: common/ is libcommon.a; every stage directory (extract, transform,
# load, sim, report) is lib<stage>.a plus its main.c; tests/test_X.c is one CUnit
# executable each, linked against all libraries.

PKGS     := libcurl libxml-2.0 libcjson libpq libmicrohttpd inih xlsxwriter libcrypto
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

STAGES   := extract transform load sim report sync
BINARIES := $(BUILD)/bin/tthc-extract $(BUILD)/bin/tthc-transform \
            $(BUILD)/bin/tthc-load $(BUILD)/bin/tthc-sim $(BUILD)/bin/tthc-report \
            $(BUILD)/bin/tthc-sync

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

# tthc-sync runs the three stages as library calls: it links all three.
SYNC_LIBS := $(BUILD)/libsync.a $(BUILD)/libextract.a $(BUILD)/libtransform.a \
             $(BUILD)/libload.a $(BUILD)/libcommon.a
$(BUILD)/obj/sync/%.o: EXTRA_INCLUDES = -Iextract -Itransform -Iload
$(BUILD)/bin/tthc-sync: $(BUILD)/obj/sync/main.o $(SYNC_LIBS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(SYNC_LIBS) $(TTHC_LIBS) $(LDLIBS)

# A group: libsync uses libload and libextract, which come before it.
$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(LIBS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -Wl,--start-group $(LIBS) -Wl,--end-group $(TTHC_LIBS) $(LDLIBS) $(shell pkg-config --libs cunit)

# --- tests ------------------------------------------------------------------
check: unit integration fuzz-check

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

# --- soak, valgrind (not in check) --------------------------------------------
# `make soak`: crash safety at length, SOAK_POINTS seeded SIGKILL points
# (TTHC_CRASH_AT) across extract, transform and load, a third of them killed
# again during their recovery (tests/integration/test_crash_points.sh; the
# seed is printed, TTHC_CRASH_SEED=... reproduces it).
SOAK_POINTS ?= 400
.PHONY: soak valgrind
soak: $(BINARIES)
	@TTHC_BIN=$(abspath $(BUILD)/bin) TTHC_CRASH_POINTS=$(SOAK_POINTS) TTHC_CRASH_SOAK=1 \
	  bash tests/integration/test_crash_points.sh

# `make valgrind`: the integration tests VALGRIND_TESTS with every tthc-* run
# under valgrind (TTHC_VALGRIND=1, tests/lib/harness.sh): an error or a
# definite / indirect leak makes the program exit 99 and its test fail. Every
# report is kept in VALGRIND_LOGS; a non-empty one is a finding. (Tests with
# time bounds, test_extract_kill and test_extract_faults, fail under
# valgrind's slowdown alone; VALGRIND_TESTS="..." runs any others.)
VALGRIND_TESTS ?= test_e2e_portal test_e2e_all_sources test_load_atomic test_reconcile \
                  test_db_disk_faults
VALGRIND_LOGS  ?= $(abspath $(BUILD))/valgrind
valgrind: $(BINARIES)
	@rm -rf $(VALGRIND_LOGS) && mkdir -p $(VALGRIND_LOGS)
	@failed=0; for t in $(VALGRIND_TESTS); do \
	  if TTHC_BIN=$(abspath $(BUILD)/bin) TTHC_VALGRIND=1 TTHC_VALGRIND_LOGS=$(VALGRIND_LOGS) \
	       timeout 5400 bash tests/integration/$$t.sh >$(VALGRIND_LOGS)/$$t.out 2>&1; then \
	    echo "  PASS  $$t ($$(grep -c '^ok - ' $(VALGRIND_LOGS)/$$t.out) checks)"; \
	  else echo "  FAIL  $$t"; sed 's/^/        /' $(VALGRIND_LOGS)/$$t.out | tail -30; failed=1; fi; \
	done; \
	runs=$$(ls $(VALGRIND_LOGS)/vg.*.log 2>/dev/null | wc -l); \
	bad=$$(find $(VALGRIND_LOGS) -name 'vg.*.log' -size +0 | wc -l); \
	echo "valgrind: $$runs program runs, $$bad with errors or leaks (reports in $(VALGRIND_LOGS))"; \
	find $(VALGRIND_LOGS) -name 'vg.*.log' -size +0 | head -5 | while read -r f; do echo "  $$f:"; head -30 "$$f"; done; \
	[ $$failed = 0 ] && [ $$bad = 0 ]

# --- fuzzing ------------------------------------------------------------------
# libFuzzer harnesses (tests/fuzz/fuzz_*.c: the three page parsers, the
# extractor's page scans, the date parsers, the code normaliser), built with
# clang under ASan + UBSan in build-fuzz, their seeds generated from the
# simulators (tests/fuzz/seeds.sh). `make fuzz` runs each FUZZ_SECONDS;
# `make check` runs each FUZZ_SMOKE_SECONDS when clang can build them.
FUZZ_BUILD         := build-fuzz
FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZERS     := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_LIBS   := $(FUZZ_BUILD)/libtransform.a $(FUZZ_BUILD)/libextract.a $(FUZZ_BUILD)/libcommon.a
FUZZ_OK      = $(shell printf 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' | \
                 $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null && echo yes)

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-check
ifeq ($(BUILD),$(FUZZ_BUILD))
# (inside the sub-make below: the ordinary rules build the libraries)
else
$(FUZZ_LIBS): FORCE
	@$(MAKE) -s --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS="$(FUZZ_CFLAGS)" \
	         LDFLAGS= WERROR= $@
endif

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(FUZZ_LIBS)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(TTHC_CFLAGS) -Itransform -Iextract -Itests/fuzz $(FUZZ_CFLAGS) \
	    -fsanitize=fuzzer -o $@ $< $(FUZZ_LIBS) $(TTHC_LIBS)

# The seeds: pages the simulators serve (this build's tthc-sim).
$(FUZZ_BUILD)/seeds/.done: tests/fuzz/seeds.sh $(BUILD)/bin/tthc-sim
	@rm -rf $(FUZZ_BUILD)/seeds
	@tests/fuzz/seeds.sh $(BUILD)/bin/tthc-sim $(FUZZ_BUILD)/seeds
	@touch $@

fuzz-build: $(FUZZERS) $(FUZZ_BUILD)/seeds/.done

fuzz:
	@[ -n "$(FUZZ_OK)" ] || deploy/install-deps.sh --fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BUILD) $(FUZZERS)

fuzz-smoke: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_BUILD) $(FUZZERS)

# Part of `make check`, only where clang can build libFuzzer harnesses.
fuzz-check:
	@if [ -n "$(FUZZ_OK)" ]; then $(MAKE) --no-print-directory fuzz-smoke; \
	 else echo "  fuzz  skipped: $(FUZZ_CC) cannot build libFuzzer harnesses (make fuzz installs it)"; fi

# --- demo, deps, install ------------------------------------------------------
demo: deps-check $(BINARIES)
	@TTHC_BIN=$(abspath $(BUILD)/bin) deploy/demo.sh

deps:
	deploy/install-deps.sh

.PHONY: deps-check
deps-check:
	@deploy/install-deps.sh --check || deploy/install-deps.sh

# `make install`: the programs, their man pages, the SQL, the deployment
# files (roles.sql, the database setup script, the nightly wrapper, the
# systemd units with this PREFIX's paths, the sysusers.d user, examples of
# the configuration, cron and logrotate files) and the commune list.
# The commune list tthc-sync validates communes against (config units_file)
# is not part of the repository: it is copied from SHARED_REFERENCE when
# there (else install says so and units_file must be set).
SHARED_REFERENCE ?= ../shared/reference
BINDIR         ?= $(PREFIX)/bin
DATADIR        ?= $(PREFIX)/share/tthc-etl
MANDIR         ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR    ?= $(PREFIX)/lib/sysusers.d
# tthc-sim is the tests' simulator of the upstream systems: built, never
# installed (nor its man page).
INSTALL_BINARIES := $(filter-out $(BUILD)/bin/tthc-sim,$(BINARIES))
MANPAGES       := $(filter-out sim/tthc-sim.1,$(sort $(wildcard */tthc-*.1)))
# The paths written in the installed units and scripts.
INSTALL_SUBST   = sed -e 's|/usr/local/share/tthc-etl|$(DATADIR)|g' -e 's|/usr/local/bin|$(BINDIR)|g'
install: $(INSTALL_BINARIES)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/sql $(DESTDIR)$(DATADIR)/deploy \
	           $(DESTDIR)$(DATADIR)/deploy/logrotate.d $(DESTDIR)$(MANDIR)/man1 \
	           $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 0755 $(INSTALL_BINARIES) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 sql/*.sql $(DESTDIR)$(DATADIR)/sql/
	install -m 0644 deploy/roles.sql deploy/tthc.conf.example deploy/crontab.example \
	                deploy/README.md $(DESTDIR)$(DATADIR)/deploy/
	install -m 0644 deploy/logrotate.d/tthc $(DESTDIR)$(DATADIR)/deploy/logrotate.d/
	for f in tthc-setup-db.sh tthc-nightly.sh; do \
	  $(INSTALL_SUBST) deploy/$$f > $(DESTDIR)$(DATADIR)/deploy/$$f && \
	  chmod 0755 $(DESTDIR)$(DATADIR)/deploy/$$f || exit 1; done
	$(INSTALL_SUBST) -i $(DESTDIR)$(DATADIR)/deploy/crontab.example
	for u in deploy/*.service deploy/*.timer; do \
	  $(INSTALL_SUBST) $$u > $(DESTDIR)$(SYSTEMDUNITDIR)/$${u#deploy/} && \
	  chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${u#deploy/} || exit 1; done
	install -m 0644 deploy/sysusers.d/tthc.conf $(DESTDIR)$(SYSUSERSDIR)/
	@if [ -f $(SHARED_REFERENCE)/units-2025.csv ]; then \
	  install -m 0644 $(SHARED_REFERENCE)/units-2025.csv $(DESTDIR)$(DATADIR)/; \
	else echo "install: no commune list: $(SHARED_REFERENCE)/units-2025.csv not found;" \
	          "set SHARED_REFERENCE=DIR, or [state] units_file in tthc.conf" >&2; fi

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
