/* arena.h - bump allocator for the compiler's syntax tree and schema.
 *
 * Why an arena: the parser builds thousands of small nodes and discards them
 * all at once; error recovery may abandon half-built subtrees.  Allocating
 * every node from one arena makes "free the tree" a single call and makes
 * leaks on parse errors impossible by construction.
 *
 * Every function returns NULL when memory runs out; callers report it.
 */
#ifndef ASSOCGEN_ARENA_H
#define ASSOCGEN_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;      /* newest block first */
} arena;

/* Zeroed memory of n bytes, aligned for any type; owned by the arena. */
void *arena_alloc(arena *a, size_t n);
/* Copy of s (n bytes, NUL added); owned by the arena. */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
/* printf into arena memory. */
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Release every block; the arena may be reused afterwards. */
void arena_free(arena *a);

#endif
