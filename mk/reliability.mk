# mk/reliability.mk - fuzzing, valgrind and the reliability tests (issue 5).
# Included from the top Makefile; uses its $(B), $(CC), $(CPPFLAGS),
# $(CFLAGS), $(SAN), $(WARN), $(ASSOCGEN), $(LIBASSOC) and the e2e layout
# ($(B)/e2e/models/models.o, $(B)/e2e/*/test_*).
#
#   make fuzz [FUZZ_TIME=60]   both libFuzzer harnesses, FUZZ_TIME seconds each:
#                              fuzz-frontend, then fuzz-readers; fails on any
#                              crash, leak, timeout or failed check (artifacts
#                              in $(B)/fuzz/artifacts, figures appended to
#                              $(B)/fuzz/fuzz-stats.txt)
#   make fuzz-frontend         the front end: model files in, every emitter
#   make fuzz-readers          the generated readers: hostile rows and database
#                              files in, every read function of the seed's
#                              models and of tests/reliability/edges.def
#   make fuzz-regress          replay the seeds and saved inputs once, no fuzzing
#   make fuzz-coverage         line/branch coverage of the front end by the
#                              corpus fuzzing has built -> $(B)/fuzz/coverage.txt
#   make fuzz-readers-coverage the same for libassoc and the generated readers
#                              -> $(B)/fuzz/readers-coverage.txt
#   make reliability-tests     OOM, I/O error, crash, concurrency, injection and
#                              integer-edge tests -> $(B)/reliability-results.txt
#   make valgrind-tests        the e2e programs under valgrind
#                              -> $(B)/valgrind-results.txt

.PHONY: fuzz fuzz-frontend fuzz-readers fuzz-build fuzz-regress fuzz-coverage fuzz-readers-coverage reliability-tests \
        valgrind-tests

