//===- StepProgram.h - the optimizer step as one IR program -----*- C++ -*-===//
//
// The one definition of the optimizer program: per parameter group a
// function around one lipt op (lipt.muon_step, lipt.adamw_step,
// lipt.row_normalized_step), built with OpBuilder, whose per-step values
// (the learning rate, a soft cap's strength) are operands, so a schedule
// never recompiles. Training (the model's optimizer kernels, in-process or
// in an artifact), torch.ops.lipt.muon_step_ and the step benchmark all run
// functions built here; lipt/Torch/Reference.h is the same algorithm in
// eager LibTorch.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_OPTIM_STEPPROGRAM_H
#define LIPT_OPTIM_STEPPROGRAM_H

#include "lipt/Runtime/OptimizerStep.h"

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

/// Appends func.func @<config.name>(%w, %g, %m, %v : tensor<count x rows x
/// cols x f32>, %lr, %t : tensor<f64>) -> (w', m', v'): one lipt.adamw_step
/// (lr and the step count t as operands) with the group's constraint.
FailureOr<func::FuncOp>
buildAdamwStepFunction(OpBuilder &b, Location loc,
                       const ::lipt_runtime::AdamwStepConfig &config);

/// Appends func.func @<config.name>(%w, %g, %m : tensor<rows x cols x f32>,
/// %lr : tensor<f64>) -> (w', m'): one lipt.row_normalized_step, the
/// embedding's or the unembedding's update.
FailureOr<func::FuncOp>
buildRowStepFunction(OpBuilder &b, Location loc,
                     const ::lipt_runtime::RowStepConfig &config);

/// A module with one Muon step function per config.
OwningOpRef<ModuleOp>
buildMuonStepProgram(MLIRContext *context,
                     ArrayRef<::lipt_runtime::MuonStepConfig> configs);

} // namespace mlir::lipt

#endif // LIPT_OPTIM_STEPPROGRAM_H
