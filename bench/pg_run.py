"""pg_run.py - the benchmark's workload on PostgreSQL, and the batched load against the per-user loop.

    pg_run.py workload [--n N] [--n-sqla N] [--repeat R] [--impls LIST]   the workload, side by side
    pg_run.py loads    [--n N] [--rounds R]                               user.products: loop vs batched load
    pg_run.py smoke    --results FILE                                     checksums only, small N (make test)

Run it under tests/pg/with_server.sh (bench/pg.mk does): the server is
reached at --uri, by default $ASSOC_PG_TCP_URI or postgresql://127.0.0.1:$PGPORT/assoc
(TCP, so that every query pays a real round trip), or $ASSOC_PG_URI (the
Unix socket) for the smoke run.  Each run gets a database of its own,
assoc_bench, copied from a template, assoc_bench_tmpl, whose tables
bench/pg_ddl.c made with models_create_all() (the generator's own DDL), and
dropped afterwards.  For the timed runs the server's autovacuum is turned
off (ALTER SYSTEM, reset at the end) so that none starts in the middle of a
phase; every implementation runs ANALYZE after its insert phase, untimed.

Implementations (--impls, comma-separated):
    raw        bench/pg_raw.c, the hand-written libpq C (the reference)
    api        bench/api.c, the generated API, given the URI
    pipeline   pg_raw --variant pipeline: the same statements, pipelined
               across units (not waited for one by one)
    raw:WORDS  pg_raw --variant WORDS (e.g. raw:api, the API's shape)
    typical, tuned   bench/pg_sqla.py, SQLAlchemy 1.4 on psycopg2
The C programs run --repeat times each, alternately (raw, api, ... raw,
api, ...), and each API run is compared with the raw run just before it
(the paired ratio, which a drift of the machine's speed between runs does
not bias); the Python ones run once.  Every implementation must agree on
every phase's rows and checksum, else the exit status is 1 (also, with
--strict, when a target is missed).  Only the standard library and
psycopg2 are used.
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
PHASES = ["insert", "user_products", "product_users", "user_orders_product", "delete"]
LOAD_PHASES = ["loop", "each", "load100", "load1000"]
NAMES = {
    "raw": "libpq C",
    "api": "generated API",
    "pipeline": "libpq C pipelined",
    "raw:api": "libpq C, API's shape",
    "typical": "SQLAlchemy typical",
    "tuned": "SQLAlchemy tuned",
}
PYTHON_IMPLS = ("typical", "tuned")
TARGET_PHASE_RATIO = 1.10  # generated API vs hand-written libpq C, every phase
TARGET_LOAD_SPEEDUP = 5.0  # batched load vs per-user loop
SETTINGS = [("autovacuum", "off"), ("random_page_cost", "1.1")]  # the timed runs' (Server.quiet)
DB = "assoc_bench"
TEMPLATE = "assoc_bench_tmpl"


class Failure(Exception):
    pass


def name_of(impl):
    return NAMES.get(impl, impl.replace("raw:", "libpq C --variant "))


# ---------------------------------------------------------------------------
# the server

def base_uri(a):
    if a.uri:
        return a.uri
    if a.socket:
        uri = os.environ.get("ASSOC_PG_URI")
        if not uri:
            raise Failure("ASSOC_PG_URI is not set: run under tests/pg/with_server.sh")
        return uri
    uri = os.environ.get("ASSOC_PG_TCP_URI")
    if uri:
        return uri
    port = os.environ.get("PGPORT")
    if not port:
        raise Failure("neither ASSOC_PG_TCP_URI nor PGPORT is set: run under tests/pg/with_server.sh "
                      "with PG_TCP_PORT set (make bench-pg)")
    return f"postgresql://127.0.0.1:{port}/assoc"


def uri_for(uri, dbname):
    """uri with its database replaced by dbname."""
    u = urllib.parse.urlsplit(uri)
    return f"{u.scheme}://{u.netloc}/{dbname}" + (f"?{u.query}" if u.query else "")


class Server:
    def __init__(self, a):
        import psycopg2

        self.uri = base_uri(a)
        self.admin = psycopg2.connect(self.uri)
        self.admin.autocommit = True
        self.settings = False
        self.bindir = a.bindir

    def sql(self, text):
        with self.admin.cursor() as c:
            c.execute(text)

    def quiet(self):
        """The server's settings for the timed runs (reset by close()): no
        autovacuum, so that none starts in the middle of a phase (every
        implementation runs ANALYZE after its insert phase instead); and
        random_page_cost = 1.1, the usual setting for data in memory or on
        SSD: with the default 4 the planner reads the whole products table
        into a hash for every user's ten orders (0.42 ms against 0.04 ms a
        query at N = 20,000) and the whole users table for every product's
        hundred buyers (3.9 ms against 0.5 ms), in every implementation."""
        for name, value in SETTINGS:
            self.sql(f"ALTER SYSTEM SET {name} = {value}")
        self.sql("SELECT pg_reload_conf()")
        self.settings = True

    def backend(self, app):
        """The pid of the server process serving the connection named app."""
        with self.admin.cursor() as c:
            c.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", (app,))
            row = c.fetchone()
        return row[0] if row else None

    def template(self):
        self.sql(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        self.sql(f"CREATE DATABASE {TEMPLATE}")
        p = subprocess.run([os.path.join(self.bindir, "pg_ddl"), uri_for(self.uri, TEMPLATE)],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise Failure(f"pg_ddl failed:\n{p.stderr}")

    def fresh(self):
        self.sql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        self.sql(f"CREATE DATABASE {DB} TEMPLATE {TEMPLATE}")
        return uri_for(self.uri, DB)

    def close(self):
        try:
            self.sql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            self.sql(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
            if self.settings:
                for name, _ in SETTINGS:
                    self.sql(f"ALTER SYSTEM RESET {name}")
                self.sql("SELECT pg_reload_conf()")
        finally:
            self.admin.close()


# ---------------------------------------------------------------------------
# running the implementations

def command(impl, a, n, uri):
    if impl == "api":
        return [os.path.join(a.bindir, "api"), "-n", str(n), "--db", uri]
    if impl == "raw":
        return [os.path.join(a.bindir, "pg_raw"), "-n", str(n), "--db", uri]
    if impl == "pipeline":
        return [os.path.join(a.bindir, "pg_raw"), "-n", str(n), "--db", uri, "--variant", "pipeline"]
    if impl.startswith("raw:"):
        return [os.path.join(a.bindir, "pg_raw"), "-n", str(n), "--db", uri, "--variant", impl[4:]]
    if impl in PYTHON_IMPLS:
        return [a.python, "-B", os.path.join(HERE, "pg_sqla.py"), "--variant", impl, "-n", str(n), "--db", uri]
    if impl == "loads":
        return [os.path.join(a.bindir, "pg_load"), "-n", str(n), "--db", uri, "--variant", f"rounds={a.rounds}"]
    raise Failure(f"unknown implementation {impl!r}")


def schedstat(pid):
    """A process's time on a CPU and waiting for one (its run queue), in ms
    (/proc/PID/schedstat, nanoseconds); None when it is gone."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            on_cpu, waiting = f.read().split()[:2]
        return int(on_cpu) / 1e6, int(waiting) / 1e6
    except (OSError, ValueError):
        return None


