//===- Reference.h - the optimizer ops in eager LibTorch --------*- C++ -*-===//
//
// The "reference" backend: each op of the optimizer program
// (lipt/Optim/StepProgram.h) written as plain LibTorch ops from
// paper-notes, the way a framework user writes it. Tests compare the
// compiled program against it, the step benchmark times it as its
// baseline, and `lipt-run --optimizer-backend=reference` trains with it.
// Built with exceptions; errors are lipt_runtime::Status.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TORCH_REFERENCE_H
#define LIPT_TORCH_REFERENCE_H

#include "lipt/Runtime/OptimizerStep.h"

#include <torch/torch.h>

namespace lipt_torch {

/// lipt.orthogonalize: G / (frobScale ||G||_F + eps) per matrix, then each
/// step X <- a X + (b A + c A^2) X with A the smaller Gram matrix, over
/// [B, m, n] (paper-notes, "Orthogonalization").
torch::Tensor
referenceOrthogonalize(const torch::Tensor &g,
                       const std::vector<lipt_runtime::PolyStep> &steps,
                       double frobScale, double eps = 1e-7);

/// lipt.muon_step on [B, m, n] weights at learning rate `scalars[0]` (and a
/// soft cap's strength `scalars[1]`, MuonStepConfig::stepScalars): updates
/// `weight` and `momentum` in place. Implements the constraints none,
/// soft_cap and hard_cap (the polynomial); others fail.
lipt_runtime::Status referenceMuonStep(const lipt_runtime::MuonStepConfig &c,
                                       const torch::Tensor &weight,
                                       const torch::Tensor &grad,
                                       const torch::Tensor &momentum,
                                       const std::vector<double> &scalars);

/// lipt.adamw_step at scalars {lr, t} (t the step count from 1), updating
/// `weight`, `expAvg` and `expAvgSq` in place; constraints as above.
lipt_runtime::Status referenceAdamwStep(const lipt_runtime::AdamwStepConfig &c,
                                        const torch::Tensor &weight,
                                        const torch::Tensor &grad,
                                        const torch::Tensor &expAvg,
                                        const torch::Tensor &expAvgSq,
                                        const std::vector<double> &scalars);

/// lipt.row_normalized_step on [rows, d] at scalars {lr}, updating `weight`
/// and `momentum` in place.
lipt_runtime::Status referenceRowStep(const lipt_runtime::RowStepConfig &c,
                                      const torch::Tensor &weight,
                                      const torch::Tensor &grad,
                                      const torch::Tensor &momentum,
                                      const std::vector<double> &scalars);

} // namespace lipt_torch

#endif // LIPT_TORCH_REFERENCE_H
