"""Run a compiled lipt artifact from PyTorch, without LLVM or lipt's build.

    from lipt.artifact import Artifact
    step = Artifact("step.lipt.so")           # lipt-compile ... -o step.lipt.so
    w2, m2 = step("step", w, g, m, lr, alpha)  # torch tensors in, tensors out
    step("step", w, g, m, lr, alpha, out=[w, m])   # or into given tensors

The artifact's C ABI is include/lipt-c/Artifact.h: a JSON manifest and one
`lipt_call_NAME(void **args)` per function, taking memref descriptors of
dense row-major tensors. A CPU artifact takes CPU tensors; a CUDA artifact
(lipt-compile --target=cuda) takes CUDA tensors, except rank-0 arguments
(step scalars), which stay on the CPU, and runs on PyTorch's current
stream (include/lipt-c/CudaRuntime.h). Inputs are checked against the
manifest's types and never written. Needs only ctypes and torch, so it
runs where PyTorch runs: a GPU node with no compiler at all.
"""
import ctypes
import json
import os

import torch

_DTYPES = {"f32": torch.float32, "f64": torch.float64, "f16": torch.float16,
           "bf16": torch.bfloat16, "i32": torch.int32, "i64": torch.int64}


def _parse_type(text):
    """'2x3xf32' -> ((2, 3), torch.float32); 'f64' -> ((), torch.float64)."""
    *dims, dtype = text.split("x")
    if dtype not in _DTYPES:
        raise ValueError(f"unknown element type in {text!r}")
    return tuple(int(d) for d in dims), _DTYPES[dtype]


def _descriptor(t):
    """The memref descriptor (include/lipt-c/Artifact.h) of a dense tensor:
    allocated, aligned, offset, sizes, strides, 64 bits each."""
    fields = [t.data_ptr(), t.data_ptr(), 0, *t.shape, *t.stride()]
    return (ctypes.c_int64 * len(fields))(*fields)


class ArtifactError(RuntimeError):
    pass


class Artifact:
    """A loaded artifact; call it with a function name and tensors."""

    def __init__(self, path):
        # The CUDA runtime an artifact needs is found by the dynamic loader;
        # LIPT_CUDA_RUNTIME names it where it is not on the library path.
        runtime = os.environ.get("LIPT_CUDA_RUNTIME")
        self._cuda = ctypes.CDLL(runtime, mode=ctypes.RTLD_GLOBAL) \
            if runtime else None
        self.path = path
        self._lib = ctypes.CDLL(os.path.abspath(path))
        text = ctypes.c_char_p(ctypes.addressof(
            ctypes.c_char.in_dll(self._lib, "lipt_artifact_manifest"))).value
        self.manifest = json.loads(text.decode())
        if self.manifest.get("format") != "lipt-artifact" or \
                self.manifest.get("abi") != 1:
            raise ArtifactError(f"{path}: not a lipt artifact of ABI 1")
        self.target = self.manifest["target"]
        self.functions = {f["name"]: f for f in self.manifest["functions"]}
        if self.target == "cuda":
            if self._cuda is None:
                self._cuda = ctypes.CDLL("liblipt_cuda_runtime.so")
            self._cuda.lipt_cuda_status.restype = ctypes.c_char_p
            self._cuda.lipt_cuda_end_call.restype = ctypes.c_char_p
            self._cuda.lipt_cuda_begin_call.argtypes = [ctypes.c_void_p,
                                                       ctypes.c_int]

    def status(self):
        """None when the artifact can run here, else why not."""
        if self.target != "cuda":
            return None
        why = self._cuda.lipt_cuda_status()
        return why.decode() if why else None

    def _check(self, name, i, t, text, what):
        shape, dtype = _parse_type(text)
        host = self.target != "cuda" or (not shape and what == "input")
        if not isinstance(t, torch.Tensor) or tuple(t.shape) != shape or \
                t.dtype != dtype:
            raise ArtifactError(f"{name}: {what} #{i} must be a tensor of "
                                f"{text}")
        if not t.is_contiguous():
            raise ArtifactError(f"{name}: {what} #{i} is not contiguous")
        if t.is_cuda == host:
            raise ArtifactError(f"{name}: {what} #{i} must be on the "
                                f"{'CPU' if host else 'GPU'}")

    def __call__(self, name, *inputs, out=None):
        if name not in self.functions:
            raise ArtifactError(f"{self.path}: no function {name!r} "
                                f"(functions: {', '.join(self.functions)})")
        fn = self.functions[name]
        if len(inputs) != len(fn["inputs"]):
            raise ArtifactError(f"{name} takes {len(fn['inputs'])} inputs, "
                                f"got {len(inputs)}")
        device = "cuda" if self.target == "cuda" else "cpu"
        why = self.status()
        if why:
            raise ArtifactError(f"{self.path}: {why}")
        if out is None:
            out = []
            for text in fn["outputs"]:
                shape, dtype = _parse_type(text)
                out.append(torch.empty(shape, dtype=dtype, device=device))
        for i, (t, text) in enumerate(zip(inputs, fn["inputs"])):
            self._check(name, i, t, text, "input")
        for i, (t, text) in enumerate(zip(out, fn["outputs"])):
            self._check(name, i, t, text, "output")
        descriptors = [_descriptor(t) for t in list(inputs) + list(out)]
        args = (ctypes.c_void_p * len(descriptors))(
            *[ctypes.addressof(d) for d in descriptors])
        entry = getattr(self._lib, fn["entry"])
        entry.restype = None
        if self.target != "cuda":
            entry(args)
            return out
        stream = torch.cuda.current_stream().cuda_stream
        self._cuda.lipt_cuda_begin_call(stream,
                                        int(self.manifest.get("tf32", False)))
        entry(args)
        error = self._cuda.lipt_cuda_end_call()
        if error:
            raise ArtifactError(f"{name} on the GPU: {error.decode()}")
        return out