NAN = float("nan")
RUNS = [0]


def run(server, impl, a, n):
    """Run one implementation on a fresh database.  Returns its phases in
    order: (name, rows, checksum, ms, cpu_ms, server_cpu_ms, server_wait_ms,
    client_wait_ms).  The C programs mark each phase's start and end
    (bench.h's BENCH_MARKS) and wait while the server's backend (found by
    its application_name) and the program itself are read: their CPU time
    and their time waiting for a CPU, per phase; NaN where not measured."""
    uri = server.fresh()
    cmd = command(impl, a, n, uri)
    RUNS[0] += 1
    app = f"assoc_bench_{os.getpid()}_{RUNS[0]}"
    marks_r, marks_w = os.pipe()  # the program writes its marks
    ack_r, ack_w = os.pipe()  # and waits for a byte here
    env = dict(os.environ, PGAPPNAME=app, BENCH_MARKS=f"{marks_w},{ack_r}")
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, pass_fds=(marks_w, ack_r))
        os.close(marks_w)
        os.close(ack_r)
        backend, at = None, {}
        with os.fdopen(marks_r, "r") as marks:
            count = {}
            for line in marks:
                what, name = line.split()
                if backend is None:
                    backend = server.backend(app)
                srv = schedstat(backend) if backend else None
                cli = schedstat(p.pid)
                k = count.get((what, name), 0)
                count[(what, name)] = k + 1
                at[(what, name if k == 0 else f"{name}#{k}")] = (srv, cli)
                try:
                    os.write(ack_w, b".")
                except OSError:
                    break
        os.close(ack_w)
        rc = p.wait()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if rc != 0:
        raise Failure(f"{name_of(impl)} failed (exit {rc}): {' '.join(cmd)}\n{stderr[-3000:]}")

    def delta(name, which, field):
        a0, a1 = at.get(("start", name)), at.get(("stop", name))
        if a0 is None or a1 is None or a0[which] is None or a1[which] is None:
            return NAN
        return a1[which][field] - a0[which][field]

    phases, seen = [], {}
    for line in stdout.splitlines():
        f = line.split()
        if not f or f[0] != "PHASE":
            continue
        name = f[1]
        # a program that runs a phase several times (pg_load) marks each
        # time: the k-th report goes with the k-th marks
        k = seen.get(name, 0)
        seen[name] = k + 1
        key = name if k == 0 else f"{name}#{k}"
        phases.append((name, int(f[2]), int(f[3]), float(f[4]), float(f[7]) if len(f) > 7 else NAN,
                       delta(key, 0, 0), delta(key, 0, 1), delta(key, 1, 1)))
    if not phases:
        raise Failure(f"{name_of(impl)} reported no phase:\n{stdout[-2000:]}{stderr[-2000:]}")
    print(f"  {name_of(impl):<28} N = {n:,}: {time.monotonic() - t0:7.1f} s", file=sys.stderr, flush=True)
    return phases


