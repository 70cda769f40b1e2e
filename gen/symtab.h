/* symtab.h - a string-keyed hash map for the checker's name lookups.
 *
 * Keys are borrowed (they must outlive the map: arena strings); values are
 * opaque pointers.  Open addressing with linear probing, grown at 3/4 load,
 * so lookups stay O(1) for schemas of 10,000 models. */
#ifndef ASSOCGEN_SYMTAB_H
#define ASSOCGEN_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>

typedef struct symtab_slot { const char *key; void *value; } symtab_slot;
typedef struct symtab {
    symtab_slot *slots;
    size_t cap, count;
} symtab;

/* The value stored under key, or NULL. */
void *symtab_get(const symtab *t, const char *key);
/* Store value under key unless the key is present.  Returns the value that
 * was already there (and stores nothing), or NULL after storing; *nomem is
 * set when memory ran out. */
void *symtab_put(symtab *t, const char *key, void *value, bool *nomem);
void symtab_free(symtab *t);

/* Iterate: for (size_t i = 0; i < t.cap; i++) if (t.slots[i].key) ... */

#endif
