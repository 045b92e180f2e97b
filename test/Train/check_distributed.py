#!/usr/bin/env python3
"""Checks of lipt-run's data-parallel training (issue 14) that need more than
a command line: comparing runs, starting workers the way torchrun does, and
killing, stopping or interrupting workers mid-run.

  same A B [--tol T]     runs A and B took the same steps: per-step train
                         losses, val losses and every checkpoint tensor
                         (weights and optimizer state) within T (1e-4)
  torchrun LIPT MODEL DATA OUT [--agent-store]
                         two workers started by hand with torchrun's
                         variables (RANK, WORLD_SIZE, ...): both exit 0;
                         with --agent-store as torchrun's static rendezvous
                         does (its agent hosts the store)
  kill LIPT MODEL DATA OUT SIGNAL [ARGS...]
                         `--nproc 2` until its first checkpoint, then SIGNAL
                         to rank 1 (KILL, STOP) or SIGINT to the whole
                         process group (INT): prints how the job ended
  mismatch LIPT MODEL_A MODEL_B DATA OUT [ENV...]
                         rank 0 runs MODEL_A, rank 1 MODEL_B (ENV: extra
                         VAR=VALUE for rank 1): both must fail; prints rank
                         1's error
  port-in-use LIPT MODEL DATA OUT
                         rank 0 with a MASTER_PORT something else holds
Prints PASS lines (or what happened) for FileCheck; exits 1 on a failed
check.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_file import read_safetensors  # noqa: E402


def fail(message):
    print("FAIL", message)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def world_env(rank, size, port, **extra):
    env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(size),
               LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(size),
               MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    env.update(extra)
    return env


def same(a, b, tol):
    ra = json.load(open(os.path.join(a, "report.json")))
    rb = json.load(open(os.path.join(b, "report.json")))
    ha, hb = ra["history"], rb["history"]
    if [h["step"] for h in ha] != [h["step"] for h in hb]:
        fail(f"steps differ: {[h['step'] for h in ha]} vs {[h['step'] for h in hb]}")
    worst = max(abs(x[k] - y[k]) for x, y in zip(ha, hb)
                for k in ("train_loss", "val_loss"))
    if worst > tol:
        fail(f"losses differ by {worst:.3g} > {tol}")
    print(f"PASS {len(ha)} steps' train and val losses agree (worst {worst:.2g})")
    for name in ("model.safetensors", "optimizer.safetensors"):
        ta, _ = read_safetensors(os.path.join(a, name))
        tb, _ = read_safetensors(os.path.join(b, name))
        if sorted(ta) != sorted(tb):
            fail(f"{name}: different tensors")
        worst = max(float(abs(ta[k].astype("f8") - tb[k]).max()) for k in ta)
        if worst > tol:
            fail(f"{name}: tensors differ by {worst:.3g} > {tol}")
        print(f"PASS {name}: {len(ta)} tensors agree (worst {worst:.2g})")


def torchrun(lipt, model, data, out, agent_store=False):
    """Two workers with torchrun's variables. With agent_store, as torchrun's
    static rendezvous starts them: its agent (here, this script) hosts the
    TCPStore and every worker is a client under /worker/attempt_0."""
    port = free_port()
    store, extra = None, {}
    if agent_store:
        import datetime
        import torch.distributed as dist
        store = dist.TCPStore("127.0.0.1", port, 3, True,
                              datetime.timedelta(seconds=60),
                              wait_for_workers=False)
        extra = {"TORCHELASTIC_USE_AGENT_STORE": "True",
                 "TORCHELASTIC_RESTART_COUNT": "0"}
    procs = [subprocess.Popen([lipt, model, "--data", data, "--out", out,
                               "--cpu-threads", "1"],
                              env=world_env(r, 2, port, **extra),
                              stderr=subprocess.PIPE, text=True)
             for r in (1, 0)]  # rank 1 first: it waits for the rendezvous
    errs = [p.communicate(timeout=120)[1] for p in procs]
    codes = [p.returncode for p in procs]
    if codes != [0, 0]:
        fail(f"exit codes {codes}: {errs}")
    if errs[0].strip():
        fail(f"rank 1 printed: {errs[0]}")
    if store is not None and store.num_keys() < 3:  # two records, a counter
        fail("the workers did not use the agent's store")
    print("PASS two workers started with torchrun's variables finished"
          + (" (agent store)" if agent_store else ""))
    sys.stdout.write(errs[1])


def rank_of(pid):
    with open(f"/proc/{pid}/environ", "rb") as f:
        for entry in f.read().split(b"\0"):
            if entry.startswith(b"RANK="):
                return int(entry[5:])
    return None


def kill(lipt, model, data, out, which, args):
    job = subprocess.Popen([lipt, model, "--data", data, "--out", out,
                            "--nproc", "2", "--steps", "1000000"] + args,
                           stderr=subprocess.PIPE, text=True,
                           start_new_session=True)
    start = time.time()
    while not os.path.exists(os.path.join(out, "model.safetensors")):
        if time.time() - start > 120 or job.poll() is not None:
            job.kill()
            fail("no checkpoint appeared")
        time.sleep(0.05)
    with open(f"/proc/{job.pid}/task/{job.pid}/children") as f:
        workers = [int(p) for p in f.read().split()]
    victim = next(p for p in workers if rank_of(p) == 1)
    sent = time.time()
    if which == "INT":  # Ctrl-C at a terminal: the whole process group
        os.killpg(job.pid, signal.SIGINT)
    else:
        os.kill(victim, getattr(signal, "SIG" + which))
    try:
        err = job.communicate(timeout=90)[1]
    except subprocess.TimeoutExpired:
        os.killpg(job.pid, signal.SIGKILL)
        fail("the job hung after a worker was signalled")
    for worker in workers:  # none left behind
        if os.path.exists(f"/proc/{worker}") and \
                open(f"/proc/{worker}/stat").read().split()[2] != "Z":
            fail(f"worker {worker} still runs")
    print(f"ended with exit code {job.returncode} within "
          f"{'60' if time.time() - sent < 60 else 'MORE THAN 60'} s")
    for line in err.splitlines():
        if line.startswith("lipt-run:"):
            print(line)


def mismatch(lipt, model_a, model_b, data, out, extra):
    port = free_port()
    env1 = world_env(1, 2, port)
    for item in extra:
        k, v = item.split("=", 1)
        env1[k] = v
    procs = [subprocess.Popen([lipt, m, "--data", data, "--out", out,
                               "--dist-timeout", "20"], env=e,
                              stderr=subprocess.PIPE, text=True)
             for m, e in ((model_a, world_env(0, 2, port)), (model_b, env1))]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    if any(p.returncode == 0 for p in procs):
        fail(f"a rank succeeded: {[p.returncode for p in procs]}")
    print("PASS both ranks failed")
    for line in errs[1].splitlines():
        if line.startswith("lipt-run:"):
            print(line)


def port_in_use(lipt, model, data, out):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        r = subprocess.run([lipt, model, "--data", data, "--out", out],
                           env=world_env(0, 2, port), capture_output=True,
                           text=True, timeout=120)
    print("exit code", r.returncode)
    for line in r.stderr.splitlines():
        if line.startswith("lipt-run:"):
            print(line)


def main():
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "same":
        tol = float(rest[3]) if len(rest) > 3 and rest[2] == "--tol" else 1e-4
        same(rest[0], rest[1], tol)
    elif cmd == "torchrun":
        torchrun(*rest[:4], agent_store="--agent-store" in rest[4:])
    elif cmd == "kill":
        kill(rest[0], rest[1], rest[2], rest[3], rest[4], rest[5:])
    elif cmd == "mismatch":
        mismatch(rest[0], rest[1], rest[2], rest[3], rest[4], rest[5:])
    elif cmd == "port-in-use":
        port_in_use(*rest)
    else:
        fail("unknown command " + cmd)


if __name__ == "__main__":
    main()