# --- fuzzing ---------------------------------------------------------------
FUZZ_TIME    ?= 60
FUZZ_CC      ?= clang
FUZZ_DIR     := $(B)/fuzz
FUZZ_BIN     := $(FUZZ_DIR)/fuzz_frontend
FUZZ_CORPUS  := $(FUZZ_DIR)/corpus
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_GEN_SRC := $(filter-out gen/main.c,$(wildcard gen/*.c)) $(wildcard grammar/*.c) runtime/calendar.c
FUZZ_OBJ     := $(FUZZ_GEN_SRC:%.c=$(FUZZ_DIR)/%.o) $(FUZZ_DIR)/grammar/parser.o $(FUZZ_DIR)/grammar/scanner.o

$(FUZZ_DIR)/%.o: %.c $(wildcard gen/*.h grammar/*.h) runtime/calendar.h $(B)/grammar/parser.h $(B)/gen/reserved.inc
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Igen -Igrammar -I$(B)/grammar -I$(B)/gen -Iruntime $(PG_CFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/grammar/parser.o $(FUZZ_DIR)/grammar/scanner.o: $(FUZZ_DIR)/grammar/%.o: $(B)/grammar/%.c $(B)/grammar/parser.h $(B)/grammar/scanner.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Igen -Igrammar -I$(B)/grammar $(FUZZ_CFLAGS) -w -c -o $@ $<

$(FUZZ_BIN): fuzz/fuzz_frontend.c fuzz/fuzz_oracle.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) -Igen -Igrammar -I$(B)/grammar -Ifuzz $(FUZZ_CFLAGS) -Wall -Wextra \
	    -fsanitize=fuzzer -o $@ fuzz/fuzz_frontend.c $(FUZZ_OBJ) -lsqlite3

# The readers' harness: libassoc and the generated code of the seed's models
# and of tests/reliability/edges.def, all under the fuzzer's sanitizers.
FUZZ_RD_BIN    := $(FUZZ_DIR)/fuzz_readers
FUZZ_RD_CORPUS := $(FUZZ_DIR)/readers-corpus
FUZZ_RD_OBJ    := $(RT_SRC:%.c=$(FUZZ_DIR)/%.o) $(FUZZ_DIR)/gen-models.o $(FUZZ_DIR)/gen-edges.o
FUZZ_RD_INC    := -Iruntime -Ifuzz -I$(B)/e2e/models -I$(B)/reliability/edges

$(FUZZ_DIR)/gen-models.o: $(B)/e2e/models/models.c $(B)/e2e/models/models.h runtime/assoc.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Iruntime $(FUZZ_CFLAGS) -c -o $@ $<
$(FUZZ_DIR)/gen-edges.o: $(B)/reliability/edges/stamp runtime/assoc.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Iruntime $(FUZZ_CFLAGS) -c -o $@ $(B)/reliability/edges/edges.c

$(FUZZ_RD_BIN): fuzz/fuzz_readers.c fuzz/fuzz_readers.h $(FUZZ_RD_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_RD_INC) $(FUZZ_CFLAGS) -Wall -Wextra \
	    -fsanitize=fuzzer -o $@ fuzz/fuzz_readers.c $(FUZZ_RD_OBJ) $(ASSOC_LIBS) -lm

fuzz-build: $(FUZZ_BIN) $(FUZZ_RD_BIN)

# The corpora in $(FUZZ_CORPUS) and $(FUZZ_RD_CORPUS) persist between runs
# (seeds are refreshed, finds kept), so chunks of fuzzing add up.
fuzz-frontend: $(FUZZ_BIN)
	@sh fuzz/make_corpus.sh $(FUZZ_CORPUS)
	@sh fuzz/run.sh $(FUZZ_BIN) $(FUZZ_CORPUS) $(FUZZ_TIME) $(FUZZ_DIR)

fuzz-readers: $(FUZZ_RD_BIN)
	@$(PYTHON) -B fuzz/make_readers_corpus.py $(FUZZ_RD_CORPUS) $(B)/e2e/models/models.sql $(B)/reliability/edges/edges.sql
	@cp tests/reliability/readers-regress/* $(FUZZ_RD_CORPUS)/ 2>/dev/null || true
	@sh fuzz/run.sh $(FUZZ_RD_BIN) $(FUZZ_RD_CORPUS) $(FUZZ_TIME) $(FUZZ_DIR) fuzz/readers.dict

# Both, one after the other; the second runs even when the first fails.
fuzz:
	@st=0; $(MAKE) --no-print-directory fuzz-frontend || st=1; \
	 $(MAKE) --no-print-directory fuzz-readers || st=1; exit $$st

# Line and branch coverage of the front end by the corpus the fuzzer has
# built so far: the harness again, with clang's source-based coverage, run
# once over $(FUZZ_CORPUS); the report goes to $(FUZZ_DIR)/coverage.txt.
FUZZ_COV_DIR := $(B)/fuzz-cov
FUZZ_COV_FLAGS := -std=c11 -g -O0 -fprofile-instr-generate -fcoverage-mapping
FUZZ_COV_OBJ := $(FUZZ_GEN_SRC:%.c=$(FUZZ_COV_DIR)/%.o) $(FUZZ_COV_DIR)/grammar/parser.o $(FUZZ_COV_DIR)/grammar/scanner.o
$(FUZZ_COV_DIR)/%.o: %.c $(wildcard gen/*.h grammar/*.h) runtime/calendar.h $(B)/grammar/parser.h $(B)/gen/reserved.inc
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Igen -Igrammar -I$(B)/grammar -I$(B)/gen -Iruntime $(PG_CFLAGS) $(FUZZ_COV_FLAGS) -c -o $@ $<
$(FUZZ_COV_DIR)/grammar/parser.o $(FUZZ_COV_DIR)/grammar/scanner.o: $(FUZZ_COV_DIR)/grammar/%.o: $(B)/grammar/%.c $(B)/grammar/parser.h $(B)/grammar/scanner.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Igen -Igrammar -I$(B)/grammar $(FUZZ_COV_FLAGS) -w -c -o $@ $<
$(FUZZ_COV_DIR)/fuzz_frontend: fuzz/fuzz_frontend.c fuzz/fuzz_oracle.h $(FUZZ_COV_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) -Igen -Igrammar -I$(B)/grammar -Ifuzz $(FUZZ_COV_FLAGS) -fsanitize=fuzzer \
	    -o $@ fuzz/fuzz_frontend.c $(FUZZ_COV_OBJ) -lsqlite3

fuzz-coverage: $(FUZZ_COV_DIR)/fuzz_frontend
	@mkdir -p $(FUZZ_CORPUS)
	@rm -f $(FUZZ_COV_DIR)/*.profraw
	LLVM_PROFILE_FILE=$(FUZZ_COV_DIR)/run.profraw $(FUZZ_COV_DIR)/fuzz_frontend -runs=0 $(FUZZ_CORPUS) \
	    > $(FUZZ_COV_DIR)/run.log 2>&1
	llvm-profdata merge -sparse -o $(FUZZ_COV_DIR)/run.profdata $(FUZZ_COV_DIR)/run.profraw
	llvm-cov report $(FUZZ_COV_DIR)/fuzz_frontend -instr-profile=$(FUZZ_COV_DIR)/run.profdata \
	    $(FUZZ_GEN_SRC) $(B)/grammar/parser.c $(B)/grammar/scanner.c grammar/parser.y grammar/scanner.l \
	    | tee $(FUZZ_DIR)/coverage.txt

# The same for the readers' harness: line and branch coverage of libassoc
# and of the two schemas' generated code by $(FUZZ_RD_CORPUS)
# -> $(FUZZ_DIR)/readers-coverage.txt.
FUZZ_RD_COV_OBJ := $(RT_SRC:%.c=$(FUZZ_COV_DIR)/%.o) $(FUZZ_COV_DIR)/gen-models.o $(FUZZ_COV_DIR)/gen-edges.o
$(FUZZ_COV_DIR)/gen-models.o: $(B)/e2e/models/models.c $(B)/e2e/models/models.h runtime/assoc.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Iruntime $(FUZZ_COV_FLAGS) -c -o $@ $<
$(FUZZ_COV_DIR)/gen-edges.o: $(B)/reliability/edges/stamp runtime/assoc.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Iruntime $(FUZZ_COV_FLAGS) -c -o $@ $(B)/reliability/edges/edges.c
$(FUZZ_COV_DIR)/fuzz_readers: fuzz/fuzz_readers.c fuzz/fuzz_readers.h $(FUZZ_RD_COV_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_RD_INC) $(FUZZ_COV_FLAGS) -fsanitize=fuzzer \
	    -o $@ fuzz/fuzz_readers.c $(FUZZ_RD_COV_OBJ) $(ASSOC_LIBS) -lm

fuzz-readers-coverage: $(FUZZ_COV_DIR)/fuzz_readers
	@mkdir -p $(FUZZ_RD_CORPUS)
	@rm -f $(FUZZ_COV_DIR)/readers.profraw
	LLVM_PROFILE_FILE=$(FUZZ_COV_DIR)/readers.profraw $(FUZZ_COV_DIR)/fuzz_readers -runs=0 $(FUZZ_RD_CORPUS) \
	    > $(FUZZ_COV_DIR)/readers-run.log 2>&1
	llvm-profdata merge -sparse -o $(FUZZ_COV_DIR)/readers.profdata $(FUZZ_COV_DIR)/readers.profraw
	llvm-cov report $(FUZZ_COV_DIR)/fuzz_readers -instr-profile=$(FUZZ_COV_DIR)/readers.profdata \
	    $(RT_SRC) $(B)/e2e/models/models.c $(B)/reliability/edges/edges.c | tee $(FUZZ_DIR)/readers-coverage.txt

fuzz-regress: $(FUZZ_BIN) $(FUZZ_RD_BIN)
	@sh fuzz/make_corpus.sh $(FUZZ_DIR)/regress-corpus
	$(FUZZ_BIN) -runs=0 -detect_leaks=1 $(FUZZ_DIR)/regress-corpus
	@$(PYTHON) -B fuzz/make_readers_corpus.py $(FUZZ_DIR)/readers-regress $(B)/e2e/models/models.sql $(B)/reliability/edges/edges.sql
	@cp tests/reliability/readers-regress/* $(FUZZ_DIR)/readers-regress/ 2>/dev/null || true
	$(FUZZ_RD_BIN) -runs=0 -detect_leaks=1 $(FUZZ_DIR)/readers-regress

# --- reliability tests -----------------------------------------------------
# cmocka programs over the seed's generated API ($(B)/e2e/models/models.c)
# and over tests/reliability/edges.def, always built with ASan+UBSan (the
# point is memory errors under faults): the runtime and the generated code
# are compiled again from source into $(B)/reliability with those flags.
# Each program is bounded in time; run.sh-style counting goes to
# $(B)/reliability-tests.results (and a copy in $(B)/reliability-results.txt).
REL_DIR   := $(B)/reliability
REL_SAN   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
REL_FLAGS := $(CPPFLAGS) $(PG_CFLAGS) -Iruntime -Itests/reliability -Itests/e2e -Ifuzz -Igen -Igrammar -I$(B)/grammar \
             -O1 -g $(REL_SAN) $(WARN) -DSRCDIR='"$(CURDIR)"' -DBUILDDIR='"$(CURDIR)/$(B)"'
REL_SRCS  := $(wildcard tests/reliability/test_*.c)
REL_TESTS := $(REL_SRCS:tests/reliability/%.c=$(REL_DIR)/%)
REL_HDRS  := $(wildcard tests/reliability/*.h) fuzz/fuzz_oracle.h

# Every file of the runtime (assoc.c, subjournal.c, calendar.c, verify.c,
# the PostgreSQL backend), as the top Makefile's $(RT_SRC) lists them.
REL_RT_OBJ := $(RT_SRC:runtime/%.c=$(REL_DIR)/runtime/%.o)
# Built by a pattern rule for another pattern rule: kept, not intermediate.
.SECONDARY: $(REL_RT_OBJ)

$(REL_DIR)/runtime/%.o: runtime/%.c $(wildcard runtime/*.h)
	@mkdir -p $(@D)
	$(CC) $(REL_FLAGS) $(PG_CFLAGS) -c -o $@ $<

$(REL_DIR)/models.o: $(B)/e2e/models/models.c $(B)/e2e/models/models.h runtime/assoc.h
	@mkdir -p $(@D)
	$(CC) $(REL_FLAGS) -I$(B)/e2e/models -c -o $@ $<

# assocgen leaves unchanged outputs alone (their mtime too), so a stamp
# records that they are up to date.
$(REL_DIR)/edges/stamp: tests/reliability/edges.def $(ASSOCGEN)
	$(ASSOCGEN) -Werror -o $(REL_DIR)/edges tests/reliability/edges.def
	@touch $@

$(REL_DIR)/edges.o: $(REL_DIR)/edges/stamp runtime/assoc.h
	$(CC) $(REL_FLAGS) -I$(REL_DIR)/edges -c -o $@ $(REL_DIR)/edges/edges.c

# The compiler library, for the fuzz-regression and identifier tests: the
# sanitizer build's objects are not at hand here, so the plain $(LIBGEN).
$(REL_DIR)/test_%: tests/reliability/test_%.c $(REL_HDRS) $(REL_DIR)/models.o $(REL_DIR)/edges.o \
                   $(REL_RT_OBJ) $(LIBGEN)
	$(CC) $(REL_FLAGS) -I$(B)/e2e/models -I$(REL_DIR)/edges -o $@ $< \
	    $(REL_DIR)/models.o $(REL_DIR)/edges.o $(REL_RT_OBJ) $(LIBGEN) -lcmocka $(ASSOC_LIBS)

reliability-tests: $(REL_TESTS)
	@mkdir -p $(B)/tests
	@B=$(B) sh tests/reliability/run.sh $(B)/reliability-tests.results $(REL_TESTS)
	@cp $(B)/reliability-tests.results $(B)/reliability-results.txt

# --- valgrind ----------------------------------------------------------------
# The end-to-end programs of the plain build under valgrind; any error or
# definite/indirect leak makes valgrind exit 99, which counts as a failure.
# test_interop forks python: children are not traced.
VG_TESTS := $(patsubst tests/e2e/%.c,$(B)/e2e/%,$(wildcard tests/e2e/*/test_*.c))
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --trace-children=no

valgrind-tests: $(VG_TESTS)
	@B=$(B) REL_RUNNER='$(VALGRIND)' REL_PREFIX=valgrind: \
	    sh tests/reliability/run.sh $(B)/valgrind-tests.results $(VG_TESTS)
	@cp $(B)/valgrind-tests.results $(B)/valgrind-results.txt

# `make test` runs these with B=build and reads build/<target>.results.
TEST_SUITES += reliability-tests valgrind-tests
