# mk/cascade.mk - deletes through the generated C against SQLAlchemy 1.4 on
# random model files (issue 11, item 3).  Included from the top Makefile;
# uses its $(B), $(ASSOCGEN), $(LIBASSOC) and $(PYTHON), and adds
# cascade-tests to its TEST_SUITES.
#
#   make cascade-tests [CASCADE_CASES=100] [CASCADE_STRICT=1]
#       tests/cascade/run.py: CASCADE_CASES random cases (tests/cascade/cases.py:
#       cascades, ondelete actions, self-reference, backrefs with cascades on
#       both sides, many-to-many tables, cycles), each with four rows deleted
#       by SQLAlchemy's ORM and by <model>_delete from the same start; the
#       databases must hold the same rows, and where SQLAlchemy raises the C
#       call must fail and change nothing -> $(B)/cascade-tests.results
#       (cases in $(B)/cascade/c<SEED>/).  CASCADE_STRICT=1 (the default)
#       counts what run.py calls a known disagreement as a failure too:
#       there is none since keys no relationship declares order only what
#       the database needs (gen/plan_delete.c, general_mark); 0 keeps the
#       old classification for looking into one.
#   make cascade-reduce SEED=N
#       shrink case N's first disagreement to a small model file and rows

.PHONY: cascade-tests cascade-reduce

CASCADE_CASES ?= 100
CASCADE_STRICT ?= 1

cascade-tests: $(ASSOCGEN) $(LIBASSOC)
	@CASCADE_CASES=$(CASCADE_CASES) CASCADE_STRICT=$(CASCADE_STRICT) ASSOC_LIBS="$(ASSOC_LIBS)" $(PYTHON) -B tests/cascade/run.py $(ASSOCGEN) $(LIBASSOC) $(B)/cascade-tests.results

cascade-reduce: $(ASSOCGEN) $(LIBASSOC)
	$(PYTHON) -B tests/cascade/reduce.py $(ASSOCGEN) $(LIBASSOC) $(B)/cascade $(SEED)

TEST_SUITES += cascade-tests