MS, CPU, SRV, SRV_WAIT, CLI_WAIT = 2, 3, 4, 5, 6  # fields of a phase's record, after rows and checksum


class Results:
    def __init__(self, n):
        self.n = n
        self.runs = {}  # impl -> [{phase: (rows, checksum, ms, cpu_ms, server_cpu_ms, server_wait_ms, client_wait_ms)}]

    def add(self, impl, phases):
        self.runs.setdefault(impl, []).append({p[0]: p[1:] for p in phases})

    def value(self, impl, phase, field=MS, run=None):
        """One run's figure; phase "total" sums the phases; field "work" is
        the client's CPU plus the server's."""
        r = run
        phases = PHASES if phase == "total" else [phase]
        if field == "work":
            return sum(r[p][CPU] + r[p][SRV] for p in phases)
        return sum(r[p][field] for p in phases)

    def ms(self, impl, phase, field=MS):
        return statistics.median([self.value(impl, phase, field, r) for r in self.runs[impl]])

    def best(self, impl, phase, field=MS):
        return min(self.value(impl, phase, field, r) for r in self.runs[impl])

    def paired(self, impl, base, phase, field=MS):
        """The median of impl's runs each divided by base's run of the same round."""
        pairs = zip(self.runs[impl], self.runs[base])
        return statistics.median([self.value(impl, phase, field, x) / self.value(base, phase, field, y)
                                  for x, y in pairs])

    def verify(self, phases):
        """Every run of every implementation: the same rows and checksum per phase."""
        bad = []
        ref = None
        for impl, runs in self.runs.items():
            for k, r in enumerate(runs):
                got = {p: r[p][:2] for p in phases if p in r}
                missing = [p for p in phases if p not in r]
                if missing:
                    bad.append(f"{name_of(impl)} run {k + 1}: no phase {', '.join(missing)}")
                if ref is None:
                    ref = (impl, got)
                    continue
                for p in phases:
                    if p in got and p in ref[1] and got[p] != ref[1][p]:
                        bad.append(f"{p}: {name_of(impl)} run {k + 1} has rows {got[p][0]} checksum {got[p][1]}, "
                                   f"{name_of(ref[0])} {ref[1][p][0]} / {ref[1][p][1]}")
        return bad


