/* reserved.c - see reserved.h. */
#include <stdlib.h>
#include <string.h>

#include "reserved.h"

typedef struct reserved_name {
    const char *name;
    const char *header;
    char kind;                 /* 'm' macro, 'g' file-scope name */
} reserved_name;

/* Sorted by strcmp (LC_ALL=C sort). */
static const reserved_name header_names[] = {
#include "reserved.inc"
};

/* C11's and C++20's keywords and alternative tokens. */
static const char *const keywords[] = {
    "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary", "_Noreturn",
    "_Static_assert", "_Thread_local", "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand",
    "bitor", "bool", "break", "case", "catch", "char", "char16_t", "char32_t", "char8_t", "class",
    "co_await", "co_return", "co_yield", "compl", "concept", "const", "const_cast", "consteval",
    "constexpr", "constinit", "continue", "decltype", "default", "delete", "do", "double",
    "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend",
    "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
    "reinterpret_cast", "requires", "restrict", "return", "short", "signed", "sizeof", "static",
    "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw",
    "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void",
    "volatile", "wchar_t", "while", "xor", "xor_eq",
};

static int cmp_name(const void *key, const void *elem)
{
    return strcmp(key, ((const reserved_name *)elem)->name);
}

static int cmp_word(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

c_reserved_kind c_reserved(const char *name, const char **from)
{
    if (bsearch(name, keywords, sizeof keywords / sizeof *keywords, sizeof *keywords, cmp_word)) {
        if (from)
            *from = "C or C++";
        return C_KEYWORD;
    }
    const reserved_name *r =
        bsearch(name, header_names, sizeof header_names / sizeof *header_names, sizeof *header_names, cmp_name);
    if (r == NULL)
        return C_FREE;
    if (from)
        *from = r->header;
    return r->kind == 'm' ? C_MACRO : C_GLOBAL;
}

bool c_field_needs_underscore(const char *name)
{
    /* The types the structs spell, and the macros of <errno.h>, <assert.h>
     * and <stdio.h> that a program includes beside the generated header. */
    static const char *const types[] = {
        "EOF", "assert", "assoc_blob", "assoc_db", "assoc_time", "errno", "int64_t", "size_t",
        "stderr", "stdin", "stdout",
    };
    c_reserved_kind k = c_reserved(name, NULL);
    if (k == C_KEYWORD || k == C_MACRO)
        return true;
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strcmp(types[i], name) == 0)
            return true;
    return false;
}

bool c_type_name_taken(const char *name)
{
    return c_reserved(name, NULL) != C_FREE || strncmp(name, "assoc_", 6) == 0 || strncmp(name, "ASSOC_", 6) == 0;
}

bool c_snake_is_libassoc(const char *sn)
{
    return strcmp(sn, "assoc") == 0 || strncmp(sn, "assoc_", 6) == 0;
}
