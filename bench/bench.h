/* bench.h - what the C implementations of the benchmark share: the
 * workload's parameters, the checksum, timing, peak-memory readings and
 * the report format.  The Python implementations (sqla.py) and the runner
 * (run.py) restate the same definitions; README.md in this directory is
 * the reference for all of them.
 *
 * The workload, for N users (N a multiple of 10, at least 100):
 *   P = N / 10 products; user i (1..N) has 10 orders, order k (0..9) of
 *   user i links product number (7*i + k) mod P + 1 (products numbered by
 *   insertion, from 1).  Rows are inserted users first, then products, then
 *   orders by user and k, so on a fresh database user i has id i, product j
 *   id j and order k of user i id 10*(i-1) + k + 1.
 *
 * Report format, one line per phase on standard output:
 *   PHASE <name> <rows> <checksum> <milliseconds> <peak RSS kB during the
 *         phase> <RSS kB when the phase started> <CPU milliseconds>
 * and at the end
 *   PEAK <peak RSS kB over the whole run>
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* -DBENCH_CALLGRIND: under valgrind --tool=callgrind, one profile dump per
 * phase (callgrind.out.PID.K, named after the phase), for comparing the
 * implementations phase by phase.  Not for the timed runs. */
#ifdef BENCH_CALLGRIND
#include <valgrind/callgrind.h>
#define BENCH_PROFILE_START() CALLGRIND_ZERO_STATS
#define BENCH_PROFILE_STOP(name) CALLGRIND_DUMP_STATS_AT(name)
#else
#define BENCH_PROFILE_START() ((void)0)
#define BENCH_PROFILE_STOP(name) ((void)0)
#endif

/* Checksums are sums modulo 2^61 of per-row terms built with h():
 *   h(a, b)       = ((a * 2654435761 + b) mod 2^61)^2 mod 2^61
 *   h(a, b, c)    = h(h(a, b), c),   h(a, b, c, d) = h(h(a, b, c), d)
 * Unsigned 64-bit arithmetic wraps modulo 2^64, a multiple of 2^61, so
 * masking at the end gives the same result as Python's exact integers. */
#define CS_MASK ((UINT64_C(1) << 61) - 1)
#define CS_K UINT64_C(2654435761)

static inline uint64_t cs_h2(uint64_t a, uint64_t b)
{
    uint64_t t = a * CS_K + b;
    return (t * t) & CS_MASK;
}

static inline uint64_t cs_h3(uint64_t a, uint64_t b, uint64_t c)
{
    return cs_h2(cs_h2(a, b), c);
}

static inline uint64_t cs_h4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    return cs_h2(cs_h3(a, b, c), d);
}

/* The options every implementation takes:
 *   prog [-n N] [--db PATH] [--schema FILE.sql]
 * --db is required; --schema (the DDL to run) is for the hand-written C. */
typedef struct bench_opts {
    long n;
    const char *db;
    const char *schema;
    const char *variant; /* --variant NAME, for implementation-specific choices */
} bench_opts;

static inline void bench_usage(const char *prog)
{
    fprintf(stderr, "usage: %s -n N --db PATH [--schema FILE.sql] [--variant NAME]\n", prog);
    exit(2);
}

static inline bench_opts bench_parse(int argc, char **argv)
{
    bench_opts o = { 100000, NULL, NULL, "" };

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            bench_usage(argv[0]);
        if (strcmp(a, "-n") == 0) {
            char *end;
            o.n = strtol(argv[++i], &end, 10);
            if (*end != '\0')
                bench_usage(argv[0]);
        } else if (strcmp(a, "--db") == 0) {
            o.db = argv[++i];
        } else if (strcmp(a, "--schema") == 0) {
            o.schema = argv[++i];
        } else if (strcmp(a, "--variant") == 0) {
            o.variant = argv[++i];
        } else {
            bench_usage(argv[0]);
        }
    }
    if (o.db == NULL || o.n < 100 || o.n % 10 != 0) {
        fprintf(stderr, "%s: N must be a multiple of 10, at least 100, and --db is required\n", argv[0]);
        exit(2);
    }
    return o;
}

