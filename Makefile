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

GEN_SRC  := $(filter-out gen/main.c,$(wildcard gen/*.c))
GEN_OBJ  := $(GEN_SRC:%.c=$(B)/%.o) $(B)/grammar/parser.o $(B)/grammar/scanner.o
RT_OBJ   := $(B)/runtime/assoc.o $(B)/runtime/subjournal.o
TESTS    := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))

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
$(B)/grammar/%.o: $(B)/grammar/%.c $(B)/grammar/parser.h $(B)/grammar/scanner.h $(wildcard gen/*.h)
	$(CC) $(CPPFLAGS) -Igen -Igrammar -I$(B)/grammar $(CFLAGS) $(SAN) $(GRAMMAR_CFLAGS) -c -o $@ $<

$(B)/gen/%.o: gen/%.c $(wildcard gen/*.h) $(B)/grammar/parser.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Igen -Igrammar -I$(B)/grammar -Iruntime $(CFLAGS) $(SAN) $(WARN) -c -o $@ $<

$(LIBGEN): $(GEN_OBJ)
	rm -f $@ && ar rcs $@ $^

$(ASSOCGEN): $(B)/gen/main.o $(LIBGEN)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^

# --- the runtime --------------------------------------------------------
$(B)/runtime/%.o: runtime/%.c runtime/assoc.h runtime/subjournal.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iruntime $(CFLAGS) $(SAN) $(WARN) -fPIC -c -o $@ $<

$(LIBASSOC): $(RT_OBJ)
	rm -f $@ && ar rcs $@ $^

# --- the main job: the seed's models, generated and run -------------------
out/models.h out/models.c out/models.sql: schema/models.def $(ASSOCGEN)
	$(ASSOCGEN) -o out schema/models.def

$(B)/demo: demo/demo.c out/models.c out/models.h $(LIBASSOC)
	$(CC) $(CPPFLAGS) -Iout -Iruntime $(CFLAGS) $(SAN) $(WARN) -o $@ demo/demo.c out/models.c $(LIBASSOC) -lsqlite3

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
TEST_LIBS := $(LIBGEN) $(LIBASSOC) -lcmocka -lsqlite3
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
	$(CC) $(CPPFLAGS) -I$(B)/e2e/$(1) -Iruntime -Itests/e2e -Itests/unit $(CFLAGS) $(SAN) $(WARN) \
	    -DSRCDIR='"$(CURDIR)"' -DBUILDDIR='"$(CURDIR)/$(B)"' \
	    -o $$@ $$< $(B)/e2e/$(1)/$(1).o $(LIBASSOC) -lcmocka -lsqlite3
endef
$(foreach s,$(E2E_SCHEMAS),$(eval $(call E2E_RULES,$(s))))

unit-tests: $(TESTS) $(E2E_TESTS) $(ASSOCGEN) $(LIBASSOC)
	@B=$(B) sh tests/run.sh $(TESTS) $(E2E_TESTS)

# Every schema's generated code compiles warning-free under gcc and clang
# as C11, and its header as C++ too (one counted check per schema and compiler).
compile-checks: $(ASSOCGEN)
	@B=$(B) sh tests/compile_check.sh $(ASSOCGEN) schema/*.def

# Further suites live in make fragments (build integration, reliability,
# benchmarks); each adds the targets it names to TEST_SUITES and writes
# build/<target>.results ("name passed failed" lines).
TEST_SUITES :=
include $(wildcard mk/*.mk bench/bench.mk)

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
