//===- Dialects.cpp - C API of the lipt dialect and passes ----------------===//

#include "lipt-c/Dialects.h"
#include "lipt/Dialect/LiptDialect.h"
#include "lipt/InitAll.h"

#include "mlir/CAPI/Registration.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Lipt, lipt, mlir::lipt::LiptDialect)

void liptRegisterPasses(void) { mlir::lipt::registerLiptPassesAndPipelines(); }
