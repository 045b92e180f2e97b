//===- LiptDialect.h - lipt dialect, enums and attributes -------*- C++ -*-===//

#ifndef LIPT_DIALECT_LIPTDIALECT_H
#define LIPT_DIALECT_LIPTDIALECT_H

#include "lipt/Runtime/SpectralMath.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "lipt/Dialect/LiptDialect.h.inc"
#include "lipt/Dialect/LiptEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "lipt/Dialect/LiptAttrs.h.inc"

#endif // LIPT_DIALECT_LIPTDIALECT_H
