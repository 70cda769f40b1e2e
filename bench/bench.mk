# bench/bench.mk - the benchmarks, included from the top Makefile after
# TEST_SUITES is set (it adds bench-smoke to it):
#
#   include bench/bench.mk
#
#   make bench             all three below, one after the other
#   make bench-workload    the ORM workload (users, products, orders) in four
#                          implementations: hand-written sqlite3 C, the generated
#                          API, SQLAlchemy 1.4 typical and tuned; a table per
#                          phase, $(B)/bench/results.csv and bench/results.svg
#   make bench-instructions  the hand-written C and the generated API counted
#                          by callgrind, per phase, at BENCH_CG_N users: the
#                          ratio the machine's load does not move
#                          ($(B)/bench/instructions.csv)
#   make bench-memory      the scale test: both C programs at N = 100,000 and
#                          1,000,000 (BENCH_MEM_REPEAT runs each, alternating):
#                          time per row of each phase and its growth, peak RSS
#                          of the generated-API run per phase ($(B)/bench/memory.csv)
#   make bench-generator   assocgen's time and peak memory on synthetic schemas
#                          of 100, 1,000 and 10,000 models, and a compile of the
#                          largest output ($(B)/bench/generator.csv)
#   make bench-migrate     a table of BENCH_MIGRATE_ROWS rows migrated by rebuild:
#                          the script assocgen --migrate-from writes against the
#                          same rebuild written by hand, both through the sqlite3
#                          shell; both medians and the ratio ($(B)/bench/migrate.csv)
#   make bench-smoke       seconds, for `make test` (in TEST_SUITES): the workload
#                          at N = 1,000 in all four implementations must agree
#                          on every checksum, and a 100-model synthetic schema
#                          must generate and compile; $(B)/bench-smoke.results
#
# Knobs (make VAR=value):
#   BENCH_N=100000         users in the workload (a multiple of 10)
#   BENCH_N_SQLA=$(BENCH_N) users for the SQLAlchemy runs; when it differs, the
#                          C programs run at that N as well, for the checksums
#                          and the ratios
#   BENCH_REPEAT=5         runs of each C program (the median is reported)
#   BENCH_IMPLS=raw,api,typical,tuned  (also api-owned: the API loading
#                          order.product as a record of its own)
#   BENCH_MEM_SIZES=100000,1000000  BENCH_MEM_REPEAT=3
#   BENCH_MEM_CACHE_KIB=0,262144  bench-memory's page caches in KiB (both C
#                          programs), a scale test each: 0 is their own
#                          64 MiB; 256 MiB holds the indexes the 1,000,000
#                          run's inserts and deletes change at random
#   BENCH_GEN_SIZES=100,1000,10000
#   BENCH_CG_N=10000       users for bench-instructions (callgrind is ~50x slower)
#   BENCH_MIGRATE_ROWS=1000000  BENCH_MIGRATE_REPEAT=5   (bench-migrate)
#   BENCH_TMPDIR=          where the database file goes (default: the system's
#                          temporary directory)
#   BENCH_FLAGS=           more options for bench/run.py, e.g. --strict (exit 1
#                          when a target is missed, not only on a checksum
#                          disagreement)
#
# Uses from the top Makefile: ASSOCGEN, LIBASSOC, B, PYTHON, CC, CPPFLAGS, WARN
# (and DEPS_OK, when defined, so the project's packages are installed first).

BENCH_N         ?= 100000
BENCH_N_SQLA    ?= $(BENCH_N)
BENCH_REPEAT    ?= 5
BENCH_IMPLS     ?= raw,api,typical,tuned
BENCH_MEM_SIZES ?= 100000,1000000
BENCH_MEM_REPEAT ?= 3
BENCH_MEM_CACHE_KIB ?= 0,262144
BENCH_GEN_SIZES ?= 100,1000,10000
BENCH_CG_N      ?= 10000
BENCH_TMPDIR    ?=
BENCH_FLAGS     ?=

BENCH_DIR    := $(B)/bench
BENCH_GEN    := $(BENCH_DIR)/gen
BENCH_CFLAGS := -O2
BENCH_DEB_PACKAGES := python3-sqlalchemy gnuplot-nox

BENCH_RUN = $(PYTHON) bench/run.py
BENCH_COMMON = --bindir $(BENCH_DIR) --schema $(BENCH_GEN)/models.sql --python $(PYTHON) \
    $(if $(BENCH_TMPDIR),--tmpdir $(BENCH_TMPDIR)) $(BENCH_FLAGS)

.PHONY: bench bench-build bench-workload bench-instructions bench-memory bench-generator bench-smoke bench-migrate

TEST_SUITES += bench-smoke

# What the benchmarks need beyond the build: SQLAlchemy and gnuplot (the
# smoke test needs no chart, and the project's packages include SQLAlchemy).
$(BENCH_DIR)/.deps-ok: scripts/deps.sh | $(DEPS_OK)
	@mkdir -p $(@D)
	@sh scripts/deps.sh $(BENCH_DEB_PACKAGES)
	@touch $@

