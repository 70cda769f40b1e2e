/* testutil.h - shared by the cmocka test programs. */
#ifndef ASSOCGEN_TESTUTIL_H
#define ASSOCGEN_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#ifndef SRCDIR
#define SRCDIR "."
#endif
#ifndef BUILDDIR
#define BUILDDIR "build"
#endif

#endif
