#!/usr/bin/python3
"""Draws one lipt-run's curves from its report.json into a PNG: train and
validation loss, validation accuracy and the learning rate against the step,
with the final certificate in the title.

    scripts/plot-report.py OUT/report.json [-o curves.png]

Without -o the PNG lands next to the report (curves.png). Needs
python3-matplotlib (scripts/setup-deps.sh installs it).
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"plot-report.py: {path}: {e}")
    history = report.get("history")
    if not isinstance(history, list) or not history:
        sys.exit(f"plot-report.py: {path}: field 'history' is missing or "
                 "empty (the run never reached an evaluation)")
    for i, h in enumerate(history):
        for key in ("step", "train_loss", "val_loss", "val_accuracy", "lr"):
            if not isinstance(h.get(key), (int, float)):
                sys.exit(f"plot-report.py: {path}: field 'history[{i}].{key}'"
                         " is missing or not a number")
    return report


def title(report):
    cert = report.get("certificate") or {}
    parts = [os.path.basename(report.get("model_file", "run"))]
    if cert.get("applicable"):
        parts.append("certified bound (a) %.4g, empirical (c) %.4g" % (
            cert.get("bound_a_sound", 0), cert.get("empirical_lower_bound_c", 0)))
    elif cert:
        parts.append("no certified bound")
    return "; ".join(parts)


def plot(report, out):
    h = report["history"]
    steps = [e["step"] for e in h]
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 4))
    loss_ax.plot(steps, [e["train_loss"] for e in h], "o-", label="train")
    loss_ax.plot(steps, [e["val_loss"] for e in h], "s-", label="validation")
    loss_ax.set_xlabel("step")
    loss_ax.set_ylabel("cross-entropy (nats)")
    loss_ax.legend()
    loss_ax.grid(alpha=0.3)
    acc_ax.plot(steps, [e["val_accuracy"] for e in h], "s-", color="C2",
                label="validation accuracy")
    acc_ax.set_xlabel("step")
    acc_ax.set_ylabel("accuracy")
    lr_ax = acc_ax.twinx()
    lr_ax.plot(steps, [e["lr"] for e in h], "--", color="C3", label="lr")
    lr_ax.set_ylabel("learning rate")
    acc_ax.legend(loc="upper left")
    lr_ax.legend(loc="lower right")
    fig.suptitle(title(report))
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("report")
    p.add_argument("-o", "--out", help="the PNG (default: curves.png next to "
                   "the report)")
    args = p.parse_args()
    report = load(args.report)
    out = args.out or os.path.join(os.path.dirname(args.report) or ".",
                                   "curves.png")
    plot(report, out)
    print(f"plot-report.py: wrote {out}")


if __name__ == "__main__":
    main()
