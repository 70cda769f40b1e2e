# mk/threads.mk - libassoc and generated code under ThreadSanitizer.
# Included from the top Makefile; uses its $(B), $(CPPFLAGS), $(WARN),
# $(RT_SRC) and the seed's generated code ($(B)/e2e/models/models.c), and
# adds thread-tests to its TEST_SUITES.
#
#   make thread-tests   tests/threads/test_threads.c: threads with a
#                       connection each on one WAL file (and opening at
#                       once), everything of ours built with clang
#                       -fsanitize=thread; a reported race fails it
#                       -> $(B)/thread-tests.results
#
# The system's SQLite is not instrumented: races inside it are not seen,
# but its mutexes (pthread's) order what TSan sees of ours.

.PHONY: thread-tests

TSAN_CC    ?= clang
TSAN_DIR   := $(B)/threads
TSAN_FLAGS := $(CPPFLAGS) $(PG_CFLAGS) -Iruntime -I$(B)/e2e/models -O1 -g -fsanitize=thread $(WARN)
TSAN_RT    := $(RT_SRC:runtime/%.c=$(TSAN_DIR)/runtime/%.o)
.SECONDARY: $(TSAN_RT)

$(TSAN_DIR)/runtime/%.o: runtime/%.c $(wildcard runtime/*.h)
	@mkdir -p $(@D)
	$(TSAN_CC) $(TSAN_FLAGS) -c -o $@ $<

$(TSAN_DIR)/models.o: $(B)/e2e/models/models.c $(B)/e2e/models/models.h runtime/assoc.h
	@mkdir -p $(@D)
	$(TSAN_CC) $(TSAN_FLAGS) -c -o $@ $<

$(TSAN_DIR)/test_threads: tests/threads/test_threads.c $(TSAN_DIR)/models.o $(TSAN_RT)
	$(TSAN_CC) $(TSAN_FLAGS) -o $@ $< $(TSAN_DIR)/models.o $(TSAN_RT) -lcmocka $(ASSOC_LIBS) -lm -pthread

# halt_on_error: the first race ends the program, which counts as a failure.
thread-tests: $(TSAN_DIR)/test_threads
	@B=$(B) REL_RUNNER='env TSAN_OPTIONS=halt_on_error=1:exitcode=66:second_deadlock_stack=1' \
	    sh tests/reliability/run.sh $(B)/thread-tests.results $(TSAN_DIR)/test_threads

TEST_SUITES += thread-tests
