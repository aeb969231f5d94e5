"""Time the dependency figures (issue 16) on one month of a history, for several code trees in the
same run.

Each tree (`--code NAME=PATH`, a checkout of the repository) runs in its own process with
PYTHONPATH=PATH, in turn, `--rounds` times; each process times, on the month, action_figures,
action_dependencies, department_dependencies, dependency_kpi and initiatives (best of `--repeat`
after a first call; wall clock, and the CPU time of the process's threads) and prints the 1-minute
load average beside each, since the machine may be shared: under load the CPU time compares
better. A process that runs past `--timeout` seconds is stopped and reported as such.

The history: tools/history.py's (`python -m tools.history PATH`; 100 departments: 17,000 actions a
month, ~1M rows), which gives dependencies and initiatives to some actions.

Run: python benchmarks/dependencies.py DB --code before=/tmp/old --code after=. [--month 2025-12]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

CALLS = ("action_figures", "action_dependencies", "department_dependencies", "dependency_kpi",
         "initiatives")


def child(path: str, month: str, repeat: int, call: str) -> None:
    """Time one call in this process; print it as one JSON line."""
    sys.path.remove(str(Path(__file__).resolve().parent))  # benchmarks/ingest.py is not `ingest`
    from ingest.db import connect
    from metrics.filters import Filters

    # by name: a tree without metrics.dependencies can still time action_figures
    module = "metrics.actions" if call == "action_figures" else "metrics.dependencies"
    function = getattr(importlib.import_module(module), call)
    con = connect(path, read_only=True)
    filters = Filters(month)
    load = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    out = function(con, filters)
    first = time.perf_counter() - start
    best, best_cpu = first, time.process_time() - cpu
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        function(con, filters)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(json.dumps({"call": call, "first_s": first, "best_s": best, "cpu_s": best_cpu,
                      "rows": len(out), "load": load}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--code", action="append", required=True, help="NAME=PATH of a code tree")
    parser.add_argument("--month", default="2025-12")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--calls", default=",".join(CALLS), help="which calls, comma-separated")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.month, args.repeat, args.child)
        return
    import duckdb

    print(f"{args.db}, month {args.month}, DuckDB {duckdb.__version__}")
    print(f"{'code':<10} {'call':<24} {'first s':>8} {'best s':>8} {'cpu s':>8} {'rows':>7} {'load':>6}")
    for _ in range(args.rounds):
        for call in args.calls.split(","):
            for spec in args.code:
                name, tree = spec.split("=", 1)
                print(f"{name:<10} {call:<24} {run(args, tree, call)}", flush=True)


def run(args: argparse.Namespace, tree: str, call: str) -> str:
    """One call timed in its own process with PYTHONPATH=tree: its figures as a table's cells."""
    env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve())}
    command = [sys.executable, __file__, args.db, "--code", "x=" + tree, "--month", args.month,
               "--repeat", str(args.repeat), "--child", call]
    try:
        out = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True,
                             timeout=args.timeout, check=True).stdout
    except subprocess.TimeoutExpired:
        return f"{'> ' + str(int(args.timeout)):>8} {'':>8} {'':>8} {'':>7} {os.getloadavg()[0]:6.1f}"
    r = json.loads(out.splitlines()[-1])
    return (f"{r['first_s']:8.2f} {r['best_s']:8.2f} {r['cpu_s']:8.2f} {r['rows']:7} "
            f"{r['load']:6.1f}")


if __name__ == "__main__":
    main()
