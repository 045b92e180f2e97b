//===- LiptDialect.cpp - lipt dialect registration ------------------------===//

#include "lipt/Dialect/LiptDialect.h"
#include "lipt/Dialect/LiptOps.h"

using namespace mlir;
using namespace mlir::lipt;

#include "lipt/Dialect/LiptDialect.cpp.inc"
#include "lipt/Dialect/LiptEnums.cpp.inc"

void LiptDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "lipt/Dialect/LiptOps.cpp.inc"
      >();
  registerAttributes();
}
