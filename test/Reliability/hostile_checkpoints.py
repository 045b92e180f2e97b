#!/usr/bin/env python3
"""Hostile variants of a good checkpoint, each certified with lipt-run.

  hostile_checkpoints.py LIPT_RUN GOOD_MODEL_SAFETENSORS WORKDIR

Writes one variant per case into WORKDIR, runs `lipt-run --certify` on it and
prints `CASE rc=N: <first line of stderr>`. Every case must be a clean error:
an exit code in 1..127 (no signal, no abort) and a message naming the
problem. A case that exits 0 prints its certificate's bound instead, so a
false certificate shows.
"""
import json
import os
import struct
import subprocess
import sys


def read(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8:8 + n]), data[8 + n:]


def checksum(header, body):
    """lipt's checksum (Safetensors.h): FNV-1a 64 over the metadata (sorted,
    without the checksum), then each tensor's name, type and bytes in data
    order. A deliberate editor recomputes it; these cases must still fail."""
    h = 0xcbf29ce484222325
    def add(data):
        nonlocal h
        for b in data:
            h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    meta = header.get("__metadata__", {})
    for k in sorted(meta):
        if k != "lipt.checksum":
            add(k.encode() + b"\0" + meta[k].encode() + b"\0")
    dt = {"F32": "f32", "F64": "f64", "F16": "f16", "BF16": "bf16"}
    tensors = sorted((v["data_offsets"], k) for k, v in header.items()
                     if k != "__metadata__")
    for (b, e), name in tensors:
        t = header[name]
        ty = "x".join(map(str, t["shape"] + [dt[t["dtype"]]]))
        add(name.encode() + b"\0" + ty.encode() + b"\0" + body[b:e])
    return "fnv1a64:%016x" % h


def resigned(header, body):
    h = json.loads(json.dumps(header))
    h["__metadata__"]["lipt.checksum"] = checksum(h, body)
    return json.dumps(h), body


def write(path, header_text, body):
    header = header_text.encode()
    header += b" " * ((8 - len(header) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + body)


def variants(header, body):
    meta = header["__metadata__"]
    cfg = json.loads(meta["lipt.config"])
    names = [k for k in header if k != "__metadata__"]
    first = names[0]

    def with_cfg(edit):
        c = json.loads(json.dumps(cfg))
        edit(c)
        h = dict(header)
        h["__metadata__"] = dict(meta, **{"lipt.config": json.dumps(c)})
        return resigned(h, body)

    def with_tensor(name, **fields):
        h = json.loads(json.dumps(header))
        h[name].update(fields)
        return json.dumps(h), body

    assert checksum(header, body) == meta["lipt.checksum"], "checksum"
    flipped = bytearray(body)
    flipped[len(flipped) // 2] ^= 0x01
    yield "flipped-data-byte", (json.dumps(header), bytes(flipped))
    h = json.loads(json.dumps(header))
    h["__metadata__"]["lipt.step"] = "999"
    yield "edited-unsigned", (json.dumps(h), body)
    h = json.loads(json.dumps(header))
    del h["__metadata__"]["lipt.checksum"]
    yield "no-checksum", (json.dumps(h), body)
    yield "one-layer-config", with_cfg(
        lambda c: c["model"].__setitem__("blocks", c["model"]["blocks"][:1]))
    yield "d-zero", with_cfg(lambda c: c["model"].__setitem__("d", 0))
    yield "heads-zero", with_cfg(lambda c: c["model"].__setitem__("heads", 0))
    yield "negative-sigma", with_cfg(
        lambda c: c["model"]["blocks"][0]["attn"].__setitem__("sigma_max", -1))
    yield "unknown-constraint", with_cfg(
        lambda c: c["model"]["blocks"][0]["mlp"].__setitem__("kind", "clip"))
    yield "unknown-optimizer", with_cfg(
        lambda c: c["train"].__setitem__("optimizer", "sgd"))
    deep = "[" * 100000 + "]" * 100000
    h = dict(header)
    h["__metadata__"] = dict(meta, **{"lipt.config": deep})
    yield "deep-config", resigned(h, body)
    begin, end = header[first]["data_offsets"]
    yield "huge-shape", with_tensor(first, shape=[1000000, 1000000])
    yield "overflow-shape", with_tensor(
        first, shape=[4294967296, 4294967296, 1024])
    second = names[1]
    b2, e2 = header[second]["data_offsets"]
    yield "overlap", with_tensor(second, data_offsets=[b2 - 4, e2 - 4])
    h = json.loads(json.dumps(header))
    yield "trailing-bytes", (json.dumps(h), body + b"\0" * 8)
    text = json.dumps(header)
    dup = text[:-1] + ", " + json.dumps(first) + ": " + json.dumps(
        header[first]) + "}"
    yield "duplicate-name", (dup, body)
    h = json.loads(json.dumps(header))
    del h[names[-1]]
    yield "missing-tensor", resigned(
        h, body[:header[names[-1]]["data_offsets"][0]])


def main():
    lipt_run, good, workdir = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    header, body = read(good)
    for case, (text, data) in variants(header, body):
        path = os.path.join(workdir, case + ".safetensors")
        write(path, text, data)
        p = subprocess.run([lipt_run, "--certify", path], capture_output=True,
                           text=True, timeout=120)
        if p.returncode == 0:
            bound = json.loads(p.stdout).get("bound_a_sound")
            print(f"{case} rc=0: certified {bound}")
        else:
            line = (p.stderr.strip().splitlines() or ["<no message>"])[0]
            print(f"{case} rc={p.returncode}: {line}")


if __name__ == "__main__":
    main()
