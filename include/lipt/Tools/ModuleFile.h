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

/// A context for tools that compile for the CPU: every dialect and
/// translation the CPU backend uses, loaded; unregistered dialects allowed,
/// so IR from other frameworks parses (lipt-cpu-pipeline imports lipt custom
/// calls and reports any other op it cannot compile).
std::unique_ptr<MLIRContext> createCpuToolContext();

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
