//===- FuzzContext.h - an MLIRContext shared by fuzz iterations -*- C++ -*-===//
//
// Creating a context per input would dominate the run time; keeping one for
// ever would grow without bound (attributes and types are uniqued in it and
// never freed). The fuzzers share one and replace it every kInputsPerContext
// inputs.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_FUZZ_FUZZCONTEXT_H
#define LIPT_FUZZ_FUZZCONTEXT_H

#include "lipt/InitAll.h"
#include "lipt/Runtime/Nesting.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>
#include <string_view>

namespace lipt_fuzz {

class FuzzContext {
public:
  /// The context for the next input: every upstream dialect and lipt's, as
  /// lipt-opt registers them; unregistered ops allowed, as lipt-run allows
  /// them; diagnostics dropped (an error is an expected outcome).
  mlir::MLIRContext &next() {
    if (!context || ++inputs % kInputsPerContext == 0) {
      mlir::DialectRegistry registry;
      mlir::registerAllDialects(registry);
      mlir::lipt::registerLiptDialects(registry);
      context = std::make_unique<mlir::MLIRContext>(
          registry, mlir::MLIRContext::Threading::DISABLED);
      context->allowUnregisteredDialects();
      context->getDiagEngine().registerHandler(
          [](mlir::Diagnostic &) { return mlir::success(); });
    }
    return *context;
  }

  /// Parses `text` as lipt-run does: the nesting check first, then MLIR's
  /// parser on a NUL-terminated buffer (MLIR's lexer relies on the NUL that
  /// files read through llvm::MemoryBuffer end in; fuzzer data has none).
  /// Null when either refuses.
  mlir::OwningOpRef<mlir::ModuleOp> parse(const uint8_t *data, size_t size) {
    std::string_view text(reinterpret_cast<const char *>(data), size);
    if (!lipt_runtime::checkIRNesting(text))
      return nullptr;
    source.assign(text.data(), text.size());
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBuffer(
            llvm::StringRef(source.c_str(), source.size()), "fuzz.mlir",
            /*RequiresNullTerminator=*/true),
        llvm::SMLoc());
    return mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &next());
  }

private:
  static constexpr unsigned kInputsPerContext = 2000;
  std::unique_ptr<mlir::MLIRContext> context;
  unsigned inputs = 0;
  std::string source;
};

} // namespace lipt_fuzz

#endif // LIPT_FUZZ_FUZZCONTEXT_H
