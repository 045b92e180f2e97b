//===- Lipschitz.h - LipschitzOpInterface and its context -------*- C++ -*-===//
//
// The interface every op that takes part in a certified bound implements
// (dialect/LiptInterfaces.td), and the context --lipt-certify hands it: the
// norms of the op's weights (exact, or the caps) and the bound variant.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_DIALECT_LIPSCHITZ_H
#define LIPT_DIALECT_LIPSCHITZ_H

#include "lipt/Runtime/Certify.h"

#include "mlir/IR/OpDefinition.h"

#include <optional>
#include <string>

namespace mlir::lipt {

/// One map's part of the bound: its Lipschitz constant on inputs whose token
/// norms are at most the input bound, and the bound on its outputs' token
/// norms.
struct LipschitzStep {
  double lipschitz = 1.0;
  double outputBound = 1.0;
};

/// The bound a model op's attributes promise for its weights (their
/// constraint, enforced by training), or why they promise none.
struct WeightCap {
  std::optional<double> bound;
  std::string why;
};

/// What an op asks while it states its step.
class LipschitzContext {
public:
  virtual ~LipschitzContext();

  /// Which formula (Certify.h): what lipt certifies, or the reference
  /// implementation's.
  ::lipt_runtime::BoundVariant variant = ::lipt_runtime::BoundVariant::sound;

  /// The RMS->RMS norm of weight operand `weight` of `user`, given the
  /// bound `user`'s attributes promise for it. Failure after breaks() when
  /// it is unknown.
  virtual FailureOr<double> weightNorm(Operation *user, Value weight,
                                       const WeightCap &cap) = 0;
  /// The composed step of `region`'s block, whose first argument has token
  /// norms <= `inputBound`, up to its terminator's first operand.
  virtual FailureOr<LipschitzStep> regionStep(Region &region,
                                              double inputBound) = 0;
  /// The bound on the rows' RMS norms of unembedding weights that training
  /// enforces (Muon projects them to 1), if it enforces one.
  std::optional<double> trainedRowRms;

  /// Records that `op` breaks the bound, and why; returns failure().
  LogicalResult breaks(Operation *op, const Twine &why);
  Operation *breakingOp = nullptr;
  std::string reason;
};

} // namespace mlir::lipt

#include "lipt/Dialect/LiptInterfaces.h.inc"

#endif // LIPT_DIALECT_LIPSCHITZ_H
