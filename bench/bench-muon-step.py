#!/usr/bin/env python3
"""lipt's optimizer step against its reference and against the peer users
run (issue 10's benchmark; not a test).

Runs build/bench/lipt-bench-muon-step (the compiled optimizer program and the
reference backend, in one process, cross-checked), then
bench/muon_step_peer.py (the same step as plain PyTorch in Python, in its
own process) on the same suites, with the same threads, OpenMP policy and
OpenBLAS kernels, and prints time per step and the ratios.

    bench/bench-muon-step.py [--iters 10] [--threads 2] [--json OUT]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", help="write every figure here")
    args = p.parse_args()
    bench = os.path.join(ROOT, "build/bench/lipt-bench-muon-step")
    if not os.path.exists(bench):
        sys.exit("bench-muon-step.py: build it first: cmake --build build "
                 "--target lipt-bench-muon-step")
    with tempfile.TemporaryDirectory() as tmp:
        lipt_json = os.path.join(tmp, "lipt.json")
        peer_json = os.path.join(tmp, "peer.json")
        env = dict(os.environ, LIPT_BENCH_JSON=lipt_json,
                   LIPT_BENCH_THREADS=str(args.threads))
        subprocess.run([bench, str(args.iters)], env=env, check=True)
        with open(lipt_json) as f:
            lipt = json.load(f)
        # The peer gets what lipt's tools set for themselves: the same
        # OpenBLAS kernels, passive OpenMP waiting, the same threads.
        peer_env = dict(os.environ, OMP_NUM_THREADS=str(args.threads),
                        OMP_WAIT_POLICY="passive",
                        OPENBLAS_NUM_THREADS=str(args.threads))
        core = lipt["host"]["blas_core"]
        if core and core.lower() != "prescott":
            peer_env["OPENBLAS_CORETYPE"] = core
        print("\nThe same step as plain PyTorch in Python (its own process):")
        subprocess.run(["/usr/bin/python3",
                        os.path.join(ROOT, "bench/muon_step_peer.py"),
                        lipt_json, "--threads", str(args.threads),
                        "--json", peer_json], env=peer_env, check=True)
        with open(peer_json) as f:
            peer = json.load(f)
    print("\n%-52s %10s %10s %10s %9s %9s" % (
        "suite", "compiled", "reference", "py peer", "ref/comp", "peer/comp"))
    rows = []
    for s, q in zip(lipt["suites"], peer["suites"]):
        c, r, py = s["compiled_ms"], s["reference_ms"], q["peer_ms"]
        print("%-52s %8.2f ms %8.2f ms %8.2f ms %8.2fx %8.2fx" % (
            s["title"][:52], c, r, py, r / c, py / c))
        rows.append({"title": s["title"], "compiled_ms": c,
                     "reference_ms": r, "python_peer_ms": py,
                     "speedup_vs_reference": r / c,
                     "speedup_vs_python_peer": py / c,
                     "max_relative_difference": s["max_relative_difference"]})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"host": lipt["host"], "peer_torch": peer["torch"],
                       "suites": rows}, f, indent=2)


if __name__ == "__main__":
    main()
