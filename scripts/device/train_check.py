#!/usr/bin/env python3
"""The GPU check's training runs, with a lipt-run built on that machine.

    scripts/device/train_check.py PREPARED/train RESULTS --lipt-run PATH
                                  [--device cuda|cpu] [--paper-steps N]

Needs only the standard library and numpy: everything runs through lipt-run
(the runtime-only build against that machine's LibTorch) on artifacts
prepare.py --train compiled elsewhere. Writes RESULTS/training.json:

  - tiny: the test model (d 16, 2 layers) trained 20 steps on the device
    (its artifact, --device) and on the CPU (its CPU artifact), from the
    same seed: the validation losses and the final weights must agree
    within float32 noise (different products, different summation orders).
    The device run's certificate must be what --certify computes from its
    checkpoint;
  - paper: examples/shakespeare-paper.mlir (d 256, 3 layers, batch 512 x
    256) for --paper-steps steps on the device: tokens/s, ms per step (and
    the optimizer's share), the loss, the certificate, and the time 2000
    steps would take at that rate; paper_bf16: the same with bf16 products
    (lipt-compile --bf16-products, the paper's precision) where prepared.
    Skipped without tiny-shakespeare.

A folder prepared with --target=cpu runs the same logic on the CPU (how the
lit test covers it). Exit 1 when a check fails.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "Train"))
from safetensors_file import read_safetensors  # noqa: E402

TINY_STEPS = 20
# Float32 runs of 20 steps on different hardware: measured CPU-vs-CPU at
# 1e-7 (loss) across thread counts; the bound leaves room for cuBLAS's
# summation orders while still catching a wrong step (which moves the loss
# by 1e-2 or more on this model).
LOSS_TOLERANCE = 2e-3
WEIGHT_TOLERANCE = 2e-2


def lipt_run(binary, args, what, log):
    """Runs lipt-run, training into the --out folder of `args` (unless it
    resumes, a previous check's run there is removed first: a rerun starts
    fresh); its output goes to `log`. Returns seconds taken."""
    if "--resume" not in args:
        shutil.rmtree(args[args.index("--out") + 1], ignore_errors=True)
    t0 = time.time()
    with open(log, "w") as f:
        done = subprocess.run([binary] + args, stdout=f, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = open(log).read()[-2000:]
        raise RuntimeError(f"{what}: lipt-run exited {done.returncode}:\n{tail}")
    return time.time() - t0


def report_of(out):
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f)


def certificate_summary(cert):
    return {k: cert.get(k) for k in ("bound_a_sound", "bound_paper_convention",
                                     "bound_b_caps", "empirical_lower_bound_c")}


def tiny_check(train, results, binary, device):
    """The device run against the CPU run of the same model and seed, and a
    run that stops halfway on the device and resumes on the CPU (the
    checkpoint is the same file on both)."""
    data = os.path.join(train, "tiny-corpus.txt")
    runs = {}
    # (name, [(artifact, device, extra arguments)...]): one lipt-run each,
    # into one folder.
    plans = (("device", [("tiny.lipt.so", device, [])]),
             ("cpu", [("tiny.cpu.lipt.so", "cpu", [])]),
             ("resumed", [("tiny.lipt.so", device,
                           ["--stop-after-step", str(TINY_STEPS // 2)]),
                          ("tiny.cpu.lipt.so", "cpu", ["--resume"])]))
    for name, calls in plans:
        out = os.path.join(results, "tiny-" + name)
        seconds = 0.0
        for k, (artifact, dev, extra) in enumerate(calls):
            seconds += lipt_run(binary, [os.path.join(train, artifact),
                                         "--device=" + dev, "--data", data,
                                         "--steps", str(TINY_STEPS),
                                         "--out", out] + extra,
                                f"tiny model on {dev}", f"{out}.{k}.log")
        runs[name] = {"out": out, "seconds": seconds, "report": report_of(out)}
    losses = {k: [h["val_loss"] for h in r["report"]["history"]]
              for k, r in runs.items()}
    loss_diff = max(abs(a - b) for a, b in zip(losses["device"], losses["cpu"]))
    weights = {k: read_safetensors(os.path.join(r["out"],
                                                "model.safetensors"))[0]
               for k, r in runs.items()}

    def weight_difference(run):
        """The largest difference of any weight from the CPU run's."""
        return max(float(np.abs(weights[run][n] - weights["cpu"][n]).max())
                   for n in weights["cpu"])
    weight_diff = weight_difference("device")
    resumed_diff = weight_difference("resumed")
    # The trainer certifies a device run from a CPU copy: --certify on the
    # checkpoint must reproduce it exactly.
    certified = subprocess.run(
        [binary, "--certify",
         os.path.join(runs["device"]["out"], "model.safetensors")],
        capture_output=True, text=True)
    reported = runs["device"]["report"]["certificate"]
    recomputed = json.loads(certified.stdout) if certified.returncode == 0 \
        else {}
    same_certificate = (recomputed.get("bound_a_sound") ==
                        reported.get("bound_a_sound"))
    ok = (len(losses["device"]) == len(losses["cpu"]) > 0 and
          loss_diff <= LOSS_TOLERANCE and weight_diff <= WEIGHT_TOLERANCE and
          resumed_diff <= WEIGHT_TOLERANCE and same_certificate)
    return {"steps": TINY_STEPS, "val_losses": losses,
            "max_val_loss_difference": loss_diff,
            "max_weight_difference": weight_diff,
            "resumed_on_cpu_max_weight_difference": resumed_diff,
            "tolerances": {"loss": LOSS_TOLERANCE, "weight": WEIGHT_TOLERANCE},
            "device_report_device": runs["device"]["report"].get("device"),
            "certificate": certificate_summary(reported),
            "certify_reproduces_it": same_certificate,
            "seconds": {k: r["seconds"] for k, r in runs.items()},
            "pass": ok}


