//===- LiptOps.h - lipt operations ------------------------------*- C++ -*-===//

#ifndef LIPT_DIALECT_LIPTOPS_H
#define LIPT_DIALECT_LIPTOPS_H

#include "lipt/Dialect/Lipschitz.h"
#include "lipt/Dialect/LiptDialect.h"
#include "lipt/Runtime/SpectralMath.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "lipt/Dialect/LiptOps.h.inc"

namespace mlir::lipt {

/// Whether a model op (lipt.linear, lipt.attention, lipt.mlp) trains a hard
/// cap with the paper's polynomial: unless its hard_cap_method says msign
/// (LiptModelOps.td).
template <typename ModelOp> bool trainsPolynomialHardCap(ModelOp op) {
  return op.getHardCapMethod().value_or(HardCapMethod::polynomial) ==
         HardCapMethod::polynomial;
}

} // namespace mlir::lipt

#endif // LIPT_DIALECT_LIPTOPS_H