def fmt_ms(ms):
    if ms != ms:
        return "-"
    return f"{ms:,.1f}" if ms < 100 else f"{ms:,.0f}"


def cell(res, impl, phase, field=MS, base="raw"):
    if impl not in res.runs:
        return "-"
    ms = res.ms(impl, phase, field)
    if ms != ms:
        return "-"
    if impl == base or base not in res.runs:
        return fmt_ms(ms)
    if impl in PYTHON_IMPLS:  # one run: the ratio of medians
        return f"{fmt_ms(ms)} ({ms / res.ms(base, phase, field):.2f}x)"
    return f"{fmt_ms(ms)} ({res.paired(impl, base, phase, field):.2f}x)"


def workload(a):
    impls = [i for i in a.impls.split(",") if i]
    c_impls = [i for i in impls if i not in PYTHON_IMPLS]
    py_impls = [i for i in impls if i in PYTHON_IMPLS]
    n_sqla = a.n_sqla or a.n
    server = Server(a)
    res, res_sqla = Results(a.n), Results(n_sqla)
    try:
        if not a.socket:
            server.quiet()
        server.template()
        print(f"PostgreSQL workload at {urllib.parse.urlsplit(server.uri).netloc or 'the Unix socket'}: "
              f"N = {a.n:,}, {a.repeat} alternated runs of {', '.join(c_impls)}", file=sys.stderr)
        for _ in range(a.repeat):
            for impl in c_impls:
                res.add(impl, run(server, impl, a, a.n))
        for impl in py_impls:
            res_sqla.add(impl, run(server, impl, a, n_sqla))
        if py_impls and n_sqla != a.n:
            for impl in c_impls:  # the same N, for the checksums and the ratios
                res_sqla.add(impl, run(server, impl, a, n_sqla))
    finally:
        server.close()

    bad = res.verify(PHASES)
    if py_impls:
        bad += res_sqla.verify(PHASES)
    if bad:
        print("DISAGREEMENT between implementations:\n  " + "\n  ".join(bad))
        return 1
    if a.socket:
        print(f"PostgreSQL workload, N = {a.n:,}: {', '.join(name_of(i) for i in impls)} agree on every phase")
        return 0
    print_workload(res, res_sqla, c_impls, py_impls, a)
    if a.csv:
        write_csv(a.csv, [res, res_sqla] if py_impls and n_sqla != a.n else [res])
    missed = print_targets(res, c_impls)
    return 1 if (missed and a.strict) else 0


def table(head, rows):
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join(["---"] + ["---:"] * (len(head) - 1)) + " |")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()


def print_workload(res, res_sqla, c_impls, py_impls, a):
    cols = c_impls + py_impls
    print()
    print(f"PostgreSQL 15 over TCP on 127.0.0.1, N = {a.n:,} users"
          f"{f' (SQLAlchemy at N = {res_sqla.n:,})' if py_impls and res_sqla.n != a.n else ''}: wall-clock ms, "
          f"median of {a.repeat} alternated runs of each C program, one run of each SQLAlchemy variant; "
          "(ratio) to the libpq C: for the C programs the median of the ratios of runs made one after the other")
    print()
    rows = []
    for ph in PHASES + ["total"]:
        r = [ph, f"{res.runs[c_impls[0]][0][ph][0]:,}" if ph != "total" else ""]
        r += [cell(res_sqla if i in PYTHON_IMPLS else res, i, ph) for i in cols]
        rows.append(r)
    table(["phase", "rows"] + [name_of(i) for i in cols], rows)

    print("CPU ms, the program's and the server's together (median; ratio as above); the machine's load moves it "
          "less than the wall clock:")
    print()
    table(["phase"] + [name_of(i) for i in c_impls],
          [[ph] + [cell(res, i, ph, "work") for i in c_impls] for ph in PHASES + ["total"]])

    print("Where the time goes (medians, ms): the program's CPU / the server's CPU / the two's time waiting for "
          "a CPU that another process held; the rest of the wall clock is the round trips' latency:")
    print()
    table(["phase"] + [name_of(i) for i in c_impls],
          [[ph] + [" / ".join(fmt_ms(res.ms(i, ph, f)) for f in (CPU, SRV)) + " / " +
                   fmt_ms(res.ms(i, ph, SRV_WAIT) + res.ms(i, ph, CLI_WAIT)) for i in c_impls]
           for ph in PHASES])


