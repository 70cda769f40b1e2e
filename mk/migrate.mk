# mk/migrate.mk - the schema-evolution tests (SPEC 7: --migrate-from, verify).
# Included from the top Makefile; uses its $(B), $(CC), $(CPPFLAGS), $(WARN),
# $(ASSOCGEN), $(LIBASSOC), $(PYTHON).
#
#   make migrate-tests   every case of tests/migrate/cases (a kind of change
#                        each): databases made by base.def's generated API and
#                        by SQLAlchemy 1.4, migrated with `sqlite3 -bail`,
#                        checked (integrity, foreign keys, every kept value,
#                        the new generated API, a second run, a database not
#                        at the old file) -> $(B)/migrate-tests.results
#   make migrate-tests MIGRATE_CASES="rename_column type_change"   some only

.PHONY: migrate-tests

MIGRATE_CASES ?=

migrate-tests: $(ASSOCGEN) $(LIBASSOC) | $(DEPS_OK)
	@mkdir -p $(B)/migrate
	@$(PYTHON) -B tests/migrate/run.py --assocgen $(ASSOCGEN) --libassoc $(LIBASSOC) --cc '$(CC)' \
	    --cflags '$(CPPFLAGS) $(WARN) -O0' --out $(B)/migrate --results $(B)/migrate-tests.results $(MIGRATE_CASES)

# `make test` runs it with B=build and reads build/migrate-tests.results.
TEST_SUITES += migrate-tests
