#!/usr/bin/env python3
"""Data-parallel training throughput: `lipt-run --nproc N` for N = 1, 2, ...
on one model (issue 14's benchmark; not a test).

Every run trains the same model, data and steps from scratch; the
one-process run (no --nproc) is the baseline measured in the same
invocation. Runs alternate over --reps repetitions, so machine noise hits
every world size. The total CPU threads stay fixed (--threads): N workers get
threads/N each, so on a 2-core machine the comparison is of splitting the
same cores between processes, not of adding hardware. With
--threads-per-worker K every worker, and the one process, gets K threads:
then each rank's optimizer time against the one process's shows the split
of the optimizer's work.

    bench/bench-data-parallel.py [--model examples/shakespeare-cpu.mlir]
        [--nproc 1,2] [--steps 30] [--reps 2] [--threads 2]
        [--threads-per-worker K] [--data PATH] [--json FILE]

Prints tokens/s per world size and its ratio to one process, and each
rank's optimizer time per step (report.json's `ranks`): with the leaves
split across ranks by cost, each rank's optimizer time is about 1/N of the
one-process time.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(model, nproc, steps, threads, per_worker, data, out):
    cmd = [os.path.join(ROOT, "build/bin/lipt-run"), model, "--out", out,
           "--steps", str(steps)]
    each = per_worker or max(1, threads // nproc)
    if nproc > 1:
        cmd += ["--nproc", str(nproc)]
    cmd += ["--cpu-threads", str(each)]
    if data:
        cmd += ["--data", data]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    report = json.load(open(os.path.join(out, "report.json")))
    ranks = report.get("ranks") or [{
        "rank": 0, "optimizer_ms_per_step": report["optimizer_ms_per_step"],
        "communication_ms_per_step": 0.0, "leaves": ["all"]}]
    return report["tokens_per_s"], report["step_ms"], ranks


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(ROOT, "examples/shakespeare-cpu.mlir"))
    p.add_argument("--nproc", default="1,2")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--threads-per-worker", type=int, default=0,
                   help="give every worker (and the one process) this many "
                   "threads instead of splitting --threads: each rank then "
                   "runs its share of the optimizer on the same threads as "
                   "the one process, so its time shows the 1/N split")
    p.add_argument("--data")
    p.add_argument("--json", help="also write the results here")
    a = p.parse_args()
    sizes = [int(n) for n in a.nproc.split(",")]
    if 1 not in sizes:
        sizes.insert(0, 1)  # the baseline
    best = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(a.reps):
            for n in sizes:
                out = os.path.join(tmp, f"n{n}-{rep}")
                tps, step_ms, ranks = run(a.model, n, a.steps, a.threads,
                                        a.threads_per_worker, a.data, out)
                opt = " ".join(f"r{r['rank']} {r['optimizer_ms_per_step']:.1f}"
                               for r in ranks)
                print(f"rep {rep} nproc {n}: {tps:8.0f} tokens/s, step {step_ms:6.1f} ms, "
                      f"optimizer ms/step per rank: {opt}", flush=True)
                if n not in best or tps > best[n]["tokens_per_s"]:
                    best[n] = {"nproc": n, "tokens_per_s": tps, "step_ms": step_ms,
                               "ranks": ranks}
    base = best[1]
    base_opt = base["ranks"][0]["optimizer_ms_per_step"]
    print("\nbest of each (ratios against one process, same run):")
    for n in sizes:
        b = best[n]
        worst_rank = max(r["optimizer_ms_per_step"] for r in b["ranks"])
        comm = max(r.get("communication_ms_per_step", 0.0) for r in b["ranks"])
        b["tokens_ratio"] = b["tokens_per_s"] / base["tokens_per_s"]
        b["optimizer_ratio"] = worst_rank / base_opt
        print(f"nproc {n}: {b['tokens_per_s']:.0f} tokens/s ({b['tokens_ratio']:.2f}x), "
              f"slowest rank's optimizer {worst_rank:.1f} ms/step "
              f"({b['optimizer_ratio']:.2f}x of one process's {base_opt:.1f} ms), "
              f"communication up to {comm:.1f} ms/step")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"model": a.model, "steps": a.steps, "threads": a.threads,
                       "threads_per_worker": a.threads_per_worker,
                       "runs": [best[n] for n in sizes]}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
