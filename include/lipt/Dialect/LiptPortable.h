//===- LiptPortable.h - lipt ops as other hosts spell them ------*- C++ -*-===//
//
// Other frameworks cannot name lipt attributes: a StableHLO custom call
// carries its configuration as plain scalars and strings (floats of any
// width, integers of any width and signedness, booleans, strings for enums
// and schedules), and a PyTorch schema passes doubles, ints, bools and
// strings. This is the one place that maps between that portable spelling
// and lipt's typed attributes, used by the custom-call importer and exporter
// and by the PyTorch op library alike. Which portable value fits which
// attribute is decided by the op's own ODS constraints, not by a table here.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_DIALECT_LIPTPORTABLE_H
#define LIPT_DIALECT_LIPTPORTABLE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OperationSupport.h"

namespace mlir::lipt {

/// The lipt ops that map tensors to tensors and so can stand behind a
/// custom call or a PyTorch op (not the model ops, which have regions or
/// describe a training setup).
bool isCallableLiptOp(OperationName name);

/// The names of the callable ops without the `lipt.` prefix, sorted.
SmallVector<StringRef> callableLiptOpNames(MLIRContext *ctx);

/// `attr` as a host can spell it: enums and named schedules become their
/// names, explicit schedules their attribute text; numbers stay numbers.
Attribute toPortableAttr(Attribute attr);

/// The value of `op`'s inherent attribute `name` for the portable `value`,
/// or a diagnostic at `loc` naming the attribute (unknown to the op, or a
/// value of a type it cannot take).
FailureOr<Attribute> fromPortableAttr(RegisteredOperationName op,
                                      StringRef name, Attribute value,
                                      Location loc);

/// Creates `opName` (e.g. "lipt.spectral_soft_cap") at `b`'s insertion point
/// from operands, result types and portable attributes, and verifies it. On
/// failure, diagnostics are at `loc` and nothing is left in the IR.
FailureOr<Operation *> createLiptOpFromPortable(OpBuilder &b, Location loc,
                                                StringRef opName,
                                                ValueRange operands,
                                                TypeRange resultTypes,
                                                ArrayRef<NamedAttribute> attrs);

} // namespace mlir::lipt

#endif // LIPT_DIALECT_LIPTPORTABLE_H
