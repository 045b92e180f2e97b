#!/usr/bin/env python3
"""Compiles, here, everything the GPU check runs on a machine without LLVM.

    scripts/device/prepare.py OUT [--bin build/bin] [--gpu sm_90]
                              [--check-cpu] [--ptxas PATH] [--bench]
                              [--train [--data PATH]] [--target cuda|cpu]

For every case of cases.py: writes OUT/cases/NAME (lipt_case.py
--function-dir: the function, its inputs, the float64 SVD reference) and
compiles it with lipt-compile --target=cuda into OUT/cases/NAME/case.lipt.so.
With --ptxas, also writes each kernel's PTX (--emit=ptx) and assembles it
for --gpu; with --check-cpu, first runs the case on the CPU backend through
the same harness (check_case.py), so a harness bug shows here, not on the
GPU. Checks every artifact's undefined CUDA symbols against
liblipt_cuda_runtime.so. With --bench, also writes the step benchmark's
programs (lipt-bench-muon-step --emit); with --train, the training
check's model artifacts and corpora (OUT/train, train_check.py). --target=cpu compiles everything
for the CPU instead, so device_check.py's own logic runs and is tested on
machines without a GPU. Prints one line per case and step; exit 1 on the
first failure.
"""
import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from cases import CASES  # noqa: E402
from corpus import find_corpus  # noqa: E402

PYTHON = "/usr/bin/python3"


def run(cmd, what):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"prepare.py: {what} failed:\n{p.stderr or p.stdout}")
    return p.stdout


def undefined_cuda_symbols(path):
    out = run(["nm", "-D", "--undefined-only", path], "nm " + path)
    return {line.split()[-1] for line in out.splitlines()
            if "mgpu" in line or "lipt_cuda" in line}


def defined_symbols(path):
    out = run(["nm", "-D", "--defined-only", path], "nm " + path)
    return {line.split()[-1] for line in out.splitlines()}


def target_flags(a):
    """lipt-compile's flags for the prepared target (--gpu only for CUDA)."""
    return ["--target=" + a.target] + (["--gpu=" + a.gpu]
                                       if a.target == "cuda" else [])


def prepare_training(a, compile_):
    """The training check's inputs (train_check.py): the tiny test model
    compiled for the target and for the CPU (the reference run), the
    paper's Shakespeare model for the target (on CUDA also with bf16
    products), and their corpora."""
    folder = os.path.join(a.out, "train")
    os.makedirs(folder, exist_ok=True)
    models = {"tiny": os.path.join(ROOT, "test/Train/Inputs/tiny-model.mlir"),
              "paper": os.path.join(ROOT, "examples/shakespeare-paper.mlir")}
    for name, source in models.items():
        run([compile_, source] + target_flags(a) +
            ["-o", os.path.join(folder, name + ".lipt.so")], name + " artifact")
    run([compile_, models["tiny"], "--target=cpu",
         "-o", os.path.join(folder, "tiny.cpu.lipt.so")], "tiny CPU artifact")
    if a.target == "cuda":  # the paper's precision: bf16 orthogonalization
        run([compile_, models["paper"]] + target_flags(a) +
            ["--bf16-products", "-o", os.path.join(folder, "paper.bf16.lipt.so")],
            "paper bf16 artifact")
    shutil.copy(os.path.join(ROOT, "test/Train/Inputs/tiny-corpus.txt"),
                folder)
    corpus = find_corpus(a.data)
    if corpus:
        shutil.copyfile(corpus, os.path.join(folder, "tinyshakespeare.txt"))
    else:
        print("train: no tiny-shakespeare here (--data, $LIPT_DATA, "
              "../shared/data or data/; scripts/get-tinyshakespeare.sh "
              "fetches it): "
              "the paper model's run will be skipped")
    with open(os.path.join(folder, "train.json"), "w") as f:
        json.dump({"target": a.target,
                   "paper_data": "tinyshakespeare.txt" if corpus else None},
                  f, indent=1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    p.add_argument("--gpu", default="sm_90")
    p.add_argument("--ptxas")
    p.add_argument("--check-cpu", action="store_true")
    p.add_argument("--bench", action="store_true")
    p.add_argument("--only", help="comma list of case names")
    p.add_argument("--target", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--train", action="store_true",
                   help="also the training check's model artifacts")
    p.add_argument("--data", help="tiny-shakespeare for the paper model's "
                   "run (default: $LIPT_DATA, ../shared/data, data/)")
    a = p.parse_args()
    compile_ = os.path.join(a.bin, "lipt-compile")
    lipt_run = os.path.join(a.bin, "lipt-run")
    runtime = os.path.join(os.path.dirname(a.bin), "lib",
                           "liblipt_cuda_runtime.so")
    provided = defined_symbols(runtime)
    names = []
    for name, args in CASES:
        if a.only and name not in a.only.split(","):
            continue
        folder = os.path.join(a.out, "cases", name)
        run([PYTHON, os.path.join(ROOT, "test/Execution/lipt_case.py")] +
            shlex.split(args) + ["--function-dir", folder], "lipt_case.py")
        line = name + ":"
        if a.check_cpu:
            cpu = run([PYTHON, os.path.join(ROOT, "test/Execution/check_case.py"),
                       folder, lipt_run, os.path.join(folder, "case.mlir")],
                      name + " on the CPU").split()
            line += f" cpu {cpu[-1]} (err {cpu[1]})"
        source = os.path.join(folder, "case.mlir")
        if a.ptxas:
            ptx = os.path.join(folder, "ptx")
            run([compile_, source, "--target=cuda", "--gpu=" + a.gpu,
                 "--emit=ptx", "-o", ptx], name + " --emit=ptx")
            summary = run([PYTHON, os.path.join(ROOT, "test/Cuda/ptx_check.py"),
                           a.ptxas, ptx, a.gpu], name + " ptxas")
            line += " ptxas ok (" + summary.splitlines()[-1] + ")"
        artifact = os.path.join(folder, "case.lipt.so")
        run([compile_, source] + target_flags(a) + ["-o", artifact],
            name + " artifact")
        missing = undefined_cuda_symbols(artifact) - provided
        if missing:
            sys.exit(f"prepare.py: {name}: the artifact needs "
                     f"{sorted(missing)}, which liblipt_cuda_runtime.so "
                     "does not define")
        print(line + " artifact linked", flush=True)
        names.append(name)
    if a.bench:
        bench = os.path.join(os.path.dirname(a.bin), "bench",
                             "lipt-bench-muon-step")
        folder = os.path.join(a.out, "bench")
        if not os.path.exists(bench):
            sys.exit("prepare.py: --bench needs lipt-bench-muon-step: "
                     "cmake --build build --target lipt-bench-muon-step")
        run([bench, "--emit", folder, "--target", a.target, "--gpu", a.gpu],
            "bench programs")
        print("bench: step programs compiled")
    if a.train:
        prepare_training(a, compile_)
        print("train: model artifacts compiled")
    with open(os.path.join(a.out, "cases.json"), "w") as f:
        json.dump({"target": a.target, "gpu": a.gpu, "cases": names}, f,
                  indent=1)


if __name__ == "__main__":
    main()
