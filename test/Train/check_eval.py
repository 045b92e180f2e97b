#!/usr/bin/python3
"""Compares lipt-run --eval's compiled and torch results with each other and
with the last validation loss of the run's report.json (same windows when
--batches is the config's eval_batches).

usage: check_eval.py RUN_DIR [--batches N] [--tol T]
"""
import argparse
import json
import os

p = argparse.ArgumentParser()
p.add_argument("run")
p.add_argument("--batches", type=int)
p.add_argument("--tol", type=float, default=1e-4)
a = p.parse_args()
compiled = json.load(open(os.path.join(a.run, "compiled.json")))
torch = json.load(open(os.path.join(a.run, "torch.json")))
report = json.load(open(os.path.join(a.run, "report.json")))
reported = [h["val_loss"] for h in report["history"] if h.get("val_loss") is not None][-1]
print(f"compiled {compiled['val_loss']:.8f} torch {torch['val_loss']:.8f} "
      f"report {reported:.8f} acc {compiled['val_acc']:.4f}/{torch['val_acc']:.4f}")
ok = (compiled["backend"], torch["backend"]) == ("compiled", "torch")
ok &= abs(compiled["val_loss"] - torch["val_loss"]) <= a.tol
ok &= abs(compiled["val_acc"] - torch["val_acc"]) <= 1e-3
ok &= compiled["batches"] == torch["batches"]
if a.batches is None:
    ok &= abs(compiled["val_loss"] - reported) <= a.tol
else:
    ok &= compiled["batches"] == a.batches
print("PASS" if ok else "FAIL")
