/* values.c - the values of section 9's column types: an enum's names bound
 * and read back, and the random UUIDs of default(uuid).  See assoc.h. */
#include "assoc.h"

#include <stdio.h>
#include <string.h>

int assoc_bind_enum(assoc_db *db, assoc_stmt *st, int idx, const assoc_enum *e, int v, bool has)
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || e == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_bind_enum: NULL argument");
    if (!has)
        return assoc_bind_null(db, st, idx);
    if (v < 1 || v > e->count)
        return assoc_fail(db, ASSOC_MISUSE, "%s: %d is %s%s value (the values are 1 to %d)", e->what, v,
                          v == 0 ? "unset, no " : "no ", e->type, e->count);
    return assoc_bind_text(db, st, idx, e->names[v - 1]);
}

int assoc_column_enum(assoc_db *db, assoc_stmt *st, int col, const assoc_enum *e, int *out, bool *has)
{
    char *text = NULL;
    char names[200];
    size_t used = 0;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || e == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_column_enum: NULL argument");
    rc = assoc_column_text_ref(db, st, col, &text);
    if (rc != ASSOC_OK)
        return rc;
    if (text == NULL) {
        if (has == NULL)
            return assoc_fail(db, ASSOC_ERROR, "column %d: NULL in a column that may not be NULL", col);
        *out = 0;
        *has = false;
        return ASSOC_OK;
    }
    for (int k = 0; k < e->count; k++)
        if (strcmp(text, e->names[k]) == 0) {
            *out = k + 1;
            if (has != NULL)
                *has = true;
            return ASSOC_OK;
        }
    names[0] = '\0';
    for (int k = 0; k < e->count && used < sizeof names; k++) {
        int w = snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "", e->names[k]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (used >= sizeof names)
        memcpy(names + sizeof names - 4, "...", 4);
    /* The stored text, cut and with control bytes shown as '?'. */
    char shown[44];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && n < 40; p++)
        shown[n++] = *p < 0x20 || *p == 0x7f ? '?' : (char)*p;
    shown[n] = '\0';
    return assoc_fail(db, ASSOC_ERROR, "'%s%s' is no %s value (%s)", shown, text[n] ? "..." : "", e->type, names);
}

int assoc_uuid4(assoc_db *db, char **out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    char *s;
    size_t k = 0;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_uuid4: NULL argument");
    *out = NULL;
    s = assoc_malloc(ASSOC_UUID_TEXT_SIZE);
    if (s == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory making a UUID");
    sqlite3_randomness((int)sizeof b, b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* the RFC 4122 variant */
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s[k++] = '-';
        s[k++] = hex[b[i] >> 4];
        s[k++] = hex[b[i] & 0x0f];
    }
    s[k] = '\0';
    *out = s;
    return ASSOC_OK;
}
