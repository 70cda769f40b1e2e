/* bench_protect.c - what statement protection (pg.h) costs per statement.
 *
 * Against $ASSOC_PG_URI (make pg-protect-bench starts a server), inside one
 * transaction, N statements each way, and prints microseconds per statement:
 *   unprotected        assoc_pgconn with protection off: PQexecPrepared, 1 round trip
 *   protected          assoc_pgconn's default, 1 round trip: the INSERT as SAVEPOINT; stmt;
 *                      RELEASE pipelined, the SELECT under the savepoint that stands
 *                      across reads (set by the first one only)
 *   three round trips  raw libpq: PQexec SAVEPOINT, PQexecPrepared, PQexec RELEASE
 *   protected, failing a statement that fails: pipeline + ROLLBACK TO, 2 round trips
 *   autocommit         outside a transaction (no protection needed), for reference
 * for an INSERT and for a SELECT by primary key.  Not a test: it prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "pg.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(assoc_pgconn *c, const char *what)
{
    fprintf(stderr, "bench_protect: %s: %s\n", what, assoc_pg_errmsg(c));
    exit(1);
}

static void exec(assoc_pgconn *c, const char *sql)
{
    if (assoc_pg_exec(c, sql) != ASSOC_OK)
        die(c, sql);
}

enum { N = 5000, ROUNDS = 5 };
static int64_t next_id = 1;

/* N statements of s (an INSERT of $1, or a SELECT by $1), inside a
 * transaction unless autocommit; returns microseconds per statement. */
static double run(assoc_pgconn *c, assoc_pg_stmt *s, bool insert, bool protect, bool autocommit, int expect)
{
    assoc_pg_set_protect(c, protect);
    if (!autocommit)
        exec(c, "BEGIN");
    double t0 = now_us();
    for (int i = 0; i < N; i++) {
        assoc_pg_bind_int64(s, 1, insert ? next_id++ : 1 + i % 1000);
        int rc = assoc_pg_step(s);
        if (rc != expect)
            die(c, "step");
        assoc_pg_reset(s);
    }
    double t = (now_us() - t0) / N;
    if (!autocommit)
        exec(c, "COMMIT");
    assoc_pg_set_protect(c, true);
    return t;
}

/* The same, by hand over raw libpq with three round trips per statement. */
static double run_three(assoc_pgconn *c, bool insert)
{
    PGconn *conn = assoc_pg_conn(c);
    PGresult *r = PQprepare(conn, insert ? "b3_ins" : "b3_sel",
                            insert ? "INSERT INTO bp VALUES ($1, 'x')" : "SELECT v FROM bp WHERE id = $1", 0, NULL);
    PQclear(r);
    exec(c, "BEGIN");
    double t0 = now_us();
    for (int i = 0; i < N; i++) {
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)(insert ? next_id++ : 1 + i % 1000));
        const char *vals[1] = {num};
        PQclear(PQexec(conn, "SAVEPOINT assoc_stmt"));
        r = PQexecPrepared(conn, insert ? "b3_ins" : "b3_sel", 1, vals, NULL, NULL, 0);
        if (PQresultStatus(r) != (insert ? PGRES_COMMAND_OK : PGRES_TUPLES_OK)) {
            fprintf(stderr, "bench_protect: %s", PQerrorMessage(conn));
            exit(1);
        }
        PQclear(r);
        PQclear(PQexec(conn, "RELEASE SAVEPOINT assoc_stmt"));
    }
    double t = (now_us() - t0) / N;
    exec(c, "COMMIT");
    return t;
}

static double best(double a, double b)
{
    return a < b ? a : b;
}

int main(void)
{
    const char *uri = getenv("ASSOC_PG_URI");
    if (!uri) {
        fprintf(stderr, "bench_protect: ASSOC_PG_URI is not set (make pg-protect-bench)\n");
        return 2;
    }
    assoc_pgconn *c = NULL;
    if (assoc_pg_connect(uri, &c) != ASSOC_OK)
        die(c, "connect");
    exec(c, "DROP TABLE IF EXISTS bp; CREATE TABLE bp(id bigint PRIMARY KEY, v text)");
    assoc_pg_stmt *ins = NULL, *sel = NULL, *dup = NULL;
    if (assoc_pg_prepare(c, "INSERT INTO bp VALUES ($1, 'x')", &ins) != ASSOC_OK ||
        assoc_pg_prepare(c, "SELECT v FROM bp WHERE id = $1", &sel) != ASSOC_OK ||
        assoc_pg_prepare(c, "INSERT INTO bp VALUES ($1, 'dup')", &dup) != ASSOC_OK)
        die(c, "prepare");

    double r[2][5];
    for (int k = 0; k < 2; k++)
        for (int j = 0; j < 5; j++)
            r[k][j] = 1e30;
    for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < 2; k++) {
            bool insert = k == 0;
            assoc_pg_stmt *s = insert ? ins : sel;
            int expect = insert ? ASSOC_OK : ASSOC_ROW;
            r[k][0] = best(r[k][0], run(c, s, insert, false, false, expect));
            r[k][1] = best(r[k][1], run(c, s, insert, true, false, expect));
            r[k][2] = best(r[k][2], run_three(c, insert));
            r[k][4] = best(r[k][4], run(c, s, insert, true, true, expect));
        }
        /* Failing statements: duplicate keys of existing rows. */
        assoc_pg_set_protect(c, true);
        exec(c, "BEGIN");
        double t0 = now_us();
        for (int i = 0; i < N; i++) {
            assoc_pg_bind_int64(dup, 1, 1 + i % 1000);
            if (assoc_pg_step(dup) != ASSOC_CONSTRAINT)
                die(c, "dup");
            assoc_pg_reset(dup);
        }
        r[0][3] = best(r[0][3], (now_us() - t0) / N);
        exec(c, "COMMIT");
        PQclear(PQexec(assoc_pg_conn(c), "DEALLOCATE b3_ins; DEALLOCATE b3_sel"));
    }
    printf("statement protection, %d statements per figure, best of %d, microseconds per statement\n", N, ROUNDS);
    printf("%-44s %10s %10s\n", "", "INSERT", "SELECT pk");
    const char *names[5] = {
        "in a transaction, unprotected (1 trip)",
        "in a transaction, protected, pipelined (1)",
        "in a transaction, SAVEPOINT/stmt/RELEASE (3)",
        "in a transaction, protected, failing (2)",
        "autocommit (no protection needed)",
    };
    for (int j = 0; j < 5; j++) {
        if (j == 3)
            printf("%-44s %10.1f %10s\n", names[j], r[0][3], "-");
        else
            printf("%-44s %10.1f %10.1f\n", names[j], r[0][j], r[1][j]);
    }
    assoc_pg_finalize(dup);
    assoc_pg_finalize(sel);
    assoc_pg_finalize(ins);
    exec(c, "DROP TABLE bp");
    assoc_pg_close(c);
    return 0;
}
