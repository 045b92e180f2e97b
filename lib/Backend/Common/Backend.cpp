//===- Backend.cpp - the Backend interface's defaults ---------------------===//
//
// Here rather than beside the backend list (lib/Backend/Backend.cpp): every
// backend's vtable needs these, and the backends link this library.
//
//===----------------------------------------------------------------------===//

#include "lipt/Backend/Backend.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;

LogicalResult lipt::Backend::emitKernels(ModuleOp module, const std::string &,
                                         const ArtifactOptions &) const {
  return mlir::emitError(module.getLoc())
         << "--target=" << name() << " has no device kernels to emit";
}
