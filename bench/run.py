"""run.py - run the assocgen benchmarks and report them.

    run.py workload  [--n N] [--n-sqla N] [--repeat R] ...   the ORM workload, four implementations
    run.py instructions [--n 10000] ...                      the same, C only, counted by callgrind
    run.py memory    [--sizes 10000,1000000] ...             peak RSS of the generated-API run per phase
    run.py generator [--sizes 100,1000,10000] ...            assocgen's time and memory on synthetic schemas

Every implementation prints bench.h's report (PHASE name rows checksum ms
peak_kB start_kB, then PEAK kB); this script checks that all of them agree
on every phase's row count and checksum -- and exits 1 if they do not --
then prints the tables, writes CSV files and, for the workload, a gnuplot
chart.  Only the Python standard library is used.
"""

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PHASES = ["insert", "user_products", "product_users", "user_orders_product", "delete"]
IMPLS = {
    "raw": "hand-written C",
    "api": "generated API",
    "api-owned": "API, owned loads",
    "typical": "SQLAlchemy typical",
    "tuned": "SQLAlchemy tuned",
}
TARGET_PHASE_RATIO = 1.05  # generated API vs hand-written C, every phase (issue 13)
TARGET_TYPICAL = 45.0  # whole workload, SQLAlchemy typical / generated API
TARGET_TUNED = 15.0  # whole workload, SQLAlchemy tuned / generated API
TARGET_SCALE = 1.3  # time per row of each phase, largest N / the N before it (memory, the scale runs)
TARGET_GEN_GROWTH = 1.5  # assocgen time per model, 10,000 models / 1,000 models


def fmt_int(n):
    return f"{n:,}"


def fmt_ms(ms):
    return f"{ms:,.1f}"


class Failure(Exception):
    pass


# ---------------------------------------------------------------------------
# running the implementations

def fresh_db(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def command(impl, a, n, db):
    # make bench-memory BENCH_MEM_CACHE_KIB=K: both C programs with a page
    # cache of K KiB instead of their 64 MiB.
    cache = getattr(a, "cache_now", 0)
    if impl == "raw":
        cmd = [os.path.join(a.bindir, "raw"), "-n", str(n), "--db", db, "--schema", a.schema]
        return cmd + ["--variant", f"cache_size=-{cache}"] if cache else cmd
    if impl == "api":
        cmd = [os.path.join(a.bindir, "api"), "-n", str(n), "--db", db]
        return cmd + ["--variant", f"cache_kib={cache}"] if cache else cmd
    if impl == "api-owned":  # order.product through order_product, a record of its own
        return [os.path.join(a.bindir, "api"), "-n", str(n), "--db", db, "--variant", "owned"]
    return [a.python, os.path.join(HERE, "sqla.py"), "--variant", impl, "-n", str(n), "--db", db, "--schema", a.schema]


def run_impl(impl, a, n, db):
    """One run on a fresh database: {phase: (rows, checksum, ms, peak_kb, start_kb, cpu_ms)}, peak_kb, seconds."""
    fresh_db(db)
    cmd = command(impl, a, n, db)
    env = dict(os.environ, SQLALCHEMY_SILENCE_UBER_WARNING="1")
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - t0
    fresh_db(db)
    if p.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr.strip()}")
    if p.stderr.strip():
        sys.stderr.write(p.stderr)
    phases, peak = {}, -1
    for line in p.stdout.splitlines():
        f = line.split()
        if f and f[0] == "PHASE":
            start = int(f[6]) if len(f) > 6 else -1
            cpu = float(f[7]) if len(f) > 7 else float("nan")
            phases[f[1]] = (int(f[2]), int(f[3]), float(f[4]), int(f[5]), start, cpu)
        elif f and f[0] == "PEAK":
            peak = int(f[1])
    if list(phases) != PHASES:
        raise Failure(f"{' '.join(cmd)}: expected phases {PHASES}, got {list(phases)}\n{p.stdout}")
    return phases, peak, wall


