"""torch.ops.lipt.* and a Muon optimizer that keeps weights' norms bounded.

The operators run lipt's compiled CPU code on the tensors' memory (compiled
once per op, attributes, shape and dtype, then cached):

    torch.ops.lipt.spectral_soft_cap(w, alpha)
    torch.ops.lipt.spectral_hard_cap(w, sigma_max, method="msign", norm="spectral")
    torch.ops.lipt.orthogonalize(g, schedule="muon5")
    torch.ops.lipt.spectral_normalize(w, sigma_max, iters=16, norm="spectral")
    torch.ops.lipt.spectral_hammer(w, sigma_max, iters=16, norm="spectral")
    torch.ops.lipt.spectral_weight_decay(w, rate, iters=16)
    torch.ops.lipt.rms_project(w, max_rms=1.0)
    torch.ops.lipt.muon_step(w, g, m, lr, ...) -> (w', m')
    torch.ops.lipt.muon_step_([w], [g], [m], lr, ...)   # in place, same shapes
    (lr is a run-time operand of the compiled step: no recompilation per lr)

Weights are [..., fan_out, fan_in] (rank >= 2; leading dims are a batch), of
float32/64, float16 or bfloat16. The schemas are in include/lipt/Torch/OpSchemas.h.
"""
import math
import os

import torch

from . import _build_dir


def _load():
    path = os.environ.get("LIPT_TORCH_LIBRARY",
                          os.path.join(_build_dir(), "lib", "liblipt_torch.so"))
    if not os.path.exists(path):
        raise ImportError(
            f"lipt: the operator library {path} does not exist; build lipt "
            "(bash scripts/build.sh) or set LIPT_TORCH_LIBRARY to "
            "liblipt_torch.so")
    torch.ops.load_library(path)
    return path


LIBRARY = _load()

# Constraints a Muon step applies after its update (lipt.muon_step's
# `constraint`), and the projections constrain_ applies.
_STEP_CONSTRAINTS = ("none", "soft_cap", "hard_cap", "hammer", "normalize")
_PROJECTIONS = {
    "hard_cap": lambda w, s, norm: torch.ops.lipt.spectral_hard_cap(
        w, s, "msign", norm),
    "normalize": lambda w, s, norm: torch.ops.lipt.spectral_normalize(
        w, s, 16, norm),
    "hammer": lambda w, s, norm: torch.ops.lipt.spectral_hammer(
        w, s, 16, norm),
}


def _check_norm(norm):
    if norm not in ("spectral", "rms"):
        raise ValueError(f"norm must be 'spectral' or 'rms', got {norm!r}")


def _operator_norm(w, norm):
    """Largest singular value per matrix (float64), in unit `norm`."""
    sigma = torch.linalg.matrix_norm(w.detach().double(), ord=2)
    if norm == "rms":
        sigma = sigma * math.sqrt(w.shape[-1] / w.shape[-2])
    return sigma.max().item()


def _check_within(p, sigma_max, norm):
    """Theorem 3.1 keeps a soft-capped weight below sigma_max only if it
    starts there; above it the cap's polynomial can grow it without bound."""
    sigma = _operator_norm(p, norm)
    if sigma > sigma_max * (1 + 1e-4):  # f32 rounding of a projection
        raise ValueError(
            f"a parameter of shape {tuple(p.shape)} has {norm} norm "
            f"{sigma:.4g} > sigma_max {sigma_max}: the soft cap keeps weights "
            "below sigma_max only if they start there; project them first "
            "with lipt.torch.constrain_(module, 'hard_cap', sigma_max)")


class Muon(torch.optim.Optimizer):
    """Muon (momentum, orthogonalized update) with a weight constraint, as
    one compiled lipt.muon_step per group of same-shape weights.

    Every parameter must be a matrix [fan_out, fan_in] or a batch of them.
    The update has norm `lr` and `sigma_max` bounds each weight, both in the
    unit `norm`: "spectral" (the largest singular value) or "rms" (the
    RMS->RMS operator norm sqrt(fan_in/fan_out) sigma_1, as the paper
    measures). With constraint="soft_cap" the cap's strength is coupled to
    lr (Theorem 3.1, for the update the schedule actually applies), so a
    weight that starts at or below sigma_max stays there.

    The learning rate is an operand of the compiled step, so an lr
    scheduler never recompiles it: one kernel per (shape, dtype, options).
    """

    def __init__(self, params, lr, momentum=0.95, nesterov=True,
                 schedule="muon5", constraint="soft_cap", sigma_max=1.0,
                 norm="spectral", wd=0.0):
        if lr <= 0:
            raise ValueError(f"lr must be positive, got {lr}")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        if constraint not in _STEP_CONSTRAINTS:
            raise ValueError(f"constraint must be one of {_STEP_CONSTRAINTS}, "
                             f"got {constraint!r}")
        _check_norm(norm)
        defaults = dict(lr=lr, momentum=momentum, nesterov=nesterov,
                        schedule=schedule, constraint=constraint,
                        sigma_max=sigma_max, norm=norm, wd=wd)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.dim() < 2:
                    raise ValueError(
                        f"Muon updates matrices; a parameter of shape "
                        f"{tuple(p.shape)} needs another optimizer (AdamW)")
                if group["constraint"] == "soft_cap":
                    _check_within(p, group["sigma_max"], group["norm"])

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            buckets = {}
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = torch.zeros_like(
                        p, memory_format=torch.contiguous_format)
                buckets.setdefault((tuple(p.shape), p.dtype), []).append(p)
            for (shape, _), ps in buckets.items():
                self._step_bucket(group, shape, ps)
        return loss

    def _step_bucket(self, group, shape, params):
        # lipt.muon_step's update has RMS->RMS norm lr * target_norm; in
        # spectral units its spectral norm is lr when target_norm is
        # sqrt(fan_in / fan_out).
        target_norm = (1.0 if group["norm"] == "rms"
                       else math.sqrt(shape[-1] / shape[-2]))
        constrained = group["constraint"] != "none"
        weights = [p.data if p.is_contiguous() else p.data.contiguous()
                   for p in params]
        torch.ops.lipt.muon_step_(
            weights, [p.grad for p in params],
            [self.state[p]["momentum_buffer"] for p in params],
            float(group["lr"]), float(group["momentum"]),
            bool(group["nesterov"]), float(group["wd"]), target_norm,
            group["schedule"], group["constraint"],
            float(group["sigma_max"]) if constrained else None, group["norm"])
        for p, w in zip(params, weights):
            if w is not p.data:
                p.data.copy_(w)


@torch.no_grad()
def constrain_(module, constraint="hard_cap", sigma_max=1.0, norm="spectral"):
    """Projects every matrix parameter (rank >= 2) of `module` in place:
    "hard_cap" (singular values clipped at sigma_max, exact), "normalize"
    (divided by max(1, sigma_1 / sigma_max)) or "hammer" (top singular value
    set to sigma_max). Returns the module.

    normalize and hammer find sigma_1 by 16 steps of power iteration, which
    can fall short of sigma_1 when the top singular values are close; only
    hard_cap guarantees sigma_1 <= sigma_max."""
    _check_norm(norm)
    if constraint not in _PROJECTIONS:
        raise ValueError(
            f"constrain_ applies {tuple(_PROJECTIONS)}, got {constraint!r}"
            + (" (the soft cap bounds the weights a Muon step produces: use "
               "Muon(constraint='soft_cap'))" if constraint == "soft_cap"
               else ""))
    project = _PROJECTIONS[constraint]
    for p in module.parameters():
        if p.dim() >= 2:
            p.copy_(project(p.detach(), float(sigma_max), norm))
    return module
