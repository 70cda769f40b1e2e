# assocgen - build, generate, test.
#
#   make          build assocgen and libassoc, generate out/models.{h,c,sql}
#                 from schema/models.def, build and run the demo
#   make test     build and run every test (unit, golden, bad-input corpus,
#                 end-to-end), then the same again under ASan+UBSan
#
# Build products go to build/ (or build/asan for the sanitizer build) and
# generated files to out/; neither is committed.

CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Wpedantic -Werror
CPPFLAGS += -D_POSIX_C_SOURCE=200809L
SAN      :=
B        := build
PYTHON   := /usr/bin/python3

# The compiler library: grammar/ (text to syntax tree, with the base it
# needs: arena, strings, diagnostics), gen/ (everything after), and the one
# calendar it shares with the runtime (runtime/calendar.c).
GRAMMAR_SRC := $(wildcard grammar/*.c)
GEN_SRC  := $(filter-out gen/main.c,$(wildcard gen/*.c))
GEN_OBJ  := $(GEN_SRC:%.c=$(B)/%.o) $(GRAMMAR_SRC:%.c=$(B)/%.o) $(B)/grammar/parser.o $(B)/grammar/scanner.o \
            $(B)/gen/calendar.o
RT_SRC   := $(wildcard runtime/*.c)
RT_OBJ   := $(RT_SRC:%.c=$(B)/%.o)
TESTS    := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))

# libassoc over SQLite and libpq (runtime/pg.c): what a program linking it
# links too.  Expanded when a recipe runs, after `make deps` has installed
# pkg-config and libpq-dev.
PG_CFLAGS  = $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
PG_LIBS    = $(shell pkg-config --libs libpq 2>/dev/null || echo -lpq)
ASSOC_LIBS = -lsqlite3 $(PG_LIBS)

ASSOCGEN := $(B)/assocgen
LIBGEN   := $(B)/libassocgen.a
LIBASSOC := $(B)/libassoc.a
DEPS_OK  := build/.deps-ok

.PHONY: all demo docs test check-deps deps unit-tests compile-checks clean golden-refresh
.DEFAULT_GOAL := all

all: demo

# --- tools this build needs ------------------------------------------------
# A fresh Debian 12 machine has gcc and make only.  As root we install what
# is missing with apt-get; otherwise we name the packages and stop.
DEB_PACKAGES := flex bison libsqlite3-dev libcmocka-dev sqlite3 python3-sqlalchemy valgrind \
                clang g++ pkg-config graphviz cmake ninja-build groff-base \
                libclang-rt-14-dev llvm postgresql libpq-dev python3-psycopg2
$(DEPS_OK): scripts/deps.sh Makefile
	@mkdir -p $(@D)
	@sh scripts/deps.sh $(DEB_PACKAGES)
	@touch $@
deps check-deps: $(DEPS_OK)

# --- the compiler -------------------------------------------------------
$(B)/grammar/parser.c $(B)/grammar/parser.h: grammar/parser.y | $(DEPS_OK)
	@mkdir -p $(@D)
	bison -Wall -Werror --defines=$(B)/grammar/parser.h -o $(B)/grammar/parser.c $<

$(B)/grammar/scanner.c $(B)/grammar/scanner.h: grammar/scanner.l $(B)/grammar/parser.h | $(DEPS_OK)
	@mkdir -p $(@D)
	flex --header-file=$(B)/grammar/scanner.h -o $(B)/grammar/scanner.c $<

# flex's and bison's output is not ours to keep warning-clean under -Wpedantic
# -Werror; it gets the warnings but not -Werror or the sign/unused checks it fails.
GRAMMAR_CFLAGS := -std=c11 -Wall -Wno-unused-function -Wno-sign-compare -Wno-unused-parameter
$(B)/grammar/parser.o $(B)/grammar/scanner.o: $(B)/grammar/%.o: $(B)/grammar/%.c $(B)/grammar/parser.h $(B)/grammar/scanner.h $(wildcard grammar/*.h)
	$(CC) $(CPPFLAGS) -Igrammar -I$(B)/grammar $(CFLAGS) $(SAN) $(GRAMMAR_CFLAGS) -c -o $@ $<

# grammar/ includes only grammar/: the syntax tree is the parser's output.
$(B)/grammar/%.o: grammar/%.c $(wildcard grammar/*.h) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Igrammar $(CFLAGS) $(SAN) $(WARN) -c -o $@ $<

$(B)/gen/%.o: gen/%.c $(wildcard gen/*.h grammar/*.h) runtime/calendar.h $(B)/grammar/parser.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Igen -Igrammar -I$(B)/grammar -Iruntime $(CFLAGS) $(SAN) $(WARN) -c -o $@ $<

# The names of the headers generated code includes, as the machine's
# compiler sees them (gen/reserved.awk says why and how).
RESERVED_INCLUDES := stdbool.h stddef.h stdint.h string.h assoc.h
$(B)/gen/reserved.inc: gen/reserved.awk runtime/assoc.h | $(DEPS_OK)
	@mkdir -p $(@D)
	@printf '#include <%s>\n' $(RESERVED_INCLUDES) | sed 's/<assoc.h>/"assoc.h"/' > $(@D)/reserved-probe.c
	$(CC) -E -dD -Iruntime $(@D)/reserved-probe.c | awk -f gen/reserved.awk | LC_ALL=C sort > $@.tmp
	@test -s $@.tmp && mv $@.tmp $@
$(B)/gen/reserved.o: $(B)/gen/reserved.inc
$(B)/gen/reserved.o: CPPFLAGS += -I$(B)/gen

$(B)/gen/calendar.o: runtime/calendar.c runtime/calendar.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iruntime $(CFLAGS) $(SAN) $(WARN) -c -o $@ $<

$(LIBGEN): $(GEN_OBJ)
	rm -f $@ && ar rcs $@ $^

$(ASSOCGEN): $(B)/gen/main.o $(LIBGEN)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ -lsqlite3

# --- the runtime --------------------------------------------------------
$(B)/runtime/%.o: runtime/%.c $(wildcard runtime/*.h) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iruntime $(CFLAGS) $(SAN) $(WARN) -fPIC -c -o $@ $<

# Only the PostgreSQL backend sees libpq's header.
$(B)/runtime/pg.o: runtime/pg.c $(wildcard runtime/*.h) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iruntime $(PG_CFLAGS) $(CFLAGS) $(SAN) $(WARN) -fPIC -c -o $@ $<

$(LIBASSOC): $(RT_OBJ)
	rm -f $@ && ar rcs $@ $^

# --- the main job: the seed's models, generated and run -------------------
out/models.h out/models.c out/models.sql: schema/models.def $(ASSOCGEN)
	$(ASSOCGEN) -o out schema/models.def

$(B)/demo: demo/demo.c out/models.c out/models.h $(LIBASSOC)
	$(CC) $(CPPFLAGS) -Iout -Iruntime $(CFLAGS) $(SAN) $(WARN) -o $@ demo/demo.c out/models.c $(LIBASSOC) $(ASSOC_LIBS)

demo: $(B)/demo out/models.svg
	$(B)/demo

# The seed's ER diagram (docs/models.svg is the copy the README shows;
# `make docs` refreshes it).
out/models.svg: schema/models.def $(ASSOCGEN) | $(DEPS_OK)
	@mkdir -p out
	$(ASSOCGEN) -o out --emit dot schema/models.def
	dot -Tsvg -o $@ out/models.dot

docs: out/models.svg
	cp out/models.svg docs/models.svg

# --- tests --------------------------------------------------------------
# tests/unit/test_*.c: cmocka programs over the compiler library and libassoc.
# tests/e2e/<schema>/test_*.c: cmocka programs over the code generated from
# schema/<schema>.def, compiled with the same -Werror flags as ours.
TEST_LIBS = $(LIBGEN) $(LIBASSOC) -lcmocka $(ASSOC_LIBS)
$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIBGEN) $(LIBASSOC) $(ASSOCGEN)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Igen -Igrammar -I$(B)/grammar -Iruntime -Itests/unit $(CFLAGS) $(SAN) $(WARN) \
	    -DSRCDIR='"$(CURDIR)"' -DBUILDDIR='"$(CURDIR)/$(B)"' -o $@ $< $(TEST_LIBS)

E2E_SCHEMAS := $(notdir $(wildcard tests/e2e/*))
E2E_TESTS   := $(patsubst tests/e2e/%.c,$(B)/e2e/%,$(wildcard tests/e2e/*/test_*.c))

