#!/usr/bin/env python3
"""torch.ops.lipt.* and lipt.torch against independent float64 references.

Run from the repository root after the build:
    PYTHONPATH=python /usr/bin/python3 test/Python/test_torch_ops.py
The references are test/Execution/lipt_case.py's float64 SVD maps.
"""
import ctypes
import math
import os
import re
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Execution"))
import lipt_case as ref  # noqa: E402

import lipt.torch  # noqa: E402  (before torch: host tuning)
import torch  # noqa: E402

ops = torch.ops.lipt


def with_spectrum(rng, shape, lo, hi, top=None):
    def sigmas(r, k):
        s = np.sort(r.uniform(lo, hi, k))[::-1].copy()
        if top is not None:
            s[0] = top
        return s
    return ref.matrix_with_spectrum(rng, shape, sigmas)


def rel_err(got, expected):
    """||got - expected||_F / sigma_1(expected): bounds every singular
    value's error relative to the largest."""
    got = got.detach().double().numpy()
    scale = np.max(np.linalg.svd(expected.reshape((-1,) + expected.shape[-2:]),
                                 compute_uv=False))
    return np.sqrt(((got - expected) ** 2).sum()) / scale


def compiled_kernels():
    lib = ctypes.CDLL(lipt.torch.LIBRARY)
    lib.lipt_torch_compiled_kernels.restype = ctypes.c_size_t
    return lib.lipt_torch_compiled_kernels()