# The seed's models, generated for the benchmark (not into out/).  assocgen
# leaves an unchanged output untouched, so a stamp records the run.
$(BENCH_GEN)/.stamp: schema/models.def $(ASSOCGEN)
	@mkdir -p $(@D)
	$(ASSOCGEN) -o $(BENCH_GEN) schema/models.def
	@touch $@

$(BENCH_DIR)/raw: bench/raw.c bench/bench.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Ibench $(BENCH_CFLAGS) $(WARN) -o $@ bench/raw.c -lsqlite3

$(BENCH_DIR)/api: bench/api.c bench/bench.h $(BENCH_GEN)/.stamp $(LIBASSOC) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Ibench -I$(BENCH_GEN) -Iruntime $(BENCH_CFLAGS) $(WARN) -o $@ \
	    bench/api.c $(BENCH_GEN)/models.c $(LIBASSOC) $(ASSOC_LIBS)

# The same two programs built to dump a callgrind profile per phase.
$(BENCH_DIR)/raw-cg: bench/raw.c bench/bench.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DBENCH_CALLGRIND -Ibench $(BENCH_CFLAGS) $(WARN) -o $@ bench/raw.c -lsqlite3

$(BENCH_DIR)/api-cg: bench/api.c bench/bench.h $(BENCH_GEN)/.stamp $(LIBASSOC) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DBENCH_CALLGRIND -Ibench -I$(BENCH_GEN) -Iruntime $(BENCH_CFLAGS) $(WARN) -o $@ \
	    bench/api.c $(BENCH_GEN)/models.c $(LIBASSOC) $(ASSOC_LIBS)

bench-build: $(BENCH_DIR)/raw $(BENCH_DIR)/api $(BENCH_GEN)/.stamp $(ASSOCGEN)

BENCH_WORKLOAD = $(BENCH_RUN) workload $(BENCH_COMMON) --n $(BENCH_N) --n-sqla $(BENCH_N_SQLA) \
    --repeat $(BENCH_REPEAT) --impls $(BENCH_IMPLS) --csv $(BENCH_DIR)/results.csv --chart bench/results.svg
BENCH_INSTRUCTIONS = $(BENCH_RUN) instructions $(BENCH_COMMON) --n $(BENCH_CG_N) --csv $(BENCH_DIR)/instructions.csv
BENCH_MEMORY = $(BENCH_RUN) memory $(BENCH_COMMON) --sizes $(BENCH_MEM_SIZES) --repeat $(BENCH_MEM_REPEAT) \
    --cache-kib $(BENCH_MEM_CACHE_KIB) \
    --csv $(BENCH_DIR)/memory.csv
BENCH_GENERATOR = $(BENCH_RUN) generator $(BENCH_COMMON) --sizes $(BENCH_GEN_SIZES) --assocgen $(ASSOCGEN) \
    --cc '$(CC)' --cflags '$(CPPFLAGS) $(WARN) -O0' --csv $(BENCH_DIR)/generator.csv

# One recipe, so that the three never run at the same time (under make -j
# they would disturb each other's timings).
bench: bench-build $(BENCH_DIR)/raw-cg $(BENCH_DIR)/api-cg $(BENCH_DIR)/.deps-ok
	$(BENCH_WORKLOAD)
	$(BENCH_INSTRUCTIONS)
	$(BENCH_MEMORY)
	$(BENCH_GENERATOR)

bench-workload: bench-build $(BENCH_DIR)/.deps-ok
	$(BENCH_WORKLOAD)

bench-instructions: $(BENCH_DIR)/raw-cg $(BENCH_DIR)/api-cg $(BENCH_GEN)/.stamp
	$(BENCH_INSTRUCTIONS)

bench-memory: bench-build
	$(BENCH_MEMORY)

bench-generator: $(ASSOCGEN) | $(DEPS_OK)
	$(BENCH_GENERATOR)

bench-smoke: bench-build
	@B='$(B)' PYTHON='$(PYTHON)' ASSOCGEN='$(ASSOCGEN)' CC='$(CC)' CFLAGS='$(CPPFLAGS) $(WARN) -O0' \
	    sh bench/smoke.sh

# The migration benchmark (SPEC 7): bench/migrate.py, bench/migrate_*.def and
# the hand-written rebuild bench/migrate_hand.sql.
BENCH_MIGRATE_ROWS   ?= 1000000
BENCH_MIGRATE_REPEAT ?= 5
bench-migrate: $(ASSOCGEN) | $(DEPS_OK)
	@mkdir -p $(BENCH_DIR)
	$(PYTHON) -B bench/migrate.py --assocgen $(ASSOCGEN) --rows $(BENCH_MIGRATE_ROWS) \
	    --repeat $(BENCH_MIGRATE_REPEAT) $(if $(BENCH_TMPDIR),--tmpdir $(BENCH_TMPDIR)) --csv $(BENCH_DIR)/migrate.csv
include bench/queries.mk
