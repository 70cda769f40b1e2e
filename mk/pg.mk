# mk/pg.mk - libassoc's PostgreSQL backend (runtime/pg.c) against a real
# server (issue 16).  Included from the top Makefile; uses its $(B), $(CC),
# $(CPPFLAGS), $(CFLAGS), $(SAN), $(WARN), $(LIBASSOC), $(DEPS_OK).
#
#   make pg-backend-tests     tests/pg/test_pg_backend.c, plain and under
#                             ASan+UBSan, against a PostgreSQL 15 that
#                             tests/pg/with_server.sh starts in $(B)/pg-test
#                             and stops afterwards -> $(B)/pg-backend-tests.results
#   make pg-backend-valgrind  the plain program under valgrind
#                             -> $(B)/pg-backend-valgrind.results
#   make pg-protect-bench     what statement protection costs per statement
#                             (tests/pg/bench_protect.c), printed
#   make pg-sqla-ddl          what SQLAlchemy 1.4 + psycopg2 do with the seed's
#                             models on PostgreSQL (tests/pg/sqla_ddl.py), and
#                             the DDL of section 9's (forum, microblog, tasks), printed
#
# By hand: sh tests/pg/server.sh start|stop DIR, sh tests/pg/with_server.sh
# DIR CMD... (CMD gets $ASSOC_PG_URI).
#
# The programs link $(LIBASSOC), which holds the backend (runtime/pg.c),
# with libpq; PG_CFLAGS and ASSOC_LIBS come from the top Makefile.

.PHONY: pg-backend-tests pg-backend-valgrind pg-protect-bench pg-sqla-ddl pg-e2e-tests

PG_OUT       := $(B)/pg
PG_SERVER    := $(B)/pg-test
PG_TEST      := $(PG_OUT)/test_pg_backend
PG_TEST_ASAN := $(PG_OUT)/test_pg_backend_asan
PG_SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
PG_DEPS      := tests/pg/test_pg_backend.c runtime/pg.h runtime/assoc.h tests/unit/testutil.h
PG_VALGRIND  := valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
                --trace-children=no

$(PG_TEST): $(PG_DEPS) $(LIBASSOC) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iruntime $(PG_CFLAGS) $(CFLAGS) $(SAN) $(WARN) -DSRCDIR='"$(CURDIR)"' \
	    -o $@ tests/pg/test_pg_backend.c $(LIBASSOC) -lcmocka $(ASSOC_LIBS)

# The sanitized program links the sanitized libassoc (make test builds it
# first; alone, this makes it).
$(B)/asan/libassoc.a: $(RT_SRC) $(wildcard runtime/*.h)
	@$(MAKE) --no-print-directory B=$(B)/asan CFLAGS='-O1 -g' SAN='$(PG_SAN)' $@

$(PG_TEST_ASAN): $(PG_DEPS) $(B)/asan/libassoc.a | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iruntime $(PG_CFLAGS) -O1 -g $(PG_SAN) $(WARN) -DSRCDIR='"$(CURDIR)"' \
	    -o $@ tests/pg/test_pg_backend.c $(B)/asan/libassoc.a -lcmocka $(ASSOC_LIBS)

# A server that does not start leaves no results file, which the summary
# counts as a failure.
pg-backend-tests: $(PG_TEST) $(PG_TEST_ASAN)
	@rm -f $(B)/pg-backend-tests.results
	@B=$(B) sh tests/pg/with_server.sh $(PG_SERVER) \
	    sh tests/reliability/run.sh $(B)/pg-backend-tests.results $(PG_TEST) $(PG_TEST_ASAN)

pg-backend-valgrind: $(PG_TEST)
	@rm -f $(B)/pg-backend-valgrind.results
	@B=$(B) REL_RUNNER='$(PG_VALGRIND)' REL_PREFIX=valgrind: sh tests/pg/with_server.sh $(PG_SERVER) \
	    sh tests/reliability/run.sh $(B)/pg-backend-valgrind.results $(PG_TEST)

$(PG_OUT)/bench_protect: tests/pg/bench_protect.c runtime/pg.h runtime/assoc.h $(LIBASSOC) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iruntime $(PG_CFLAGS) -O2 -g $(WARN) -o $@ tests/pg/bench_protect.c \
	    $(LIBASSOC) $(ASSOC_LIBS)

pg-protect-bench: $(PG_OUT)/bench_protect
	@sh tests/pg/with_server.sh $(B)/pg-bench $(PG_OUT)/bench_protect

pg-sqla-ddl: | $(DEPS_OK)
	@sh tests/pg/with_server.sh $(B)/pg-bench $(PYTHON) tests/pg/sqla_ddl.py

# `make test` runs this with B=build and reads build/pg-backend-tests.results.
TEST_SUITES += pg-backend-tests

# The end-to-end programs of tests/e2e on PostgreSQL: the same programs,
# with ASSOC_TEST_PG set to the server's URI (tests/e2e/e2e.h opens it, in
# a schema of the connection's own; those that share the database with
# SQLAlchemy name a schema of their own in the URI they both open).  Those
# not listed test SQLite's own machinery.
PG_E2E := $(addprefix $(B)/e2e/,models/test_seed models/test_interop models/test_pg_verify models/test_pg_reliability rules/test_rules strkey/test_strkey widgets/test_widgets cycle/test_cycle \
            cascade/test_cascade queries/test_queries library/test_loads forum/test_forum microblog/test_microblog tasks/test_tasks)

pg-e2e-tests: $(PG_E2E)
	@rm -f $(B)/pg-e2e-tests.results
	@B=$(B) REL_PREFIX=pg: sh tests/pg/with_server.sh $(PG_SERVER) \
	    sh -c 'ASSOC_TEST_PG="$$ASSOC_PG_URI" exec sh tests/reliability/run.sh $(B)/pg-e2e-tests.results $(PG_E2E)'

TEST_SUITES += pg-e2e-tests