/* Milliseconds on the monotonic clock. */
static inline double bench_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Milliseconds of CPU time (user + system) used by this process: less
 * sensitive than the wall clock to other load on the machine. */
static inline double bench_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Peak memory per phase: writing "5" to /proc/self/clear_refs resets the
 * kernel's high-water mark of the resident set (VmHWM), so the mark read
 * at the end of a phase is the peak during that phase.  Where that is not
 * allowed, the figures are peaks since the start (still an upper bound). */
static inline void bench_rss_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f != NULL) {
        fputs("5", f);
        fclose(f);
    }
}

/* A "VmHWM:" or "VmRSS:" line of /proc/self/status, in kB; -1 if none. */
static inline long bench_status_kb(const char *key)
{
    char line[256];
    long kb = -1;
    size_t len = strlen(key);
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, key, len) == 0) {
            kb = strtol(line + len, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

static inline long bench_rss_hwm_kb(void)
{
    return bench_status_kb("VmHWM:");
}

typedef struct bench_phase {
    const char *name;
    double t0;
    double c0;     /* CPU time at the start; cpu_ms is set by bench_stop() */
    double cpu_ms;
    long kb;       /* peak RSS during the phase, set by bench_stop() */
    long start_kb; /* RSS when the phase started */
} bench_phase;

static long bench_peak_kb;

static inline void bench_note_peak(long kb)
{
    if (kb > bench_peak_kb)
        bench_peak_kb = kb;
}

/* Phase marks, for a runner that measures other processes phase by phase
 * (bench/pg_run.py reads the PostgreSQL server's CPU time): when the
 * environment has BENCH_MARKS=W,R (two file descriptors), each phase's start
 * and end write "start NAME" or "stop NAME" and a newline to W and wait for
 * one byte from R, outside the timed span.  Without it, nothing happens. */
static inline void bench_mark(const char *what, const char *name)
{
    static int wfd = -2, rfd = -1;
    char line[128], ack;
    if (wfd == -2) {
        const char *e = getenv("BENCH_MARKS");
        wfd = -1;
        if (e != NULL && sscanf(e, "%d,%d", &wfd, &rfd) != 2)
            wfd = -1;
    }
    if (wfd < 0)
        return;
    int n = snprintf(line, sizeof line, "%s %s\n", what, name);
    if (n < 0 || write(wfd, line, (size_t)n) != (ssize_t)n || read(rfd, &ack, 1) != 1)
        wfd = -1; /* the runner is gone: no more marks */
}

static inline bench_phase bench_start(const char *name)
{
    bench_phase p;
    bench_mark("start", name);
    bench_note_peak(bench_rss_hwm_kb());
    p.start_kb = bench_status_kb("VmRSS:");
    bench_rss_reset();
    p.name = name;
    p.kb = -1;
    BENCH_PROFILE_START();
    p.cpu_ms = 0;
    p.c0 = bench_cpu_ms();
    p.t0 = bench_ms();
    return p;
}

/* End the timed part of a phase: its milliseconds.  Work after this (a
 * count for the checksum) is not timed. */
static inline double bench_stop(bench_phase *p)
{
    double ms = bench_ms() - p->t0;
    p->cpu_ms = bench_cpu_ms() - p->c0;
    BENCH_PROFILE_STOP(p->name);
    p->kb = bench_rss_hwm_kb();
    bench_note_peak(p->kb);
    bench_mark("stop", p->name);
    return ms;
}

static inline void bench_report(const bench_phase *p, double ms, long long rows, uint64_t checksum)
{
    printf("PHASE %s %lld %llu %.3f %ld %ld %.3f\n", p->name, rows, (unsigned long long)(checksum & CS_MASK), ms,
           p->kb, p->start_kb, p->cpu_ms);
    fflush(stdout);
}

static inline void bench_end(bench_phase p, long long rows, uint64_t checksum)
{
    double ms = bench_stop(&p);
    bench_report(&p, ms, rows, checksum);
}

static inline void bench_finish(void)
{
    bench_note_peak(bench_rss_hwm_kb());
    printf("PEAK %ld\n", bench_peak_kb);
    fflush(stdout);
}

#define BENCH_PHASES "insert user_products product_users user_orders_product delete"

#endif /* BENCH_H */
