/* main.c - the assocgen command: parses the command line, runs the compiler
 * library, prints its diagnostics.  See SPEC.md section 2. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocgen.h"
#include "fromdb.h"

static const char usage[] =
    "usage: assocgen [options] FILE.def\n"
    "       assocgen --from-db FILE.db [-o DIR] [--check]\n"
    "Compile a model file into C structs, accessors and SQLite DDL.\n"
    "\n"
    "  -o, --out-dir DIR   where outputs go (default: out; created if missing)\n"
    "  --emit LIST         comma list of header, source, sql, dot\n"
    "                      (default: header,source,sql)\n"
    "  --prefix P          prepend P to every generated C type, function, macro\n"
    "  -M, --depfile FILE  write a make-style dependency file for the outputs\n"
    "  --check             parse and check only; write nothing\n"
    "  -Werror             treat warnings as errors\n"
    "  --from-db FILE.db   write DIR/FILE.def, a model file of an existing SQLite\n"
    "                      database (read-only), instead of compiling one\n"
    "  --migrate-from OLD.def  also write FILE.migrate.sql (SQLite) and\n"
    "                      FILE.migrate.pg.sql (PostgreSQL): the SQL that takes a\n"
    "                      database made with OLD.def (the file's previous version)\n"
    "                      to FILE.def's tables, keeping its data\n"
    "  --allow-data-loss   let the migration drop tables and columns\n"
    "  --version           print the version and exit\n"
    "  --help              print this help and exit\n"
    "\n"
    "FILE.def gives FILE.h, FILE.c, FILE.sql (and FILE.dot) in DIR.\n"
    "Exit status: 0 success, 1 errors in the schema, 2 bad usage or I/O failure.\n";

/* The argument in a message: its control bytes as \xHH, so that none
 * reaches the terminal (an escape sequence, a newline forging a line). */
static int usage_error(const char *fmt, const char *arg)
{
    char shown[512];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)arg; *p && k + 5 < sizeof shown; p++) {
        if (*p < 0x20 || *p == 0x7f)
            k += (size_t)snprintf(shown + k, sizeof shown - k, "\\x%02x", *p);
        else
            shown[k++] = (char)*p;
    }
    shown[k] = '\0';
    fputs("assocgen: ", stderr);
    fprintf(stderr, fmt, shown);
    fputs("\nTry 'assocgen --help' for more.\n", stderr);
    return 2;
}

/* --help and --version: what they print must reach standard output (a
 * full disk, a closed pipe are write failures: exit 2). */
static int print_stdout(const char *text)
{
    fputs(text, stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "assocgen: cannot write to standard output: %s\n", strerror(errno));
        return 2;
    }
    return 0;
}

static bool parse_emit(const char *list, unsigned *out)
{
    static const struct { const char *w; unsigned k; } kinds[] = {
        { "header", ASSOCGEN_EMIT_HEADER }, { "source", ASSOCGEN_EMIT_SOURCE },
        { "sql", ASSOCGEN_EMIT_SQL }, { "dot", ASSOCGEN_EMIT_DOT },
    };
    unsigned k = 0;
    const char *p = list;
    while (*p) {
        /* "header, sql" as well as "header,sql": blanks around a word. */
        p += strspn(p, " \t");
        size_t n = strcspn(p, ",");
        size_t w = n;
        while (w > 0 && (p[w - 1] == ' ' || p[w - 1] == '\t'))
            w--;
        bool found = false;
        for (size_t i = 0; i < 4; i++)
            if (strlen(kinds[i].w) == w && strncmp(p, kinds[i].w, w) == 0) {
                k |= kinds[i].k;
                found = true;
            }
        if (!found)
            return false;
        p += n;
        if (*p == ',')
            p++;
    }
    *out = k;
    return k != 0;
}