def print_targets(res, c_impls):
    missed = False
    if "api" in c_impls and "raw" in c_impls:
        print(f"Target: every phase of the generated API within {TARGET_PHASE_RATIO:.2f}x of the libpq C "
              "(paired wall-clock ratio, median; best runs' ratio; CPU ratio):")
        for ph in PHASES:
            r = res.paired("api", "raw", ph)
            ok = r <= TARGET_PHASE_RATIO
            missed |= not ok
            best = res.best("api", ph) / res.best("raw", ph)
            print(f"  {ph:<20} {r:6.2f}x (best runs {best:.2f}x, CPU {res.paired('api', 'raw', ph, 'work'):.2f}x)"
                  f"  {'met' if ok else 'MISSED'}")
    if "api" in c_impls and "raw:api" in c_impls:
        print("The API against the libpq C making the API's round trips (--variant api): the library's own cost, "
              "wall clock and CPU:")
        for ph in PHASES:
            print(f"  {ph:<20} {res.paired('api', 'raw:api', ph):6.2f}x  CPU {res.paired('api', 'raw:api', ph, 'work'):.2f}x")
    print()
    return missed


def write_csv(path, results):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["n", "impl", "run", "phase", "rows", "checksum", "ms", "cpu_ms", "server_cpu_ms",
                    "server_wait_ms", "client_wait_ms"])
        for res in results:
            for impl, runs in res.runs.items():
                for k, r in enumerate(runs):
                    for ph, v in r.items():
                        w.writerow([res.n, impl, k + 1, ph, v[0], v[1]] + [f"{x:.3f}" for x in v[2:]])


# ---------------------------------------------------------------------------
# user.products for every user: the per-user loop against the batched load

