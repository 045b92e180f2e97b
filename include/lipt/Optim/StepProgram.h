//===- StepProgram.h - the optimizer step as one IR program -----*- C++ -*-===//
//
// The one definition of the optimizer program: per parameter group a
// function around one lipt op, built with OpBuilder, whose per-step values
// (the learning rate, a soft cap's strength) are operands, so a schedule
// never recompiles. Training (the model's optimizer kernels, in-process or
// in an artifact), torch.ops.lipt.muon_step_ and the step benchmark all run
// functions built here; lipt/Torch/Reference.h is the same algorithm in
// eager LibTorch.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_OPTIM_STEPPROGRAM_H
#define LIPT_OPTIM_STEPPROGRAM_H

#include "lipt/Runtime/MuonStep.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::lipt {

/// Appends at `b`'s insertion point
///   func.func @<config.name>(%w, %g, %m : tensor<count x rows x cols x f32>,
///                            %lr : tensor<f64> [, %alpha : tensor<f64>])
///       -> (new weight, new momentum)
/// holding one lipt.muon_step with lr (and a soft cap's strength) as
/// step_scalars operands; MuonStepConfig::stepScalars gives their values.
/// Fails, with a diagnostic at `loc`, on a config the op rejects.
FailureOr<func::FuncOp>
buildMuonStepFunction(OpBuilder &b, Location loc,
                      const ::lipt_runtime::MuonStepConfig &config);

/// Appends func.func @<name>(%w) -> %w' applying `config`'s constraint (not
/// a soft cap, whose strength belongs to a Muon step) with its sigma_max:
/// AdamW's constraint after its update.
FailureOr<func::FuncOp>
buildConstraintFunction(OpBuilder &b, Location loc, StringRef name,
                        const ::lipt_runtime::MuonStepConfig &config);

/// A module with one Muon step function per config.
OwningOpRef<ModuleOp>
buildMuonStepProgram(MLIRContext *context,
                     ArrayRef<::lipt_runtime::MuonStepConfig> configs);

} // namespace mlir::lipt

#endif // LIPT_OPTIM_STEPPROGRAM_H
