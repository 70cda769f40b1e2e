# mk/migrate.mk - the schema-evolution tests (SPEC 7: --migrate-from, verify).
# Included from the top Makefile; uses its $(B), $(CC), $(CPPFLAGS), $(WARN),
# $(PG_CFLAGS), $(ASSOCGEN), $(LIBASSOC), $(PYTHON).
#
#   make migrate-tests     every case of tests/migrate/cases (a kind of change
#                          each): databases made by base.def's generated API and
#                          by SQLAlchemy 1.4, migrated with `sqlite3 -bail`,
#                          checked (integrity, foreign keys, every kept value,
#                          the new generated API, a second run, a database not
#                          at the old file) -> $(B)/migrate-tests.results
#   make migrate-pg-tests  the same cases on PostgreSQL: schemas made by the
#                          base's create_all and by SQLAlchemy with psycopg2,
#                          migrated with `psql -v ON_ERROR_STOP=1 -f
#                          new.migrate.pg.sql`, on a private server
#                          (tests/pg/with_server.sh) -> $(B)/migrate-pg-tests.results
#   make migrate-tests MIGRATE_CASES="rename_column type_change"   some only

.PHONY: migrate-tests migrate-pg-tests

MIGRATE_CASES ?=
MIGRATE_CFLAGS = $(CPPFLAGS) $(PG_CFLAGS) $(WARN) -O0

migrate-tests: $(ASSOCGEN) $(LIBASSOC) | $(DEPS_OK)
	@mkdir -p $(B)/migrate
	@$(PYTHON) -B tests/migrate/run.py --assocgen $(ASSOCGEN) --libassoc $(LIBASSOC) --cc '$(CC)' \
	    --cflags '$(MIGRATE_CFLAGS)' --out $(B)/migrate --results $(B)/migrate-tests.results $(MIGRATE_CASES)

# A server that does not start leaves no results file, which the summary
# counts as a failure.
migrate-pg-tests: $(ASSOCGEN) $(LIBASSOC) | $(DEPS_OK)
	@mkdir -p $(B)/migrate-pg
	@rm -f $(B)/migrate-pg-tests.results
	@B=$(B) sh tests/pg/with_server.sh $(B)/pg-test sh -c '$(PYTHON) -B tests/migrate/run.py --pg "$$ASSOC_PG_URI" \
	    --assocgen $(ASSOCGEN) --libassoc $(LIBASSOC) --cc "$(CC)" --cflags "$(MIGRATE_CFLAGS)" \
	    --out $(B)/migrate-pg --results $(B)/migrate-pg-tests.results $(MIGRATE_CASES)'

# `make test` runs them with B=build and reads build/migrate-tests.results
# and build/migrate-pg-tests.results.
TEST_SUITES += migrate-tests migrate-pg-tests
