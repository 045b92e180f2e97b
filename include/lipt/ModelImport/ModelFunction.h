//===- ModelFunction.h - a ModelSpec as a model function --------*- C++ -*-===//
//
// The inverse of importModel's architecture part: the model function a
// checkpoint's config describes, so a checkpoint alone can be compiled
// (lipt-run --eval) or certified (--lipt-certify).
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_MODELIMPORT_MODELFUNCTION_H
#define LIPT_MODELIMPORT_MODELFUNCTION_H

#include "lipt/Train/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::lipt {

/// A module holding `func.func @model(tokens: tensor<batch x seq x i32>,
/// weights... [fan_out, fan_in] f32 in checkpoint order) -> logits
/// tensor<batch x seq x vocab x f32>`: embed, per layer a convex residual
/// around attention and one around mlp (after a layer_norm where the spec
/// has one), an optional layer_norm, head; constraints as attributes. The
/// module carries no training config (`lipt.train`): importModel of it
/// gives back the architecture.
OwningOpRef<ModuleOp> buildModelFunction(const lipt_train::ModelSpec &spec,
                                         int64_t batch, MLIRContext *context);

} // namespace mlir::lipt

#endif // LIPT_MODELIMPORT_MODELFUNCTION_H
