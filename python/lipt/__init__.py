"""lipt for PyTorch: Lipschitz constraints and the Muon step as compiled ops.

    import lipt.torch                       # loads torch.ops.lipt.*
    w = torch.ops.lipt.spectral_hard_cap(w, 1.0)
    opt = lipt.torch.Muon(model.parameters(), lr=0.1, sigma_max=1.0)

Importing `lipt` before `torch` puts the BLAS/OpenMP settings lipt's own
tools use (lipt/Runtime/HostTuning.h) into the environment before OpenBLAS
and OpenMP load; `torch` imported first gets a warning naming them instead.
"""
import os
import subprocess
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _build_dir():
    """The lipt build: $LIPT_BUILD_DIR, else build/ of this checkout."""
    return os.environ.get("LIPT_BUILD_DIR",
                          os.path.join(_HERE, "..", "..", "build"))


def _tune_host():
    """Sets the settings lipt-host-settings names, unless torch (and with it
    OpenBLAS) is loaded already, where only a warning helps (the library
    prints it when it loads)."""
    if os.environ.get("LIPT_NO_HOST_TUNING") or "torch" in sys.modules:
        return
    tool = os.path.join(_build_dir(), "bin", "lipt-host-settings")
    if not os.access(tool, os.X_OK):
        return
    try:
        out = subprocess.run([tool], capture_output=True, text=True,
                             timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return
    for line in out.splitlines():
        setting = line.split("\t", 1)[0]
        name, _, value = setting.partition("=")
        if name and name not in os.environ:
            os.environ[name] = value


_tune_host()
