# bench/queries.mk - the queries benchmark (issue 12: declared queries and
# batched loads), included from bench/bench.mk.  README.md in this
# directory, "Queries and batched loads", says what it measures.
#
#   make bench-queries               the two phases (query_pages, user_products_load)
#                                    in the hand-written C, the generated API and
#                                    SQLAlchemy 1.4 typical and tuned: a table side by
#                                    side, the checksums compared, the targets' verdict
#                                    ($(B)/bench/queries.csv)
#   make bench-queries-instructions  the C programs under callgrind at BENCH_Q_CG_N
#                                    users: instructions per phase
#                                    ($(B)/bench/queries-instructions.csv)
#   make bench-queries-smoke         seconds, for `make test` (in TEST_SUITES): N = 1,000,
#                                    every implementation and variant agrees on every
#                                    checksum; $(B)/bench-queries-smoke.results
#
# Knobs (make VAR=value):
#   BENCH_Q_N=100000        users (a multiple of 10)
#   BENCH_Q_N_SQLA=         users for the SQLAlchemy runs (default BENCH_Q_N)
#   BENCH_Q_REPEAT=9        runs of each C program, alternating
#   BENCH_Q_IMPLS=raw,api,typical,tuned   (variants: raw-batch, raw-gensql,
#                           raw-join, raw-left, raw-rebind, raw-libassoc, api-qpsg,
#                           api-tuned, api-each, combined with '+': api-qpsg+tuned)
#   BENCH_Q_CG_N=10000      users for bench-queries-instructions
#   BENCH_Q_CG_IMPLS=raw,api
#   BENCH_Q_FLAGS=          more options for bench/queries_run.py: --strict (exit 1
#                           when a target is missed), --pattern, --page, --chunk
#   BENCH_TMPDIR            (bench.mk's) where the database files go
#
# Uses from the top Makefile: ASSOCGEN, LIBASSOC, ASSOC_LIBS, B, PYTHON, CC,
# CPPFLAGS, WARN, DEPS_OK.

BENCH_Q_N        ?= 100000
BENCH_Q_N_SQLA   ?=
BENCH_Q_REPEAT   ?= 9
BENCH_Q_IMPLS    ?= raw,api,typical,tuned
BENCH_Q_CG_N     ?= 10000
BENCH_Q_CG_IMPLS ?= raw,api
BENCH_Q_FLAGS    ?=

BENCH_Q_DIR := $(B)/bench
BENCH_Q_GEN := $(B)/bench/qgen
BENCH_Q_BINS := $(BENCH_Q_DIR)/queries_raw $(BENCH_Q_DIR)/queries_api
BENCH_Q_CG_BINS := $(BENCH_Q_DIR)/queries_raw-cg $(BENCH_Q_DIR)/queries_api-cg
BENCH_Q_RUN = $(PYTHON) -B bench/queries_run.py --bindir $(BENCH_Q_DIR) --schema $(BENCH_Q_GEN)/models.sql \
    --python $(PYTHON) $(if $(BENCH_TMPDIR),--tmpdir $(BENCH_TMPDIR))

.PHONY: bench-queries bench-queries-build bench-queries-instructions bench-queries-smoke

TEST_SUITES += bench-queries-smoke

# The seed's models, generated for this benchmark.
$(BENCH_Q_GEN)/.stamp: schema/models.def $(ASSOCGEN)
	@mkdir -p $(@D)
	$(ASSOCGEN) -o $(BENCH_Q_GEN) schema/models.def
	@touch $@

$(BENCH_Q_DIR)/queries_raw $(BENCH_Q_DIR)/queries_raw-cg: $(BENCH_Q_DIR)/queries_raw%: bench/queries_raw.c bench/queries.h bench/bench.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(if $*,-DBENCH_CALLGRIND) -Ibench -O2 $(WARN) -o $@ bench/queries_raw.c -lsqlite3

$(BENCH_Q_DIR)/queries_api $(BENCH_Q_DIR)/queries_api-cg: $(BENCH_Q_DIR)/queries_api%: bench/queries_api.c bench/queries.h bench/bench.h $(BENCH_Q_GEN)/.stamp $(LIBASSOC) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(if $*,-DBENCH_CALLGRIND) -Ibench -I$(BENCH_Q_GEN) -Iruntime -O2 $(WARN) -o $@ \
	    bench/queries_api.c $(BENCH_Q_GEN)/models.c $(LIBASSOC) $(ASSOC_LIBS)

bench-queries-build: $(BENCH_Q_BINS) $(BENCH_Q_GEN)/.stamp

bench-queries: bench-queries-build
	$(BENCH_Q_RUN) time --n $(BENCH_Q_N) $(if $(BENCH_Q_N_SQLA),--n-sqla $(BENCH_Q_N_SQLA)) \
	    --repeat $(BENCH_Q_REPEAT) --impls $(BENCH_Q_IMPLS) --csv $(BENCH_Q_DIR)/queries.csv $(BENCH_Q_FLAGS)

bench-queries-instructions: $(BENCH_Q_CG_BINS) $(BENCH_Q_BINS) $(BENCH_Q_GEN)/.stamp
	$(BENCH_Q_RUN) instructions --n $(BENCH_Q_CG_N) --impls $(BENCH_Q_CG_IMPLS) \
	    --csv $(BENCH_Q_DIR)/queries-instructions.csv $(BENCH_Q_FLAGS)

# The smoke run: "name passed failed" lines, as tests/run.sh writes them.
BENCH_Q_SMOKE = $(B)/bench-queries-smoke.results
bench-queries-smoke: bench-queries-build
	@: > $(BENCH_Q_SMOKE)
	@if $(BENCH_Q_RUN) time --n 1000 --repeat 1 \
	        --impls raw,api,raw-batch,raw-gensql,raw-join,raw-left+rebind,api-each,api-qpsg+tuned,typical,tuned \
	        > $(BENCH_Q_DIR)/queries-smoke.log 2>&1; then \
	    echo "ok   bench_queries_checksums"; echo "bench_queries_checksums 1 0" >> $(BENCH_Q_SMOKE); \
	else \
	    echo "FAIL bench_queries_checksums"; sed 's/^/    /' $(BENCH_Q_DIR)/queries-smoke.log | tail -n 40; \
	    echo "bench_queries_checksums 0 1" >> $(BENCH_Q_SMOKE); \
	fi
