//===- InitAll.h - register lipt dialects and passes ------------*- C++ -*-===//

#ifndef LIPT_INITALL_H
#define LIPT_INITALL_H

namespace mlir {
class DialectRegistry;
namespace lipt {

/// Adds the lipt dialect to `registry`.
void registerLiptDialects(DialectRegistry &registry);
/// Registers every lipt pass and pipeline with the global pass registry,
/// once per copy of lipt in the process (later calls do nothing).
void registerLiptPassesAndPipelines();

} // namespace lipt
} // namespace mlir

#endif // LIPT_INITALL_H
