# bench/pg.mk - the benchmark's workload on PostgreSQL (issue 16), included
# from the top Makefile after bench/bench.mk (whose BENCH_DIR, BENCH_GEN,
# BENCH_CFLAGS and api program it uses) and mk/pg.mk (PG_SERVER):
#
#   make bench-pg          one run of everything below against a private
#                          PostgreSQL 15 (tests/pg/with_server.sh) reached over
#                          TCP on 127.0.0.1:$(BENCH_PG_PORT): the workload in
#                          the generated API, the hand-written libpq C (also
#                          pipelined, and in the API's shape) and SQLAlchemy
#                          1.4 on psycopg2, typical and tuned, side by side
#                          with ratios; then user.products for every user by
#                          the per-user loop and by the batched load
#                          ($(B)/bench/pg-results.csv, pg-loads.csv)
#   make bench-pg-smoke    seconds, for `make test` (in TEST_SUITES): the same
#                          at N = 1,000 over the Unix socket, checksums only:
#                          every implementation agrees on every phase, and the
#                          loop and the batched loads on user.products
#                          -> $(B)/bench-pg-smoke.results
#
# Knobs (make VAR=value):
#   BENCH_PG_N=20000       users in the workload (a multiple of 10)
#   BENCH_PG_N_SQLA=$(BENCH_PG_N)  users for the SQLAlchemy runs
#   BENCH_PG_N_LOADS=$(BENCH_PG_N)  users for the loop against the batched load
#   BENCH_PG_REPEAT=5      runs of each C program, alternated (median, paired ratios)
#   BENCH_PG_ROUNDS=3      rounds of the loads
#   BENCH_PG_IMPLS=raw,api,pipeline,raw:api,typical,tuned
#   BENCH_PG_PORT=55432    the server's TCP port on 127.0.0.1
#   BENCH_PG_FLAGS=        more options for bench/pg_run.py, e.g. --strict

BENCH_PG_N       ?= 20000
BENCH_PG_N_SQLA  ?= $(BENCH_PG_N)
BENCH_PG_N_LOADS ?= $(BENCH_PG_N)
BENCH_PG_REPEAT  ?= 5
BENCH_PG_ROUNDS  ?= 3
BENCH_PG_IMPLS   ?= raw,api,pipeline,raw:api,typical,tuned
BENCH_PG_PORT    ?= 55432
BENCH_PG_FLAGS   ?=

BENCH_PG_SERVER := $(B)/pg-bench
BENCH_PG_SMOKE_SERVER := $(or $(PG_SERVER),$(B)/pg-test)
BENCH_PG_BIN := $(BENCH_DIR)/api $(BENCH_DIR)/pg_raw $(BENCH_DIR)/pg_ddl $(BENCH_DIR)/pg_load

.PHONY: bench-pg bench-pg-smoke

TEST_SUITES += bench-pg-smoke

$(BENCH_DIR)/pg_raw: bench/pg_raw.c bench/bench.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Ibench $(PG_CFLAGS) $(BENCH_CFLAGS) $(WARN) -o $@ bench/pg_raw.c $(PG_LIBS)

$(BENCH_DIR)/pg_ddl: bench/pg_ddl.c $(BENCH_GEN)/.stamp $(LIBASSOC) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I$(BENCH_GEN) -Iruntime $(BENCH_CFLAGS) $(WARN) -o $@ \
	    bench/pg_ddl.c $(BENCH_GEN)/models.c $(LIBASSOC) $(ASSOC_LIBS)

$(BENCH_DIR)/pg_load: bench/pg_load.c bench/bench.h $(BENCH_GEN)/.stamp $(LIBASSOC) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Ibench -I$(BENCH_GEN) -Iruntime $(PG_CFLAGS) $(BENCH_CFLAGS) $(WARN) -o $@ \
	    bench/pg_load.c $(BENCH_GEN)/models.c $(LIBASSOC) $(ASSOC_LIBS)

bench-pg: $(BENCH_PG_BIN) | $(DEPS_OK)
	@PG_TCP_PORT=$(BENCH_PG_PORT) sh tests/pg/with_server.sh $(BENCH_PG_SERVER) \
	    $(PYTHON) -B bench/pg_run.py bench --bindir $(BENCH_DIR) --python $(PYTHON) \
	    --n $(BENCH_PG_N) --n-sqla $(BENCH_PG_N_SQLA) --n-loads $(BENCH_PG_N_LOADS) --repeat $(BENCH_PG_REPEAT) \
	    --rounds $(BENCH_PG_ROUNDS) --impls $(BENCH_PG_IMPLS) --csv $(BENCH_DIR)/pg-results.csv \
	    --csv-loads $(BENCH_DIR)/pg-loads.csv $(BENCH_PG_FLAGS)

# A server that does not start leaves no results file, which the summary
# counts as a failure.
bench-pg-smoke: $(BENCH_PG_BIN) | $(DEPS_OK)
	@rm -f $(B)/bench-pg-smoke.results
	@sh tests/pg/with_server.sh $(BENCH_PG_SMOKE_SERVER) \
	    $(PYTHON) -B bench/pg_run.py smoke --socket --bindir $(BENCH_DIR) --python $(PYTHON) \
	    --results $(B)/bench-pg-smoke.results
