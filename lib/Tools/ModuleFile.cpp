//===- ModuleFile.cpp - how lipt's tools read IR files --------------------===//

#include "lipt/Tools/ModuleFile.h"
#include "lipt/Backend/Cpu/CpuBackend.h"
#include "lipt/Backend/Cuda/CudaBackend.h"
#include "lipt/Runtime/Nesting.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

using namespace mlir;
namespace rt = lipt_runtime;

/// Model files are IR text: 1 GiB is far past any real one.
static constexpr uint64_t kMaxModuleBytes = uint64_t(1) << 30;

std::unique_ptr<MLIRContext> mlir::lipt::createToolContext() {
  DialectRegistry registry;
  registerCpuExecutionDialects(registry);
  registerCudaExecutionDialects(registry);
  auto context = std::make_unique<MLIRContext>(registry);
  context->loadAllAvailableDialects();
  context->allowUnregisteredDialects();
  // A diagnostic already quotes its source line; MLIR's default appends the
  // whole failing op in generic form (a function, for a signature error),
  // which buries the message a user needs.
  context->printOpOnDiagnostic(false);
  return context;
}

mlir::lipt::ModuleFileReader::ModuleFileReader(MLIRContext &context)
    : context(context), diagnostics(sourceMgr, &context) {}

OwningOpRef<ModuleOp>
mlir::lipt::ModuleFileReader::read(const std::string &path,
                                   std::string &error) {
  if (rt::Status file = rt::checkRegularFile(path, kMaxModuleBytes); !file) {
    error = path + ": " + file.message;
    return nullptr;
  }
  auto buffer = openInputFile(path, &error);
  if (!buffer)
    return nullptr;
  // MLIR's parser recurses once per nesting level.
  if (rt::Status nesting = rt::checkIRNesting(buffer->getBuffer()); !nesting) {
    error = path + ": " + nesting.message;
    return nullptr;
  }
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  error.clear();
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}