class OpsAgainstSvd(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(0)

    def check(self, got, expected, tol=1e-4):
        err = rel_err(got, expected)
        self.assertLessEqual(err, tol, f"relative error {err:.3g}")

    def test_soft_cap(self):
        for shape in [(64, 16), (16, 48), (3, 24, 12)]:
            w = with_spectrum(self.rng, shape, 0.1, 2.0)
            got = ops.spectral_soft_cap(torch.tensor(w, dtype=torch.float32),
                                        0.1)
            self.check(got, ref.soft_cap(w, 0.1, 1.0))

    def test_soft_cap_float64_and_bfloat16(self):
        w = with_spectrum(self.rng, (20, 12), 0.1, 2.0)
        self.check(ops.spectral_soft_cap(torch.tensor(w), 0.1),
                   ref.soft_cap(w, 0.1, 1.0), tol=1e-12)
        wb = torch.tensor(w, dtype=torch.bfloat16)
        got = ops.spectral_soft_cap(wb, 0.1)
        self.assertEqual(got.dtype, torch.bfloat16)
        self.check(got, ref.soft_cap(wb.double().numpy(), 0.1, 1.0), tol=2e-2)

    def test_hard_cap_exact(self):
        for shape, norm in [((32, 20), "spectral"), ((2, 12, 40), "rms")]:
            w = with_spectrum(self.rng, shape, 0.1, 5.0)
            got = ops.spectral_hard_cap(torch.tensor(w, dtype=torch.float32),
                                        1.0, "msign", norm)
            self.check(got, ref.constraint(
                "hard_cap", w, {"sigma_max": 1.0, "method": "msign",
                                "norm": norm}, list(shape)))

    def test_orthogonalize(self):
        for schedule in ["muon5", "polar_express5"]:
            g = with_spectrum(self.rng, (24, 40), 0.05, 3.0)
            got = ops.orthogonalize(torch.tensor(g, dtype=torch.float32),
                                    schedule)
            self.check(got, ref.orthogonalize(g, schedule))

    def test_normalize_and_hammer(self):
        w = with_spectrum(self.rng, (30, 18), 0.1, 1.0, top=3.0)
        t = torch.tensor(w, dtype=torch.float32)
        attrs = {"sigma_max": 1.5}
        self.check(ops.spectral_normalize(t, 1.5, 32),
                   ref.constraint("normalize", w, attrs, [30, 18]))
        self.check(ops.spectral_hammer(t, 1.5, 32),
                   ref.constraint("hammer", w, attrs, [30, 18]))

    def test_muon_step(self):
        shape = (16, 24)
        w = with_spectrum(self.rng, shape, 0.1, 0.9)
        g = self.rng.standard_normal(shape)
        m = self.rng.standard_normal(shape) * 0.1
        lr, beta = 0.05, 0.9
        t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
        new_w, new_m = ops.muon_step(t(w), t(g), t(m), lr, beta, False)
        exp_m = beta * m + (1 - beta) * g
        exp_w = w - lr * math.sqrt(16 / 24) * ref.orthogonalize(exp_m, "muon5")
        self.check(new_m, exp_m, tol=1e-12)
        self.check(new_w, exp_w, tol=1e-10)

    def test_compiled_once_per_signature(self):
        w = torch.randn(8, 8)
        ops.spectral_soft_cap(w, 0.25)
        before = compiled_kernels()
        for _ in range(3):
            ops.spectral_soft_cap(torch.randn(8, 8), 0.25)
        self.assertEqual(compiled_kernels(), before)
        ops.spectral_soft_cap(torch.randn(8, 9), 0.25)
        self.assertEqual(compiled_kernels(), before + 1)

    def test_non_contiguous_input(self):
        w = with_spectrum(self.rng, (16, 24), 0.1, 2.0)
        t = torch.tensor(w.T.copy(), dtype=torch.float32).t()
        self.assertFalse(t.is_contiguous())
        self.check(ops.spectral_soft_cap(t, 0.1), ref.soft_cap(w, 0.1, 1.0))


class BadInput(unittest.TestCase):
    def raises(self, text, fn):
        with self.assertRaisesRegex(RuntimeError, re.escape(text)):
            fn()

    def test_errors_name_the_problem(self):
        self.raises("rank >= 2), got rank 1",
                    lambda: ops.spectral_soft_cap(torch.randn(5), 0.1))
        self.raises("has dtype Int",
                    lambda: ops.spectral_soft_cap(
                        torch.ones(4, 4, dtype=torch.int32), 0.1))
        self.raises("'sigma_max' must be > 0",
                    lambda: ops.spectral_hammer(torch.randn(4, 4), -1.0))
        self.raises("attribute 'schedule' of 'lipt.orthogonalize' cannot be",
                    lambda: ops.orthogonalize(torch.randn(4, 4), "muon7"))
        self.raises("attribute 'method' of 'lipt.spectral_hard_cap' cannot be",
                    lambda: ops.spectral_hard_cap(torch.randn(4, 4), 1.0,
                                                  "exact"))
        w = [torch.randn(4, 4)]
        self.raises("'grad' has 2 tensors",
                    lambda: ops.muon_step_(w, [torch.randn(4, 4)] * 2,
                                           [torch.zeros(4, 4)], 0.1))
        self.raises("one call takes weights of one shape",
                    lambda: ops.muon_step_([torch.randn(4, 4),
                                            torch.randn(4, 5)],
                                           [torch.randn(4, 4)] * 2,
                                           [torch.zeros(4, 4)] * 2, 0.1))


def mlp(rng_seed, sigma_max, norm="spectral"):
    torch.manual_seed(rng_seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(8, 32, bias=False), torch.nn.GELU(),
        torch.nn.Linear(32, 32, bias=False), torch.nn.GELU(),
        torch.nn.Linear(32, 1, bias=False))
    return lipt.torch.constrain_(model, "hard_cap", sigma_max, norm)


def regression_data():
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(256, 8, generator=gen)
    y = torch.sin(x[:, :1] * 2) + 0.5 * x[:, 1:2]
    return x, y


class MuonOptimizer(unittest.TestCase):
    def train(self, model, opt, steps, check=None):
        x, y = regression_data()
        losses = []
        for _ in range(steps):
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if check:
                check(model)
        return losses

    def test_trains_within_the_cap(self):
        model = mlp(0, 1.0)
        opt = lipt.torch.Muon(model.parameters(), lr=0.02, sigma_max=1.0)

        def within(m):
            for p in m.parameters():
                s = torch.linalg.matrix_norm(p.detach().double(), 2).item()
                self.assertLessEqual(s, 1.001)
        losses = self.train(model, opt, 60, within)
        self.assertLess(losses[-1], 0.7 * losses[0])

    def test_lr_schedule_compiles_once(self):
        # lr is an operand of the step (and the soft cap's strength follows
        # it per call): a schedule that changes lr every step reuses one
        # kernel, and every step stays within the cap.
        model = mlp(4, 1.0)
        opt = lipt.torch.Muon(model.parameters(), lr=0.05, sigma_max=1.0)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda step: 1.0 - step / 40)
        self.train(model, opt, 1)
        sched.step()
        before = compiled_kernels()

        def within(m):
            for p in m.parameters():
                s = torch.linalg.matrix_norm(p.detach().double(), 2).item()
                self.assertLessEqual(s, 1.001)

        def step_and_schedule(m):
            within(m)
            sched.step()
        self.train(model, opt, 20, step_and_schedule)
        self.assertEqual(compiled_kernels(), before)
        self.assertLess(opt.param_groups[0]["lr"], 0.05 * 0.6)

    def test_rms_units(self):
        model = mlp(1, 2.0, "rms")
        opt = lipt.torch.Muon(model.parameters(), lr=0.05, sigma_max=2.0,
                              norm="rms")
        self.train(model, opt, 20)
        for p in model.parameters():
            rms = (torch.linalg.matrix_norm(p.detach().double(), 2).item()
                   * math.sqrt(p.shape[1] / p.shape[0]))
            self.assertLessEqual(rms, 2.0 * 1.001)

    def test_state_dict_round_trip(self):
        a = mlp(2, 1.0)
        opt_a = lipt.torch.Muon(a.parameters(), lr=0.02)
        self.train(a, opt_a, 5)
        b = mlp(3, 1.0)
        b.load_state_dict(a.state_dict())
        opt_b = lipt.torch.Muon(b.parameters(), lr=0.02)
        opt_b.load_state_dict(opt_a.state_dict())
        self.train(a, opt_a, 3)
        self.train(b, opt_b, 3)
        for pa, pb in zip(a.parameters(), b.parameters()):
            self.assertTrue(torch.equal(pa, pb))

    def test_rejects_weights_above_the_cap(self):
        torch.manual_seed(0)
        big = torch.nn.Linear(16, 16, bias=False)
        with torch.no_grad():
            big.weight.mul_(10)
        with self.assertRaisesRegex(ValueError, "constrain_"):
            lipt.torch.Muon(big.parameters(), lr=0.1, sigma_max=1.0)
        with self.assertRaisesRegex(ValueError, "another optimizer"):
            lipt.torch.Muon(torch.nn.Linear(4, 4).parameters(), lr=0.1,
                            constraint="none")

    def test_constrain(self):
        # normalize estimates sigma_1 by power iteration: a spectrum with a
        # clear top gap, so the estimate has converged.
        model = torch.nn.Linear(12, 20, bias=False)
        w = with_spectrum(np.random.default_rng(5), (20, 12), 0.5, 5.0, 10.0)
        with torch.no_grad():
            model.weight.copy_(torch.tensor(w))
        lipt.torch.constrain_(model, "normalize", 0.5)
        s = torch.linalg.matrix_norm(model.weight.detach().double(), 2).item()
        self.assertAlmostEqual(s, 0.5, delta=1e-3)
        with self.assertRaisesRegex(ValueError, "Muon\\(constraint='soft_cap'"):
            lipt.torch.constrain_(model, "soft_cap", 1.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