class Results:
    """All runs at one N: runs[impl] = list of (phases, peak)."""

    def __init__(self, n):
        self.n = n
        self.runs = {}

    def add(self, impl, phases, peak):
        self.runs.setdefault(impl, []).append((phases, peak))

    def impls(self):
        return [i for i in IMPLS if i in self.runs]

    def ms(self, impl, phase, how=statistics.median):
        return how([r[0][phase][2] for r in self.runs[impl]])

    def cpu(self, impl, phase, how=statistics.median):
        return how([r[0][phase][5] for r in self.runs[impl]])

    def paired(self, impl, phase):
        """The median of the per-run ratios to the hand-written C: run k of
        impl ran right after run k of raw, so a drift in the machine's speed
        between runs falls on both sides of each ratio."""
        mine, base = self.runs[impl], self.runs["raw"]
        return statistics.median(mine[k][0][phase][2] / base[k][0][phase][2] for k in range(min(len(mine), len(base))))

    def total(self, impl, how=statistics.median):
        # The median of the per-run totals, not the sum of medians.
        return how([sum(r[0][p][2] for p in PHASES) for r in self.runs[impl]])

    def rows(self, phase):
        return self.runs["raw"][0][0][phase][0]

    def checksum(self, phase):
        return self.runs["raw"][0][0][phase][1]

    def peak(self, impl):
        return max(r[1] for r in self.runs[impl])

    def verify(self):
        """Every run of every implementation agrees with the first run of the hand-written C."""
        bad = []
        for impl in self.impls():
            for k, (phases, _) in enumerate(self.runs[impl]):
                for ph in PHASES:
                    want = (self.rows(ph), self.checksum(ph))
                    got = phases[ph][:2]
                    if got != want:
                        bad.append(f"  N={self.n} {IMPLS[impl]} run {k + 1} phase {ph}: rows {got[0]} checksum {got[1]};"
                                   f" hand-written C: rows {want[0]} checksum {want[1]}")
        return bad


# ---------------------------------------------------------------------------
# instructions: callgrind's count per phase, which the machine's load does
# not change

def callgrind_phases(binary, a, outdir, tag):
    """Run binary (built with -DBENCH_CALLGRIND) under callgrind on a fresh
    database: {phase: instructions}, from the dump it makes per phase."""
    db = os.path.join(outdir, f"{tag}.db")
    fresh_db(db)
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={outdir}/cg.{tag}.%p", binary,
           "-n", str(a.n), "--db", db]
    if tag == "raw":
        cmd += ["--schema", a.schema]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fresh_db(db)
    if p.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr.strip()[-2000:]}")
    counts = {}
    for name in os.listdir(outdir):
        if not name.startswith(f"cg.{tag}."):
            continue
        phase, total = None, None
        with open(os.path.join(outdir, name)) as f:
            for line in f:
                if line.startswith("desc: Trigger: Client Request: "):
                    phase = line.split(": ")[-1].strip()
                elif line.startswith("summary: "):
                    total = int(line.split()[1])
        if phase in PHASES and total is not None:
            counts[phase] = total
    if sorted(counts) != sorted(PHASES):
        raise Failure(f"{binary}: callgrind dumps for {sorted(counts)}, expected {PHASES}")
    return counts