static bool is_prefix_ok(const char *p)
{
    if (*p == '\0')
        return true;
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
        return false;
    for (; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

int main(int argc, char **argv)
{
    const char *out_dir = "out", *prefix = "", *depfile = NULL, *input = NULL, *from_db = NULL, *migrate_from = NULL;
    unsigned emit = ASSOCGEN_EMIT_DEFAULT;
    bool check_only = false, werror = false, allow_data_loss = false;

    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        /* Options that take a value, as getopt_long reads them: "-o DIR",
         * "-oDIR", "--out-dir DIR", "--out-dir=DIR".  After "--" every
         * argument is a file, even one that starts with '-'. */
        const char *const with_value[] = { "-o", "--out-dir", "--emit", "--prefix", "-M", "--depfile", "--from-db",
                                           "--migrate-from" };
        const char *opt = NULL;
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0] && !options_done; k++) {
            size_t n = strlen(with_value[k]);
            if (strcmp(a, with_value[k]) == 0) {
                if (i + 1 >= argc)
                    return usage_error("option '%s' needs a value", a);
                opt = with_value[k];
                val = argv[++i];
            } else if (strncmp(a, with_value[k], n) == 0 && a[n] == '=' && a[1] == '-') {
                opt = with_value[k];
                val = a + n + 1;
            } else if (n == 2 && strncmp(a, with_value[k], 2) == 0 && a[2] != '\0') {
                opt = with_value[k];
                val = a + 2;
            }
        }
        if (options_done || a[0] != '-' || a[1] == '\0') {
            if (input)
                return usage_error("one model file at a time; '%s' is a second", a);
            input = a;
        } else if (!strcmp(a, "--")) {
            options_done = true;
        } else if (opt) {
            if (!strcmp(opt, "-o") || !strcmp(opt, "--out-dir"))
                out_dir = val;
            else if (!strcmp(opt, "--emit")) {
                if (!parse_emit(val, &emit))
                    return usage_error("--emit takes a comma list of header, source, sql, dot; not '%s'", val);
            } else if (!strcmp(opt, "--prefix")) {
                if (!is_prefix_ok(val))
                    return usage_error("--prefix must be a C identifier prefix (letters, digits, '_'); not '%s'", val);
                prefix = val;
            } else if (!strcmp(opt, "--from-db")) {
                from_db = val;
            } else if (!strcmp(opt, "--migrate-from")) {
                if (val[0] == '\0')
                    return usage_error("%s", "--migrate-from needs the model file's previous version");
                migrate_from = val;
            } else {
                if (val[0] == '\0')
                    return usage_error("%s", "--depfile needs a file name");
                depfile = val;
            }
        } else if (!strcmp(a, "--check")) {
            check_only = true;
        } else if (!strcmp(a, "-Werror")) {
            werror = true;
        } else if (!strcmp(a, "--allow-data-loss")) {
            allow_data_loss = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            return print_stdout(usage);
        } else if (!strcmp(a, "--version")) {
            return print_stdout("assocgen " ASSOCGEN_VERSION "\n");
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (input == NULL && from_db == NULL)
        return usage_error("%s", "no model file given");
    if (input != NULL && input[0] == '\0')
        return usage_error("%s", "the model file's name is empty");
    if (out_dir[0] == '\0')
        return usage_error("%s", "--out-dir needs a directory");
    if (from_db && (input || depfile || prefix[0] || emit != ASSOCGEN_EMIT_DEFAULT || migrate_from))
        return usage_error("%s", "--from-db writes one model file: it takes -o DIR and --check, no model file, --emit, --prefix, -M or --migrate-from");
    if (from_db)
        return fromdb_run(from_db, out_dir, check_only, stderr);
    if (allow_data_loss && migrate_from == NULL)
        return usage_error("%s", "--allow-data-loss goes with --migrate-from OLD.def");

    assocgen *g = assocgen_create();
    if (g == NULL) {
        fputs("assocgen: out of memory\n", stderr);
        return 2;
    }
    assocgen_set_werror(g, werror);
    int rc = assocgen_load(g, input);
    if (rc == 0 && migrate_from)
        rc = assocgen_migrate_from(g, migrate_from, allow_data_loss);
    if (rc == 0 && !check_only)
        rc = assocgen_generate(g, emit, prefix);
    char err[1024] = "";
    if (rc == 0 && !check_only)
        rc = assocgen_write(g, out_dir, depfile, err, sizeof err);

    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        fputs(d->rendered, stderr);
    if (err[0])
        fprintf(stderr, "assocgen: %s\n", err);
    const diag_ctx *dc = assocgen_diag(g);
    if (dc->errors > 1 || (dc->errors && dc->warnings))
        fprintf(stderr, "%d error%s, %d warning%s\n", dc->errors, dc->errors == 1 ? "" : "s",
                dc->warnings, dc->warnings == 1 ? "" : "s");
    assocgen_destroy(g);
    return rc;
}