define E2E_RULES
$(B)/e2e/$(1)/$(1).c $(B)/e2e/$(1)/$(1).h &: $$(firstword $$(wildcard tests/e2e/$(1)/$(1).def) schema/$(1).def) $(wildcard schema/*.def) $(ASSOCGEN)
	$(ASSOCGEN) -o $(B)/e2e/$(1) $$(firstword $$(wildcard tests/e2e/$(1)/$(1).def) schema/$(1).def)
$(B)/e2e/$(1)/$(1).o: $(B)/e2e/$(1)/$(1).c $(B)/e2e/$(1)/$(1).h runtime/assoc.h
	$(CC) $(CPPFLAGS) -Iruntime $(CFLAGS) $(SAN) $(WARN) -c -o $$@ $$<
$(B)/e2e/$(1)/test_%: tests/e2e/$(1)/test_%.c $(wildcard tests/e2e/*.h) $(B)/e2e/$(1)/$(1).o $(LIBASSOC)
	$(CC) $(CPPFLAGS) -I$(B)/e2e/$(1) -Iruntime -Itests/e2e -Itests/unit $$(PG_CFLAGS) $(CFLAGS) $(SAN) $(WARN) \
	    -DSRCDIR='"$(CURDIR)"' -DBUILDDIR='"$(CURDIR)/$(B)"' \
	    -o $$@ $$< $(B)/e2e/$(1)/$(1).o $(LIBASSOC) -lcmocka $$(ASSOC_LIBS)
endef
$(foreach s,$(E2E_SCHEMAS),$(eval $(call E2E_RULES,$(s))))

unit-tests: $(TESTS) $(E2E_TESTS) $(ASSOCGEN) $(LIBASSOC)
	@B=$(B) sh tests/run.sh $(TESTS) $(E2E_TESTS)

# Every schema's generated code compiles warning-free under gcc and clang
# as C11, and its header as C++ too (one counted check per schema and compiler).
compile-checks: $(ASSOCGEN)
	@B=$(B) sh tests/compile_check.sh $(ASSOCGEN) schema/*.def tests/good/*.def

# Further suites live in make fragments (build integration, reliability,
# benchmarks); each adds the targets it names to TEST_SUITES and writes
# build/<target>.results ("name passed failed" lines).
TEST_SUITES :=
include $(wildcard mk/*.mk bench/bench.mk bench/pg.mk)

# `make test`: the plain build, then everything again under ASan+UBSan, then
# the suites of the fragments.  Every run happens; the summary's exit status
# decides.  A run that fails before writing its results file counts as a
# failure.
test: $(DEPS_OK)
	@rm -f build/results.txt build/asan/results.txt build/compile-results.txt build/*.results
	-@$(MAKE) --no-print-directory unit-tests B=build
	-@$(MAKE) --no-print-directory compile-checks B=build
	-@$(MAKE) --no-print-directory unit-tests B=build/asan CFLAGS='-O1 -g' \
	    SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all'
	-@for t in $(TEST_SUITES); do $(MAKE) --no-print-directory $$t B=build; done
	@sh tests/summary.sh build/results.txt build/compile-results.txt build/asan/results.txt \
	    $(patsubst %,build/%.results,$(TEST_SUITES))

# Rewrite the golden files from the current emitters, on purpose.
golden-refresh: $(ASSOCGEN)
	sh tests/golden/refresh.sh $(ASSOCGEN)

clean:
	rm -rf build out