def paper_run(train, results, binary, device, steps, corpus,
              name="paper"):
    out = os.path.join(results, name)
    seconds = lipt_run(binary, [os.path.join(train, name + ".lipt.so"),
                                "--device=" + device, "--data", corpus,
                                "--steps", str(steps), "--out", out],
                       "Shakespeare model on " + device, out + ".log")
    r = report_of(out)
    step_ms = r["step_ms"]
    # Training steps only; evaluation and the certificate add to it.
    minutes_for_2000 = step_ms * 2000 / 60e3
    cfg = r["config"]
    if "model" in cfg:  # the config JSON nests the model and training
        cfg = {**cfg.get("model", {}), **cfg.get("train", {})}
    return {"artifact": name + ".lipt.so", "steps": steps,
            "device": r.get("device"),
            "batch": cfg.get("batch"), "seq_len": cfg.get("seq_len"),
            "tokens_per_s": r["tokens_per_s"], "step_ms": step_ms,
            "optimizer_ms_per_step": r["optimizer_ms_per_step"],
            "final_val_loss": r.get("final_val_loss"),
            "certificate": certificate_summary(r.get("certificate", {})),
            "wall_s": seconds,
            "minutes_for_2000_steps": minutes_for_2000,
            # Issue 11's target: the paper's configuration in under 10
            # minutes on one H200 (a benchmark: reported, never failed).
            "target_minutes": 10,
            "target_met": minutes_for_2000 < 10}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("train", help="PREPARED/train (prepare.py --train)")
    p.add_argument("results")
    p.add_argument("--lipt-run", required=True)
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--paper-steps", type=int, default=200)
    a = p.parse_args()
    os.makedirs(a.results, exist_ok=True)
    prepared = json.load(open(os.path.join(a.train, "train.json")))
    out = {"device": a.device, "target": prepared["target"]}
    try:
        out["tiny"] = tiny_check(a.train, a.results, a.lipt_run, a.device)
        t = out["tiny"]
        print(f"  tiny model, {TINY_STEPS} steps, {a.device} vs cpu: val loss "
              f"diff {t['max_val_loss_difference']:.2e}, weights "
              f"{t['max_weight_difference']:.2e}, resumed on the CPU "
              f"{t['resumed_on_cpu_max_weight_difference']:.2e}, certificate reproduced "
              f"{t['certify_reproduces_it']}: "
              f"{'PASS' if t['pass'] else 'FAIL'}", flush=True)
        if a.paper_steps <= 0:
            out["paper"] = "skipped: --paper-steps 0"
        elif not prepared.get("paper_data"):
            out["paper"] = ("skipped: no tiny-shakespeare in the prepared "
                            "folder")
            print("  Shakespeare model: " + out["paper"])
        else:
            corpus = os.path.join(a.train, prepared["paper_data"])
            # f32 products, then (on CUDA) the paper's bf16 ones.
            for name in ("paper", "paper.bf16"):
                if not os.path.exists(os.path.join(a.train, name + ".lipt.so")):
                    continue
                key = name.replace(".", "_")
                out[key] = paper_run(a.train, a.results, a.lipt_run, a.device,
                                     a.paper_steps, corpus, name)
                r = out[key]
                print(f"  Shakespeare model ({name}), {r['steps']} steps of "
                      f"{r['batch']} x {r['seq_len']}: "
                      f"{r['tokens_per_s']:.0f} tokens/s, "
                      f"{r['step_ms']:.1f} ms/step (optimizer "
                      f"{r['optimizer_ms_per_step']:.1f}), val loss "
                      f"{r['final_val_loss']:.4f}, bound (a) "
                      f"{r['certificate']['bound_a_sound']}; 2000 steps: "
                      f"{r['minutes_for_2000_steps']:.1f} min", flush=True)
    except (RuntimeError, KeyError, ValueError) as e:
        out["error"] = str(e)
        print(f"  training check failed: {e}", flush=True)
    with open(os.path.join(a.results, "training.json"), "w") as f:
        json.dump(out, f, indent=1)
    return 0 if "error" not in out and out["tiny"]["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