def instructions(a):
    if shutil.which("valgrind") is None:
        raise Failure("valgrind not found (make deps installs it)")
    out = tempfile.mkdtemp(prefix="assocgen-cg-", dir=a.tmpdir)
    try:
        raw = callgrind_phases(os.path.join(a.bindir, "raw-cg"), a, out, "raw")
        api = callgrind_phases(os.path.join(a.bindir, "api-cg"), a, out, "api")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"\nN = {fmt_int(a.n)} -- instructions per phase (callgrind), generated API against hand-written C")
    print(f"{'phase':<20} {'hand-written C':>16} {'generated API':>16} {'ratio':>7}")
    ok = True
    os.makedirs(os.path.dirname(os.path.abspath(a.csv)), exist_ok=True)
    with open(a.csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["n", "phase", "raw_instructions", "api_instructions", "ratio"])
        for ph in PHASES + ["total"]:
            r_i = sum(raw.values()) if ph == "total" else raw[ph]
            a_i = sum(api.values()) if ph == "total" else api[ph]
            ratio = a_i / r_i
            if ph != "total":
                ok &= ratio <= TARGET_PHASE_RATIO
            print(f"{ph:<20} {fmt_int(r_i):>16} {fmt_int(a_i):>16} {ratio:6.3f}x")
            w.writerow([a.n, ph, r_i, a_i, f"{ratio:.4f}"])
    print(f"\nwrote {a.csv}")
    print(f"every phase within {TARGET_PHASE_RATIO:.2f}x in instructions: {'ok' if ok else 'MISSED'}")
    if a.strict and not ok:
        print("FAIL: a target was missed (--strict)")
        return 1
    return 0


# ---------------------------------------------------------------------------
# workload

