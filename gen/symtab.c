/* symtab.c - see symtab.h. */
#include "symtab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t hash_str(const char *s)
{
    /* FNV-1a: short keys, good spread, no state. */
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)h;
}

void *symtab_get(const symtab *t, const char *key)
{
    if (t->cap == 0)
        return NULL;
    size_t mask = t->cap - 1;
    for (size_t i = hash_str(key) & mask;; i = (i + 1) & mask) {
        if (t->slots[i].key == NULL)
            return NULL;
        if (strcmp(t->slots[i].key, key) == 0)
            return t->slots[i].value;
    }
}

static bool grow(symtab *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    symtab_slot *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    for (size_t j = 0; j < t->cap; j++) {
        if (t->slots[j].key == NULL)
            continue;
        size_t i = hash_str(t->slots[j].key) & (cap - 1);
        while (slots[i].key != NULL)
            i = (i + 1) & (cap - 1);
        slots[i] = t->slots[j];
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return true;
}

void *symtab_put(symtab *t, const char *key, void *value, bool *nomem)
{
    if ((t->count + 1) * 4 > t->cap * 3 && !grow(t)) {
        *nomem = true;
        return NULL;
    }
    size_t mask = t->cap - 1;
    size_t i = hash_str(key) & mask;
    for (; t->slots[i].key != NULL; i = (i + 1) & mask)
        if (strcmp(t->slots[i].key, key) == 0)
            return t->slots[i].value;
    t->slots[i].key = key;
    t->slots[i].value = value;
    t->count++;
    return NULL;
}

void symtab_free(symtab *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = t->count = 0;
}