def loads(a):
    n = a.n_loads or a.n
    server = Server(a)
    try:
        if not a.socket:
            server.quiet()
        server.template()
        print(f"user.products for every user, N = {n:,}, {a.rounds} rounds", file=sys.stderr)
        phases = run(server, "loads", a, n)
    finally:
        server.close()
    by = {}
    for ph, *v in phases:
        by.setdefault(ph, []).append(v)  # rows, checksum, ms, cpu, server cpu, server wait, client wait
    ref = by["loop"][0][:2]
    bad = [f"{ph}: rows {r[0]} checksum {r[1]}, loop {ref[0]} / {ref[1]}" for ph, rs in by.items() for r in rs
           if r[:2] != ref]
    if bad:
        print("DISAGREEMENT between the loads:\n  " + "\n  ".join(bad))
        return 1
    if a.socket:
        print(f"user.products, N = {n:,}: the loop and the batched loads agree")
        return 0
    print()
    print(f"user.products for every user through the API on PostgreSQL over TCP, N = {n:,} ({ref[0]:,} rows): "
          f"wall-clock ms, median of {a.rounds} rounds; speed-up over the loop (user_products per user), "
          "paired by round")
    print()
    queries = {"loop": n, "each": n, "load100": -(-n // 100), "load1000": -(-n // 100)}
    rows = []
    missed = False
    for ph in LOAD_PHASES:
        med = [statistics.median(r[f] for r in by[ph]) for f in (2, 3, 4)]
        sp = statistics.median(l[2] / x[2] for l, x in zip(by["loop"], by[ph]))
        rows.append([ph, f"{queries[ph]:,}", fmt_ms(med[0]), fmt_ms(med[1]), fmt_ms(med[2]), f"{sp:.2f}x"])
        if ph.startswith("load"):
            missed |= sp < TARGET_LOAD_SPEEDUP
    table(["how", "statements", "ms", "program CPU ms", "server CPU ms", "speed-up over the loop"], rows)
    print(f"Target: the batched load at least {TARGET_LOAD_SPEEDUP:.0f}x faster than the per-user loop: "
          f"{'MISSED' if missed else 'met'}")
    print()
    if a.csv_loads:
        os.makedirs(os.path.dirname(os.path.abspath(a.csv_loads)), exist_ok=True)
        with open(a.csv_loads, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["n", "phase", "round", "rows", "checksum", "ms", "cpu_ms", "server_cpu_ms",
                        "server_wait_ms", "client_wait_ms"])
            for ph, rs in by.items():
                for k, v in enumerate(rs):
                    w.writerow([n, ph, k + 1, v[0], v[1]] + [f"{x:.3f}" for x in v[2:]])
    return 1 if (missed and a.strict) else 0


# ---------------------------------------------------------------------------
# make test: the implementations agree on PostgreSQL

def smoke(a):
    """Checksums at a small N: the workload in every implementation, and the
    loads; "name passed failed" lines in --results, as tests/run.sh writes."""
    lines, status = [], 0
    a.n, a.n_sqla, a.n_loads, a.repeat, a.rounds = a.smoke_n, 0, 0, 1, 1
    a.impls = "raw,api,pipeline,raw:api,typical,tuned"
    a.csv = a.csv_loads = None
    a.strict = False
    checks = [("bench_pg_checksums", workload), ("bench_pg_loads", loads)]
    for name, fn in checks:
        try:
            rc = fn(a)
        except Failure as e:
            print(e)
            rc = 1
        print(f"{'ok  ' if rc == 0 else 'FAIL'} {name}", file=sys.stderr)
        lines.append(f"{name} {1 if rc == 0 else 0} {0 if rc == 0 else 1}")
        status |= rc
    if a.results:
        with open(a.results, "w") as f:
            f.write("\n".join(lines) + "\n")
    return status


def bench(a):
    """make bench-pg: the workload, then the loads, against one server."""
    rc = workload(a)
    return max(rc, loads(a))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("--bindir", default="build/bench", help="where api, pg_raw, pg_load and pg_ddl are")
        p.add_argument("--python", default="/usr/bin/python3")
        p.add_argument("--uri", default=None, help="the server (default: from the environment, over TCP)")
        p.add_argument("--socket", action="store_true", help="use $ASSOC_PG_URI, the Unix socket")
        p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")

    def workload_args(w):
        w.add_argument("--n", type=int, default=20000)
        w.add_argument("--n-sqla", type=int, default=0, help="N for the SQLAlchemy runs (default: --n)")
        w.add_argument("--repeat", type=int, default=5)
        w.add_argument("--impls", default="raw,api,pipeline,raw:api,typical,tuned")

    def loads_args(l):
        l.add_argument("--n-loads", type=int, default=0, help="N for the loads (default: --n)")
        l.add_argument("--rounds", type=int, default=3)
        l.add_argument("--csv-loads", default="build/bench/pg-loads.csv")

    b = sub.add_parser("bench")
    common(b)
    workload_args(b)
    loads_args(b)
    b.add_argument("--csv", default="build/bench/pg-results.csv")
    w = sub.add_parser("workload")
    common(w)
    workload_args(w)
    w.add_argument("--csv", default="build/bench/pg-results.csv")
    l = sub.add_parser("loads")
    common(l)
    l.add_argument("--n", type=int, default=20000)
    loads_args(l)
    s = sub.add_parser("smoke")
    common(s)
    s.add_argument("--smoke-n", type=int, default=1000)
    s.add_argument("--results", default=None)
    a = ap.parse_args()
    try:
        return {"bench": bench, "workload": workload, "loads": loads, "smoke": smoke}[a.cmd](a)
    except Failure as e:
        print(f"pg_run.py: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
