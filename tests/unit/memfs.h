/* memfs.h - an in-memory file set for driving the compiler library in tests. */
#ifndef ASSOCGEN_MEMFS_H
#define ASSOCGEN_MEMFS_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "assocgen.h"

typedef struct memfile {
    const char *path;
    const char *text;
} memfile;

/* Reader over a NULL-terminated array of memfile. */
static inline int memfs_read(void *ctx, const char *path, char **text, size_t *len)
{
    for (const memfile *f = ctx; f->path; f++) {
        if (strcmp(f->path, path) != 0)
            continue;
        size_t n = strlen(f->text);
        *text = malloc(n + 1);
        if (*text == NULL)
            return ENOMEM;
        memcpy(*text, f->text, n + 1);
        *len = n;
        return 0;
    }
    return ENOENT;
}

/* Load `text` as "t.def" (with `more` as further files); returns the
 * compiler, to destroy. */
static inline assocgen *memfs_load(const memfile *files, int *rc)
{
    assocgen *g = assocgen_create();
    assocgen_set_reader(g, memfs_read, (void *)files);
    *rc = assocgen_load(g, files[0].path);
    return g;
}

/* The first diagnostic whose message contains `needle`, or NULL. */
static inline const diagnostic *memfs_find(const assocgen *g, const char *needle)
{
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        if (strstr(d->message, needle))
            return d;
    return NULL;
}

#endif
