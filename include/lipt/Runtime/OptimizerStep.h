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
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lipt_runtime {

/// The weight constraints, as #lipt.constraint spells them and numbers them
/// (test/Unit/DialectTest.cpp checks the dialect's ODS enum agrees, value by
/// value): the runtime's copy, since it cannot include generated MLIR code.
enum class ConstraintKind { none, soft_cap, hard_cap, hammer, normalize };

/// The spellings of an enum, in value order: what configs, JSON and
/// messages use. One table per enum.
template <typename E> struct EnumNames;
template <> struct EnumNames<ConstraintKind> {
  static constexpr const char *names[] = {"none", "soft_cap", "hard_cap",
                                          "hammer", "normalize"};
};

/// The spelling of `value`.
template <typename E> const char *nameOf(E value) {
  return EnumNames<E>::names[static_cast<int>(value)];
}
/// The value spelled `text`, or false.
template <typename E> bool parseName(std::string_view text, E &out) {
  int i = 0;
  for (const char *name : EnumNames<E>::names) {
    if (text == name) {
      out = static_cast<E>(i);
      return true;
    }
    ++i;
  }
  return false;
}
/// "a, b or c", for messages.
template <typename E> std::string namesList() {
  std::string out;
  const auto &names = EnumNames<E>::names;
  size_t n = std::size(names);
  for (size_t i = 0; i < n; ++i)
    out += std::string(i == 0 ? "" : i + 1 == n ? " or " : ", ") + names[i];
  return out;
}
template <typename E> std::vector<std::string> allNames() {
  return {std::begin(EnumNames<E>::names), std::end(EnumNames<E>::names)};
}

struct MuonStepConfig {
  /// The function's name in the program ("muon_step_0").
  std::string name;
  int64_t count = 1, rows = 0, cols = 0;
  /// The weights' leading (batch) dims when not just {count} (a PyTorch
  /// op's weight of any rank, none for one matrix), and their element type.
  std::optional<std::vector<int64_t>> leadingDims;
  DType dtype = DType::f32;
  double beta = 0.9;
  bool nesterov = false;
  double wd = 0, targetNorm = 1;
  /// The orthogonalization schedule as #lipt.schedule prints it (or a
  /// schedule name), and its steps and Frobenius pre-scale for the
  /// reference.
  std::string schedule = "muon5";
  std::vector<PolyStep> scheduleSteps;
  double frobScale = 1, scheduleGain = 1;
  /// The constraint after the step, with sigma_max in RMS->RMS units when
  /// rmsNorm (else spectral).
  ConstraintKind constraint = ConstraintKind::none;
  double sigmaMax = 0;
  bool rmsNorm = true;
  /// hard_cap: the paper's polynomial (true) or the exact msign form.
  bool polynomialHardCap = true;
  int64_t iters = 16;

  /// The weights' full shape: leadingDims (or {count}), rows, cols.
  std::vector<int64_t> weightShape() const;
  MuonStepShape shape() const {
    return {rows, cols, wd, targetNorm, scheduleGain, rmsNorm};
  }
  /// The bound on a weight's spectral norm (sigma_max in spectral units).
  double spectralBound() const;
  /// The step's run-time operands at learning rate `lr`: {lr}, and for a
  /// soft cap also its strength on W / bound (Theorem 3.1's coupling for
  /// muonStepCoupling's update norm and decay). An error when no strength
  /// holds the bound or the decay would not shrink the weight.
  Status stepScalars(double lr, std::vector<double> &out) const;
};

/// One lipt.adamw_step over a [count, rows, cols] group; its run-time
/// operands are {lr, t} with t the step count from 1 (bias corrections).
struct AdamwStepConfig {
  std::string name;
  int64_t count = 1, rows = 0, cols = 0;
  double beta = 0.9, beta2 = 0.999, wd = 0, eps = 1e-8;
  /// none, hard_cap, hammer or normalize, as in MuonStepConfig.
  ConstraintKind constraint = ConstraintKind::none;
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

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_OPTIMIZERSTEP_H
