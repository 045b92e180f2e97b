//===- Backend.cpp - the backends --target= can name ----------------------===//

#include "lipt/Backend/Backend.h"
#include "lipt/Backend/Cpu/CpuBackend.h"
#include "lipt/Backend/Cuda/CudaBackend.h"

using namespace mlir;

/// Every backend, in the order --help lists them. A new one is one more
/// entry here.
static const lipt::Backend *const kBackends[] = {&lipt::getCpuBackend(),
                                                 &lipt::getCudaBackend()};

const lipt::Backend *mlir::lipt::lookupBackend(StringRef name) {
  for (const Backend *backend : kBackends)
    if (backend->name() == name)
      return backend;
  return nullptr;
}

std::vector<std::string> mlir::lipt::backendNames() {
  std::vector<std::string> names;
  for (const Backend *backend : kBackends)
    names.push_back(backend->name().str());
  return names;
}
