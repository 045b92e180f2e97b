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

#endif // LIPT_DIALECT_LIPTOPS_H
