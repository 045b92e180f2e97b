#!/usr/bin/env python3
"""Ctrl-C and SIGTERM during training: exit 130, an intact checkpoint, and a
resume that reproduces the uninterrupted run exactly.

  signals.py LIPT_RUN MODEL CORPUS WORKDIR

Not timing-dependent: each signal is sent after the run printed its first
evaluation line and its checkpoint exists, and the run is long enough (200
steps) not to have finished by then.
"""
import json
import os
import signal
import subprocess
import sys
import time

STEPS = "200"


def run(lipt_run, model, corpus, out, *extra):
    return [lipt_run, model, "--data", corpus, "--out", out, "--steps", STEPS,
            "--cpu-threads", "1", *extra]


def interrupt(cmd, sig, out):
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    for line in p.stderr:
        if line.startswith("step ") and os.path.exists(
                os.path.join(out, "model.safetensors")):
            break
        if time.time() > deadline:
            p.kill()
            sys.exit("no checkpoint line within 120 s")
    p.send_signal(sig)
    rest = p.stderr.read()
    rc = p.wait(timeout=120)
    return rc, rest


def losses(out):
    report = json.load(open(os.path.join(out, "report.json")))
    return {h["step"]: (h["train_loss"], h["val_loss"])
            for h in report["history"]}


def same_as(full, out):
    """The uninterrupted run's evaluations, reproduced bit for bit (a run
    stopped with --stop-after-step has one more entry, where it stopped)."""
    a, b = losses(full), losses(out)
    return all(b.get(step) == v for step, v in a.items())


def main():
    lipt_run, model, corpus, work = sys.argv[1:5]
    full = os.path.join(work, "full")
    subprocess.run(run(lipt_run, model, corpus, full), check=True,
                   capture_output=True)
    for name, sig in [("sigint", signal.SIGINT), ("sigterm", signal.SIGTERM)]:
        out = os.path.join(work, name)
        rc, rest = interrupt(run(lipt_run, model, corpus, out), sig, out)
        print(f"{name}: exit {rc}")
        print(f"{name}: " + (rest.strip().splitlines() or [""])[-1])
        cert = subprocess.run([lipt_run, "--certify",
                               os.path.join(out, "model.safetensors")],
                              capture_output=True, text=True)
        print(f"{name}: checkpoint certifies: exit {cert.returncode}")
        subprocess.run(run(lipt_run, model, corpus, out, "--resume"),
                       check=True, capture_output=True)
        same = same_as(full, out)
        print(f"{name}: resumed losses equal the uninterrupted run: {same}")
    # Deterministically between two evaluations (the interval's running
    # train loss travels in the checkpoint).
    out = os.path.join(work, "stop11")
    subprocess.run(run(lipt_run, model, corpus, out, "--stop-after-step",
                       "11"), check=True, capture_output=True)
    subprocess.run(run(lipt_run, model, corpus, out, "--resume"), check=True,
                   capture_output=True)
    print(f"stop11: resumed losses equal the uninterrupted run: "
          f"{same_as(full, out)}")


if __name__ == "__main__":
    main()
