# mk/install.mk - installing assocgen and libassoc, and the integration
# tests of an installed copy (issue 4).  Included from the top Makefile;
# uses its $(B), $(CC), $(CFLAGS), $(SAN), $(ASSOCGEN), $(LIBASSOC) and
# $(RT_OBJ), and adds integration-tests to its TEST_SUITES.
#
#   make install [PREFIX=/usr/local] [DESTDIR=stage]
#        bin/assocgen, lib/libassoc.a, lib/libassoc.so.1.0.0 (soname
#        libassoc.so.1, with the libassoc.so.1 and libassoc.so links),
#        include/assoc.h, lib/pkgconfig/assoc.pc, share/man/man1/assocgen.1
#   make uninstall [PREFIX=...] [DESTDIR=...]
#        removes exactly those files (directories stay)
#   make integration-tests
#        installs into a temporary stage and checks it from the outside
#        (pkg-config, the examples/ projects, the command's file handling)
#        -> $(B)/integration-tests.results, one "name passed failed" per check
#
# DESTDIR (for staging, packaging) is prepended to every installed path but
# recorded nowhere: assoc.pc names PREFIX.  Run ldconfig after installing
# the shared library into a system directory.

# Read once, whether included from the top Makefile, named with -f, or both.
ifndef ASSOC_INSTALL_MK
ASSOC_INSTALL_MK := 1

PREFIX        ?= /usr/local
DESTDIR       ?=
BINDIR        ?= $(PREFIX)/bin
LIBDIR        ?= $(PREFIX)/lib
INCLUDEDIR    ?= $(PREFIX)/include
MANDIR        ?= $(PREFIX)/share/man
PKGCONFIGDIR  ?= $(LIBDIR)/pkgconfig
INSTALL       ?= install

# The runtime's version (assoc.h) names the shared library; the major number
# is the soname.  Bump the major when the ABI changes.
ASSOC_VERSION := $(shell sed -n 's/^.define ASSOC_VERSION_STRING "\(.*\)"/\1/p' runtime/assoc.h)
ASSOC_SOMAJOR := $(firstword $(subst ., ,$(ASSOC_VERSION)))
ASSOC_SONAME  := libassoc.so.$(ASSOC_SOMAJOR)
ASSOC_SHLIB   := $(B)/libassoc.so.$(ASSOC_VERSION)
ASSOC_PC      := $(B)/assoc.pc

.PHONY: install uninstall integration-tests shared-lib install-pc-force

# --- the shared library ------------------------------------------------------
# $(RT_OBJ) (runtime/*.c) is compiled -fPIC, so the archive and the shared
# library share objects.  -z defs: every symbol is resolved here or in sqlite3.
$(ASSOC_SHLIB): $(RT_OBJ)
	$(CC) $(CFLAGS) $(SAN) -shared -Wl,-soname,$(ASSOC_SONAME) -Wl,-z,defs -o $@ $(RT_OBJ) $(ASSOC_LIBS)
	ln -sf $(@F) $(B)/$(ASSOC_SONAME)
	ln -sf $(ASSOC_SONAME) $(B)/libassoc.so

shared-lib: $(ASSOC_SHLIB)

# --- assoc.pc ----------------------------------------------------------------
# Rewritten only when the template or the directories changed (a different
# PREFIX on the command line), so `make install` twice does no work.
# A directory under PREFIX is written as ${prefix}/..., as autoconf does, so
# `pkg-config --define-prefix` can relocate the installed file.
pc-dir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
$(ASSOC_PC): mk/assoc.pc.in install-pc-force
	@mkdir -p $(@D)
	@sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(call pc-dir,$(LIBDIR))|g' \
	     -e 's|@INCLUDEDIR@|$(call pc-dir,$(INCLUDEDIR))|g' -e 's|@BINDIR@|$(call pc-dir,$(BINDIR))|g' \
	     -e 's|@VERSION@|$(ASSOC_VERSION)|g' mk/assoc.pc.in > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

# --- install / uninstall -------------------------------------------------------
INSTALLED := $(BINDIR)/assocgen $(LIBDIR)/libassoc.a $(LIBDIR)/libassoc.so.$(ASSOC_VERSION) \
             $(LIBDIR)/$(ASSOC_SONAME) $(LIBDIR)/libassoc.so $(INCLUDEDIR)/assoc.h \
             $(PKGCONFIGDIR)/assoc.pc $(MANDIR)/man1/assocgen.1

install: $(ASSOCGEN) $(LIBASSOC) $(ASSOC_SHLIB) $(ASSOC_PC) man/assocgen.1
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 755 $(ASSOCGEN) $(DESTDIR)$(BINDIR)/assocgen
	$(INSTALL) -m 644 $(LIBASSOC) $(DESTDIR)$(LIBDIR)/libassoc.a
	$(INSTALL) -m 755 $(ASSOC_SHLIB) $(DESTDIR)$(LIBDIR)/libassoc.so.$(ASSOC_VERSION)
	ln -sf libassoc.so.$(ASSOC_VERSION) $(DESTDIR)$(LIBDIR)/$(ASSOC_SONAME)
	ln -sf $(ASSOC_SONAME) $(DESTDIR)$(LIBDIR)/libassoc.so
	$(INSTALL) -m 644 runtime/assoc.h $(DESTDIR)$(INCLUDEDIR)/assoc.h
	$(INSTALL) -m 644 $(ASSOC_PC) $(DESTDIR)$(PKGCONFIGDIR)/assoc.pc
	$(INSTALL) -m 644 man/assocgen.1 $(DESTDIR)$(MANDIR)/man1/assocgen.1

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# --- integration tests -----------------------------------------------------------
# The script runs `$(MAKE) install` into its own temporary stage (B is passed
# on, so it installs what this build made) and removes the stage afterwards.
# `make test` runs it (TEST_SUITES) and adds up $(B)/integration-tests.results.
TEST_SUITES += integration-tests
integration-tests: $(ASSOCGEN) $(LIBASSOC) $(ASSOC_SHLIB) man/assocgen.1
	@B=$(B) RESULTS=$(B)/integration-tests.results MAKE='$(MAKE)' CC='$(CC)' \
	    sh tests/integration/run.sh

endif