def workload(a):
    impls_main = [i for i in a.impls.split(",") if i]
    for i in impls_main:
        if i not in IMPLS:
            raise Failure(f"unknown implementation {i!r} (choose from {', '.join(IMPLS)})")
    if "raw" not in impls_main:
        impls_main.insert(0, "raw")
    c_impls = [i for i in impls_main if i in ("raw", "api", "api-owned")]
    py_impls = [i for i in impls_main if i in ("typical", "tuned")]
    n_sqla = a.n_sqla or a.n
    tmp = tempfile.mkdtemp(prefix="assocgen-bench-", dir=a.tmpdir)
    db = os.path.join(tmp, "bench.db")
    results = {}
    try:
        plan = [(a.n, c_impls, a.repeat, [])]
        if py_impls:
            if n_sqla == a.n:
                plan[0] = (a.n, c_impls, a.repeat, py_impls)
            else:
                plan.append((n_sqla, c_impls, a.repeat, py_impls))
        print(f"database: one file, {db}, fresh for every run (journal_mode=WAL, synchronous=NORMAL, foreign_keys=ON;"
              " generated API: assoc_open()'s settings; hand-written C: its own, see bench/raw.c;"
              " SQLAlchemy: temp_store=MEMORY)")
        for n, cs, reps, pys in plan:
            res = results.setdefault(n, Results(n))
            # The C programs alternate, so that drift in the machine's load
            # (other processes, the page cache) falls on both alike.
            for r in range(reps):
                for impl in cs:
                    phases, peak, wall = run_impl(impl, a, n, db)
                    res.add(impl, phases, peak)
                    print(f"  N={fmt_int(n)} {IMPLS[impl]:<20} run {r + 1}/{reps}: {wall:7.2f} s", flush=True)
            for impl in pys:
                phases, peak, wall = run_impl(impl, a, n, db)
                res.add(impl, phases, peak)
                print(f"  N={fmt_int(n)} {IMPLS[impl]:<20} run 1/1: {wall:7.2f} s", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    bad = []
    for res in results.values():
        bad += res.verify()
    for res in results.values():
        print_workload_table(res, a)
    write_workload_csv(results, a.csv)
    print(f"\nwrote {a.csv}")
    ok_targets = print_targets(results, a)
    if a.chart:
        chart(results, a)
    if bad:
        print("\nFAIL: the implementations disagree:\n" + "\n".join(bad))
        return 1
    print("\nchecksums: every implementation agrees on every phase (rows and checksum)")
    if a.strict and not ok_targets:
        print("FAIL: a target was missed (--strict)")
        return 1
    return 0


def print_workload_table(res, a):
    n = res.n
    impls = res.impls()
    reps = {i: len(res.runs[i]) for i in impls}
    print(f"\nN = {fmt_int(n)} users, {fmt_int(n // 10)} products, {fmt_int(10 * n)} orders"
          f" -- milliseconds ({'median of ' + str(reps['raw']) + ' runs' if reps['raw'] > 1 else '1 run'} for C,"
          f" 1 run for Python) and ratio to the hand-written C")
    head = f"{'phase':<20} {'rows':>10} {'checksum':>20}"
    for i in impls:
        head += f" | {IMPLS[i]:>{22 if i != 'raw' else 14}}"
    print(head)
    print("-" * len(head))
    for ph in PHASES + ["total"]:
        if ph == "total":
            line = f"{'total':<20} {'':>10} {'':>20}"
            base = res.total("raw")
        else:
            line = f"{ph:<20} {fmt_int(res.rows(ph)):>10} {res.checksum(ph):>20}"
            base = res.ms("raw", ph)
        for i in impls:
            ms = res.total(i) if ph == "total" else res.ms(i, ph)
            if i == "raw":
                line += f" | {fmt_ms(ms):>14}"
            else:
                line += f" | {fmt_ms(ms):>14} {ms / base:6.2f}x"
        print(line)
    line = f"{'peak RSS (MB)':<20} {'':>10} {'':>20}"
    for i in impls:
        mb = res.peak(i) / 1024
        line += f" | {mb:>14.1f}" if i == "raw" else f" | {mb:>14.1f} {'':>7}"
    print(line)
    if "api" in impls:
        if reps.get("api", 0) > 1:
            best = ", ".join(f"{ph} {res.ms('api', ph, min) / res.ms('raw', ph, min):.2f}x" for ph in PHASES)
            print(f"generated API / hand-written C, best run of each:  {best}")
        cpu = ", ".join(f"{ph} {res.cpu('api', ph) / res.cpu('raw', ph):.2f}x" for ph in PHASES)
        print(f"generated API / hand-written C, CPU time (median): {cpu}")
        if reps.get("api", 0) > 1:
            paired = ", ".join(f"{ph} {res.paired('api', ph):.2f}x" for ph in PHASES)
            print(f"generated API / hand-written C, paired runs (median of the per-run ratios): {paired}")


def write_workload_csv(results, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["n", "implementation", "phase", "rows", "checksum", "ms_median", "ms_min", "ms_max",
                    "runs", "ratio_to_hand_c", "peak_rss_kb", "cpu_ms_median"])
        for n, res in sorted(results.items()):
            for i in res.impls():
                for ph in PHASES + ["total"]:
                    if ph == "total":
                        vals = [sum(r[0][p][2] for p in PHASES) for r in res.runs[i]]
                        cpus = [sum(r[0][p][5] for p in PHASES) for r in res.runs[i]]
                        rows = sum(res.rows(p) for p in PHASES)
                        cs = ""
                        base = res.total("raw")
                        peak = res.peak(i)
                    else:
                        vals = [r[0][ph][2] for r in res.runs[i]]
                        cpus = [r[0][ph][5] for r in res.runs[i]]
                        rows, cs, base = res.rows(ph), res.checksum(ph), res.ms("raw", ph)
                        peak = max(r[0][ph][3] for r in res.runs[i])
                    med = statistics.median(vals)
                    w.writerow([n, i, ph, rows, cs, f"{med:.3f}", f"{min(vals):.3f}", f"{max(vals):.3f}",
                                len(vals), f"{med / base:.4f}", peak, f"{statistics.median(cpus):.3f}"])


def print_targets(results, a):
    ok = True
    print("\ntargets:")
    main = results[a.n]
    if "api" in main.runs:
        # The paired ratio: each run of the API against the hand-written
        # run just before it, the median of those (see Results.paired).
        over = []
        for ph in PHASES:
            r = main.paired("api", ph)
            mark = "ok" if r <= TARGET_PHASE_RATIO else "MISSED"
            ok &= r <= TARGET_PHASE_RATIO
            over.append(f"{ph} {r:.2f}x {mark}")
        print(f"  generated API within {TARGET_PHASE_RATIO:.2f}x of hand-written C on every phase (N={fmt_int(a.n)},"
              f" paired runs):")
        print("    " + ", ".join(over))
    for impl, target in (("typical", TARGET_TYPICAL), ("tuned", TARGET_TUNED)):
        for n, res in sorted(results.items()):
            if impl in res.runs and "api" in res.runs:
                r = res.total(impl) / res.total("api")
                met = r >= target
                ok &= met
                print(f"  whole workload, generated API vs {IMPLS[impl]} (N={fmt_int(n)}): {r:.1f}x faster"
                      f" (target {target:.0f}x) {'ok' if met else 'MISSED'}")
    return ok


def chart(results, a):
    if shutil.which("gnuplot") is None:
        print(f"gnuplot not found: no chart written ({a.chart})")
        return
    # The N with the most implementations; the main N on a tie.
    n = max(results, key=lambda k: (len(results[k].runs), k == a.n))
    res = results[n]
    impls = res.impls()
    work = os.path.dirname(os.path.abspath(a.csv))
    dat = os.path.join(work, "chart.dat")
    with open(dat, "w") as f:
        f.write("# phase " + " ".join(impls) + "\n")
        for ph in PHASES + ["total"]:
            vals = [res.total(i) if ph == "total" else res.ms(i, ph) for i in impls]
            label = ph.replace("_", " ")
            if "api" in impls:
                api = vals[impls.index("api")] / vals[0]
                label += f"\\nAPI {api:.2f}x C"
            f.write(f'"{label}" ' + " ".join(f"{v:.3f}" for v in vals) + "\n")
    colors = {"raw": "#4c72b0", "api": "#55a868", "api-owned": "#8172b3", "typical": "#c44e52", "tuned": "#dd8452"}
    plots = []
    for k, i in enumerate(impls):
        src = f"'{dat}'" if k == 0 else "''"
        xt = ":xtic(1)" if k == 0 else ""
        plots.append(f"{src} using {k + 2}{xt} title '{IMPLS[i]}' lc rgb '{colors[i]}'")
    gp = os.path.join(work, "chart.gp")
    chart_path = os.path.abspath(a.chart)
    with open(gp, "w") as f:
        f.write(f"""set terminal svg size 960,540 dynamic font 'sans,12' background rgb 'white'
set termoption noenhanced
set output '{chart_path}'
set title "assocgen benchmark: N = {fmt_int(n)} users, {fmt_int(n // 10)} products, {fmt_int(10 * n)} orders (lower is better)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set logscale y 10
set format y "%.0f"
set ylabel "milliseconds (log scale)"
set grid ytics mytics
set key outside bottom center horizontal
set xtics nomirror
set bmargin 7
set ytics nomirror
plot {", ".join(plots)}
""")
    p = subprocess.run(["gnuplot", gp], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise Failure(f"gnuplot failed:\n{p.stdout}")
    print(f"wrote {a.chart} (N={fmt_int(n)})")


# ---------------------------------------------------------------------------
# memory

def memory(a):
    """The scale test once for each page cache of --cache-kib (0: the
    programs' own 64 MiB): both C programs at each N, alternating."""
    caches = [int(c) for c in str(a.cache_kib).split(",")]
    rows, ok = [], True
    for cache in caches:
        a.cache_now = cache
        what = "64 MiB, the programs' own" if cache == 0 else f"{fmt_int(cache)} KiB"
        print(f"\n=== page cache: {what} (both programs) ===", flush=True)
        ok &= memory_at(a, cache, rows)
    os.makedirs(os.path.dirname(os.path.abspath(a.csv)), exist_ok=True)
    with open(a.csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cache_kib", "n", "implementation", "phase", "peak_rss_kb", "start_rss_kb", "growth_kb"])
        w.writerows(rows)
    print(f"wrote {a.csv}")
    return 0 if ok else 1


def memory_at(a, cache, rows):
    """One scale test with the page cache `cache` KiB (0: the programs' own):
    its tables printed, its CSV rows appended to rows; False on a failure."""
    sizes = [int(s) for s in a.sizes.split(",")]
    tmp = tempfile.mkdtemp(prefix="assocgen-bench-", dir=a.tmpdir)
    db = os.path.join(tmp, "bench.db")
    runs = {}
    try:
        for n in sizes:
            res = Results(n)
            for r in range(a.repeat):
                for impl in ("raw", "api"):
                    phases, peak, wall = run_impl(impl, a, n, db)
                    res.add(impl, phases, peak)
                    print(f"  N={fmt_int(n)} {IMPLS[impl]:<20} run {r + 1}/{a.repeat}: {wall:7.2f} s", flush=True)
            runs[n] = res
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    bad = []
    for res in runs.values():
        bad += res.verify()
    scale_ok = scale_table(runs, sizes)

    print("\nPeak RSS of the generated-API run, per phase (MB): the peak during the phase, and its growth"
          " over the RSS the phase started with")
    head = f"{'phase':<20}"
    for n in sizes:
        head += f" | {'N=' + fmt_int(n) + ' peak':>18} {'growth':>8}"
    print(head)
    print("-" * len(head))
    for ph in PHASES:
        line = f"{ph:<20}"
        for n in sizes:
            _, _, _, peak, start, _ = runs[n].runs["api"][0][0][ph]
            line += f" | {peak / 1024:>18.1f} {(peak - start) / 1024:>8.1f}"
            rows.append([cache, n, "api", ph, peak, start, peak - start])
        print(line)
    line = f"{'whole run':<20}"
    for n in sizes:
        line += f" | {runs[n].peak('api') / 1024:>18.1f} {'':>8}"
        rows.append([cache, n, "api", "whole_run", runs[n].peak("api"), "", ""])
    print(line)
    line = f"{'(hand-written C)':<20}"
    for n in sizes:
        line += f" | {runs[n].peak('raw') / 1024:>18.1f} {'':>8}"
        rows.append([cache, n, "raw", "whole_run", runs[n].peak("raw"), "", ""])
    print(line)
    # Flat: the _each phases grow by no more at the largest N than at the smallest, within 1 MB.
    lo, hi = sizes[0], sizes[-1]
    flat = True
    for ph in ("user_products", "product_users", "user_orders_product"):
        g_lo = max(r[0][ph][3] - r[0][ph][4] for r in runs[lo].runs["api"])
        g_hi = max(r[0][ph][3] - r[0][ph][4] for r in runs[hi].runs["api"])
        ok = g_hi <= g_lo + 1024
        flat &= ok
        print(f"  streaming phase {ph}: growth {g_lo / 1024:.1f} MB at N={fmt_int(lo)}, {g_hi / 1024:.1f} MB at"
              f" N={fmt_int(hi)}: {'flat' if ok else 'NOT FLAT'}")
    if bad:
        print("\nFAIL: the implementations disagree:\n" + "\n".join(bad))
        return False
    if a.strict and not (flat and scale_ok):
        print("FAIL: memory of the streaming phases is not flat, or a phase's time per row grew more than"
              f" {TARGET_SCALE}x (--strict)")
        return False
    return True


def scale_table(runs, sizes):
    """Time per row of each phase at each N (median of the runs), and its
    growth from each N to the next: the scale test (target TARGET_SCALE)."""
    print("\nTime per row (microseconds, median of the runs) at each N, and its growth from the N before")
    head = f"{'phase':<26}"
    for n in sizes:
        head += f" | {'N=' + fmt_int(n):>12} {'':>7}"
    head += " | " + " ".join(f"{'API/C N=' + fmt_int(n):>16}" for n in sizes)
    print(head)
    print("-" * len(head))
    ok = True
    for impl in ("raw", "api"):
        for ph in PHASES:
            line = f"{ph + (' (C)' if impl == 'raw' else ' (API)'):<26}"
            prev = None
            for n in sizes:
                res = runs[n]
                us = res.ms(impl, ph) * 1000 / res.rows(ph)
                grow = f"{us / prev:6.2f}x" if prev else f"{'':>7}"
                if prev and us / prev > TARGET_SCALE:
                    ok = False
                line += f" | {us:>12.3f} {grow}"
                prev = us
            if impl == "api":
                line += " | " + " ".join(f"{runs[n].paired('api', ph):>15.2f}x" for n in sizes)
            print(line)
    print(f"  time per row from each N to the next within {TARGET_SCALE}x: {'ok' if ok else 'MISSED'}")
    return ok


# ---------------------------------------------------------------------------
# generator

def timed(cmd, **kw):
    """Run cmd: (wall seconds, CPU seconds, peak RSS kB of the child, exit code, output)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stdout.close()
    return secs, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode, out.decode(errors="replace")


def generator(a):
    sizes = [int(s) for s in a.sizes.split(",")]
    tmp = tempfile.mkdtemp(prefix="assocgen-synth-", dir=a.tmpdir)
    rows = []
    ok = True
    try:
        res = {}
        for num in sizes:
            src = os.path.join(tmp, f"synth{num}.def")
            with open(src, "w") as f:
                subprocess.run([a.python, os.path.join(HERE, "synth.py"), str(num)], stdout=f, check=True)
            times, cpus, peaks = [], [], []
            for _ in range(a.repeat):
                out = os.path.join(tmp, f"out{num}")
                shutil.rmtree(out, ignore_errors=True)
                secs, cpu, kb, rc, text = timed([a.assocgen, "-o", out, src])
                if rc != 0:
                    raise Failure(f"assocgen failed on {num} models (exit {rc}):\n{text[:4000]}")
                times.append(secs)
                cpus.append(cpu)
                peaks.append(kb)
            outputs = {ext: os.path.getsize(os.path.join(out, f"synth{num}.{ext}")) for ext in ("h", "c", "sql")}
            with open(os.path.join(out, f"synth{num}.c"), "rb") as f:
                lines = sum(1 for _ in f)
            res[num] = (min(times), max(peaks), outputs, lines, os.path.getsize(src), min(cpus))
        print(f"\nassocgen on synthetic schemas (bench/synth.py): best of {a.repeat} runs, fresh output directory each")
        head = (f"{'models':>8} {'.def KB':>9} {'time ms':>9} {'us/model':>9} {'CPU ms':>9} {'peak MB':>8}"
                f" {'KB/model':>9} {'.c lines':>11} {'.c MB':>7} {'.h MB':>6}")
        print(head)
        print("-" * len(head))
        for num in sizes:
            secs, kb, outs, lines, srcsize, cpu = res[num]
            print(f"{fmt_int(num):>8} {srcsize / 1024:>9.0f} {secs * 1e3:>9.1f} {secs * 1e6 / num:>9.1f}"
                  f" {cpu * 1e3:>9.1f} {kb / 1024:>8.1f} {kb / num:>9.1f} {fmt_int(lines):>11}"
                  f" {outs['c'] / 2**20:>7.1f} {outs['h'] / 2**20:>6.1f}")
            rows.append([num, srcsize, f"{secs * 1e3:.3f}", f"{secs * 1e6 / num:.3f}", f"{cpu * 1e3:.3f}", kb, lines,
                         outs["c"], outs["h"], outs["sql"]])
        if 1000 in res and 10000 in res:
            g = (res[10000][0] / 10000) / (res[1000][0] / 1000)
            ok &= g <= TARGET_GEN_GROWTH
            gc = (res[10000][5] / 10000) / (res[1000][5] / 1000)
            print(f"  time per model, 10,000 models / 1,000 models: {g:.2f}x (CPU time: {gc:.2f}x)"
                  f" (target at most {TARGET_GEN_GROWTH:.1f}x) {'ok' if g <= TARGET_GEN_GROWTH else 'MISSED'}")
            gm = (res[10000][1] / 10000) / (res[1000][1] / 1000)
            print(f"  peak memory per model, 10,000 models / 1,000 models: {gm:.2f}x")
        # The largest output must compile (as C11 with the project's warnings).
        if not a.no_compile:
            num = max(sizes)
            out = os.path.join(tmp, f"out{num}")
            cmd = [a.cc] + a.cflags.split() + ["-I" + a.runtime, "-c", "-o", os.path.join(tmp, "synth.o"),
                                               os.path.join(out, f"synth{num}.c")]
            print(f"  compiling the {fmt_int(num)}-model output: {' '.join(cmd)}", flush=True)
            secs, cpu, kb, rc, text = timed(cmd)
            if rc != 0:
                print(text[:4000])
                print(f"  FAIL: the {fmt_int(num)}-model output does not compile (exit {rc})")
                ok = False
                compiled = False
            else:
                print(f"  the {fmt_int(num)}-model output compiles: {secs:.1f} s ({cpu:.1f} s CPU), cc peak"
                      f" {kb / 1024:.0f} MB")
                compiled = True
            rows.append([f"compile {num}", "", f"{secs * 1e3:.3f}", "", f"{cpu * 1e3:.3f}", kb, "", "", "",
                         "ok" if compiled else "FAILED"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.dirname(os.path.abspath(a.csv)), exist_ok=True)
    with open(a.csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["models", "def_bytes", "ms", "us_per_model", "cpu_ms", "peak_rss_kb", "c_lines", "c_bytes",
                    "h_bytes", "sql_bytes"])
        w.writerows(rows)
    print(f"wrote {a.csv}")
    if not ok and (a.strict or any(r[-1] == "FAILED" for r in rows)):
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p, csv_name):
        p.add_argument("--bindir", default="build/bench", help="where raw and api are (default build/bench)")
        p.add_argument("--schema", default="build/bench/gen/models.sql", help="the generated DDL")
        p.add_argument("--python", default="/usr/bin/python3")
        p.add_argument("--tmpdir", default=None, help="where the database goes (default: the system's)")
        p.add_argument("--csv", default=os.path.join("build/bench", csv_name))
        p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")

    w = sub.add_parser("workload")
    common(w, "results.csv")
    w.add_argument("--n", type=int, default=100000)
    w.add_argument("--n-sqla", type=int, default=0, help="N for the SQLAlchemy runs (default: --n)")
    w.add_argument("--repeat", type=int, default=5, help="runs of each C program (median taken)")
    w.add_argument("--impls", default="raw,api,typical,tuned")
    w.add_argument("--chart", default=os.path.join(HERE, "results.svg"))

    i = sub.add_parser("instructions")
    common(i, "instructions.csv")
    i.add_argument("--n", type=int, default=10000)

    m = sub.add_parser("memory")
    common(m, "memory.csv")
    m.add_argument("--sizes", default="100000,1000000")
    m.add_argument("--repeat", type=int, default=1, help="runs of each program at each N, alternating")
    m.add_argument("--cache-kib", default="0", help="comma list: the page caches in KiB, both C programs, one scale"
                   " test each (0: their own 64 MiB)")

    g = sub.add_parser("generator")
    common(g, "generator.csv")
    g.add_argument("--sizes", default="100,1000,10000")
    g.add_argument("--repeat", type=int, default=3)
    g.add_argument("--assocgen", default="build/assocgen")
    g.add_argument("--cc", default="cc")
    g.add_argument("--cflags", default="-std=c11 -Wall -Wextra -Wpedantic -Werror -O0")
    g.add_argument("--runtime", default="runtime", help="where assoc.h is")
    g.add_argument("--no-compile", action="store_true")

    a = ap.parse_args()
    try:
        return {"workload": workload, "instructions": instructions, "memory": memory,
                "generator": generator}[a.cmd](a)
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
