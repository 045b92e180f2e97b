//===- ModuleFile.h - how lipt's tools read IR files ------------*- C++ -*-===//

#ifndef LIPT_TOOLS_MODULEFILE_H
#define LIPT_TOOLS_MODULEFILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>

namespace mlir::lipt {

/// A context for lipt's compiling tools (lipt-compile, lipt-run): every
/// dialect and translation the CPU and CUDA backends use, loaded;
/// unregistered dialects allowed, so IR from other frameworks parses (the
/// pipelines import lipt custom calls and report any other op they cannot
/// compile). Diagnostics quote the source line, not the op's generic form.
std::unique_ptr<MLIRContext> createToolContext();

/// Reads IR files as lipt-run and lipt-compile do, and keeps the source so
/// that later diagnostics (from compiling the module) point into it.
class ModuleFileReader {
public:
  explicit ModuleFileReader(MLIRContext &context);

  /// The module in `path`: a regular file (a FIFO would block, a device
  /// never end) of at most 1 GiB whose brackets nest at most kMaxIRNesting
  /// deep (lipt/Runtime/Nesting.h). On failure returns null, and `error`
  /// says why, unless the parser already reported at a location in the file
  /// (then `error` is empty).
  OwningOpRef<ModuleOp> read(const std::string &path, std::string &error);

private:
  MLIRContext &context;
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics;
};

} // namespace mlir::lipt

#endif // LIPT_TOOLS_MODULEFILE_H
