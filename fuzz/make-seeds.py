#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora into fuzz/corpus/<target>/ from the tests
and examples (IR, literals) and from small files written here (safetensors,
.npy, checkpoint configs). Deterministic; rerun after a format change.

usage: fuzz/make-seeds.py   (from anywhere; writes next to this script)
"""
import hashlib
import json
import pathlib
import re
import struct

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def safetensors(tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, array, dtype in tensors:
        raw = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def npy(array, version):
    import io
    out = io.BytesIO()
    np.lib.format.write_array(out, array, version=version)
    return out.getvalue()


def ir_cases(path):
    """The cases of a test file (split at `// -----`), RUN lines dropped."""
    text = "\n".join(l for l in path.read_text().splitlines()
                     if not l.lstrip().startswith("// RUN"))
    return [c for c in re.split(r"^// -----$", text, flags=re.M) if c.strip()]


def main():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4)).astype(np.float32)
    put("safetensors", safetensors([("w", a, "F32")], {"lipt.step": "1"}))
    put("safetensors", safetensors(
        [("embed.weight", a.astype(np.float16), "F16"),
         ("head.weight", np.zeros((0, 2), np.float32), "F32"),
         ("s", np.array(1.5, np.float64), "F64")], {}))
    put("safetensors", safetensors([], {"a": "b", "lipt.config": "{}"}))

    for version in ((1, 0), (2, 0), (3, 0)):
        put("npy", npy(a, version))
    put("npy", npy(np.arange(6, dtype=np.float64).reshape(1, 2, 3), (1, 0)))
    put("npy", npy(np.float16(2.5) * np.ones((), np.float16), (1, 0)))

    for lit in ["2x3xf32=[[1, 2, 3], [4, 5, 6]]", "2x3xf32=0.5",
                "4xbf16=[1 2 3 4]", "1x1xf64=-1e-300", "0x3xf16=[]",
                "3xf32=[1,-2.5e3,inf]", "2x2xf32=[[nan 1][2 3]]"]:
        put("tensor-literal", lit)

    for path in sorted((ROOT / "examples").glob("shakespeare*.mlir")) + [
            ROOT / "test/Train/Inputs/tiny-model.mlir"]:
        put("model-import", path.read_text())
    for path in [ROOT / "test/Dialect/model-invalid.mlir",
                 ROOT / "test/Train/train-invalid.mlir"]:
        for case in ir_cases(path):
            put("model-import", case)

    for path in sorted((ROOT / "test/Import").glob("*.mlir")) + sorted(
            (ROOT / "test/Import/Inputs").glob("*.mlir")):
        for case in ir_cases(path):
            put("custom-call-import", case)

    # spec-json: the lipt.config of checkpoints lipt-run wrote, committed
    # as they were saved (they need a training run to make).


if __name__ == "__main__":
    main()
