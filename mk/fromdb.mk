# mk/fromdb.mk - the tests of `assocgen --from-db` (SPEC 7, issue 14).
# Included from the top Makefile; uses its $(B), $(CC), $(ASSOCGEN) and
# $(LIBASSOC), and adds fromdb-tests to its TEST_SUITES.
#
#   make fromdb-tests           databases made by SQLAlchemy 1.4 and by hand
#                               (tests/fromdb/), each through --from-db, the
#                               checker, the compiler and a reader of the
#                               original file; the command's errors
#                               -> $(B)/fromdb-tests.results
#   make fromdb-golden-refresh  rewrite tests/fromdb/golden/*.def, on purpose

.PHONY: fromdb-tests fromdb-golden-refresh

fromdb-tests: $(ASSOCGEN) $(LIBASSOC)
	@B=$(B) CC='$(CC)' sh tests/fromdb/run.sh $(ASSOCGEN) $(LIBASSOC) $(B)/fromdb-tests.results

fromdb-golden-refresh: $(ASSOCGEN)
	sh tests/fromdb/refresh.sh $(ASSOCGEN)

TEST_SUITES += fromdb-tests
