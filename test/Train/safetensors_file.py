"""A safetensors reader with nothing but json, struct and numpy: the
independent checks read lipt's checkpoints with it (no lipt code, and no
torch import, which costs a second per process)."""
import json
import struct

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", (name, info["dtype"])
        b, e = info["data_offsets"]
        tensors[name] = np.frombuffer(body[b:e], dtype="<f4").reshape(info["shape"])
    return tensors, meta
