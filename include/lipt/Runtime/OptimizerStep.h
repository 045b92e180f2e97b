//===- OptimizerStep.h - a parameter group's step, as plain data -*- C++
//-*-===//
//
// The fixed parameters of the optimizer program's ops (lipt.muon_step,
// lipt.adamw_step, lipt.row_normalized_step) over a [count, rows, cols]
// group of weights, and what the host passes them per step. The IR builder
// (lipt/Optim/StepProgram.h) turns it into the step's function, the
// LibTorch reference (lipt/Torch/Reference.h) runs the same algorithm
// eagerly, and the trainer, the PyTorch ops and the benchmark call either.
// No MLIR, no LibTorch.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_OPTIMIZERSTEP_H
#define LIPT_RUNTIME_OPTIMIZERSTEP_H

#include "lipt/Runtime/Runtime.h"
#include "lipt/Runtime/SpectralMath.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lipt_runtime {

struct MuonStepConfig {
  /// The function's name in the program ("muon_step_0").
  std::string name;
  int64_t count = 1, rows = 0, cols = 0;
  double beta = 0.9;
  bool nesterov = false;
  double wd = 0, targetNorm = 1;
  /// The orthogonalization schedule as #lipt.schedule prints it (or a
  /// schedule name), and its steps and Frobenius pre-scale for the
  /// reference.
  std::string schedule = "muon5";
  std::vector<PolyStep> scheduleSteps;
  double frobScale = 1, scheduleGain = 1;
  /// none | soft_cap | hard_cap | hammer | normalize (lipt.constraint), with
  /// sigma_max in RMS->RMS units when rmsNorm (else spectral).
  std::string constraint = "none";
  double sigmaMax = 0;
  bool rmsNorm = true;
  /// hard_cap: the paper's polynomial (true) or the exact msign form.
  bool polynomialHardCap = true;
  int64_t iters = 16;

  MuonStepShape shape() const {
    return {rows, cols, wd, targetNorm, scheduleGain, rmsNorm};
  }
  /// The bound on a weight's spectral norm (sigma_max in spectral units).
  double spectralBound() const;
  /// The step's run-time operands at learning rate `lr`: {lr}, and for a
  /// soft cap also its strength on W / bound (Theorem 3.1's coupling,
  /// muonSoftCapStrength). An error when no strength holds the bound or the
  /// decay would not shrink the weight.
  Status stepScalars(double lr, std::vector<double> &out) const;
};

/// One lipt.adamw_step over a [count, rows, cols] group; its run-time
/// operands are {lr, t} with t the step count from 1 (bias corrections).
struct AdamwStepConfig {
  std::string name;
  int64_t count = 1, rows = 0, cols = 0;
  double beta = 0.9, beta2 = 0.999, wd = 0, eps = 1e-8;
  /// none | hard_cap | hammer | normalize, as in MuonStepConfig.
  std::string constraint = "none";
  double sigmaMax = 0;
  bool rmsNorm = true, polynomialHardCap = true;
  int64_t iters = 16;
  double spectralBound() const;
};

/// One lipt.row_normalized_step (the embedding or the unembedding, one
/// token per row of [rows, cols]); its run-time operand is {lr}.
struct RowStepConfig {
  std::string name;
  int64_t rows = 0, cols = 0;
  double beta = 0.9, wd = 0, targetNorm = 1, maxInflation = 16, maxRms = 1;
};

/// The run-time operands of a lipt.muon_step whose fixed parameters are
/// `shape` (MuonStepOp::getStepShape), at learning rate lr: {lr}, plus the
/// soft cap's strength when softCap. Errors say why the step cannot run.
Status muonStepScalars(const MuonStepShape &shape, bool softCap,
                       double sigmaMax, double lr, std::vector<double> &out);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_OPTIMIZERSTEP_H
