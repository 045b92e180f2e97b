//===- MatrixBuilder.h - linalg building blocks for lipt lowerings -*- C++ -*-//
//
// Every lowering works on a canonical form: matrices as [B, m, n] tensors,
// vectors as [B, n], one scalar per matrix as [B], all in the compute type
// (f32, or f64 for f64 weights). toBatched/fromBatched convert at the edges,
// so each op's lowering is written once for every rank and element type.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_PASSES_MATRIXBUILDER_H
#define LIPT_PASSES_MATRIXBUILDER_H

#include "lipt/Runtime/SpectralMath.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

namespace mlir::lipt {

class MatrixBuilder {
public:
  using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

  MatrixBuilder(OpBuilder &b, Location loc, Type elementType);

  /// f64 stays f64; f32, f16 and bf16 compute in f32.
  static FloatType computeTypeFor(Type elementType);
  FloatType computeType() const { return ct; }

  //===--- edges ----------------------------------------------------------===//
  /// [..., m, n] in any float type -> [B, m, n] in the compute type.
  Value toBatched(Value matrix);
  /// The inverse of toBatched, to `target`'s shape and element type.
  Value fromBatched(Value batched, RankedTensorType target);
  /// [..., n] -> [B, n] in the compute type, and back.
  Value vectorToBatched(Value vector);
  Value vectorFromBatched(Value batched, RankedTensorType target);
  /// [B] -> the batch shape `target` (rank 0 for a single matrix).
  Value scalarsFromBatched(Value batched, RankedTensorType target);

  //===--- elementwise ----------------------------------------------------===//
  Value constant(double v);
  /// The value of a rank-0 float tensor (a per-step operand), converted to
  /// the compute type.
  Value scalarOf(Value rank0);
  /// An elementwise map over `out`-shaped values. Each input is either of the
  /// output's rank (identity map) or [B] / [B, k] broadcast along the
  /// trailing dims as described by `inputMaps` (empty = all identity).
  Value map(ValueRange inputs, ArrayRef<int64_t> outShape, BodyFn body,
            ArrayRef<AffineMap> inputMaps = {});
  /// a * x + b * y (y may be null: a * x).
  Value axpby(double a, Value x, double b, Value y);
  /// The same with coefficients computed at run time (compute-type scalars).
  Value axpby(Value a, Value x, Value b, Value y);

  //===--- products and reductions ----------------------------------------===//
  /// init + sum of lhs * rhs over the reduction dims: the one contraction
  /// every product and sum of squares is built from. `maps` index lhs, rhs
  /// and init.
  Value multiplyAccumulate(Value lhs, Value rhs, ArrayRef<AffineMap> maps,
                           ArrayRef<utils::IteratorType> iters, Value init);
  /// acc + op(lhs) op(rhs) per batch, op = transpose when asked; acc may be
  /// null (zero).
  Value matmul(Value lhs, Value rhs, bool transLhs, bool transRhs,
               Value acc = nullptr);
  /// W [B,m,n] times v [B,n] (or W^T u with u [B,m] when transposed).
  Value matvec(Value w, Value v, bool transposed);
  /// Sum of squares over the trailing dims of [B, ...] -> [B].
  Value sumOfSquares(Value x);
  /// Euclidean norm per batch of [B, ...] -> [B].
  Value norm(Value x);

  //===--- matrix iterations ----------------------------------------------===//
  /// True when A = X X^T ([m, m]) is the smaller Gram matrix of [B, m, n].
  static bool isWide(Value x);
  /// One odd polynomial step X <- a X + (b A + c A^2) X on the small Gram
  /// side. Coefficients are in the units of `x`.
  Value polyStep(Value x, const ::lipt_runtime::PolyStep &step);
  /// The same with b and c computed at run time (c null: no A^2 term).
  Value polyStep(Value x, double a, Value b, Value c);
  /// X q(X^T X) (or q(X X^T) X, the smaller side) with q(A) = sum c_i A^i:
  /// one Gram matrix, A^2 once, then Horner in A^2; identity terms fold into
  /// elementwise updates and accumulators.
  Value oddPolynomial(Value x, ArrayRef<double> coefficients);
  /// m + c I for each square matrix of [B, n, n].
  Value addScaledIdentity(Value m, double c);
  /// a I + b g + c g2 for square [B, n, n] matrices in one pass (g2 may be
  /// null). Folding a step's scaled identity into its small polynomial
  /// matrix makes X (a I + P) one product with no pass over the large X.
  Value scaledIdentityPlus(double a, double b, Value g, double c = 0.0,
                           Value g2 = nullptr);
  Value scaledIdentityPlus(double a, Value b, Value g, Value c, Value g2);
  /// X / (scale * ||X||_F + eps) per matrix.
  Value frobeniusNormalize(Value x, double scale, double eps);
  /// X * s[b] / d[b] style per-matrix scaling: x * f(perBatch).
  Value scalePerBatch(Value x, Value perBatch, BodyFn scalarFn);
  /// Top singular triple of [B, m, n] from start vectors [B, n].
  struct Triple {
    Value sigma, u, v; // [B], [B, m], [B, n]
  };
  Triple powerIteration(Value w, Value start, int64_t iters);
  /// A fixed pseudo-random start vector [B, n] (deterministic, no zeros).
  Value defaultStartVector(int64_t batch, int64_t n);
  /// x + coef[b] * u v^T.
  Value rankOneUpdate(Value x, Value coef, Value u, Value v);

  /// Converts elementwise to `to` (extf or truncf; identity if equal).
  Value convertElementType(Value x, Type to);
  /// An uninitialised / zero-filled tensor of the compute type.
  Value empty(ArrayRef<int64_t> shape);
  Value zeros(ArrayRef<int64_t> shape);
  AffineMap identity(unsigned rank);

  OpBuilder &builder() { return b; }
  Location location() const { return loc; }

private:
  /// The step's shared part: the Gram matrix (and its square when asked),
  /// the small matrix `smallMatrix` makes of them, the one large product.
  Value polyStepWith(Value x, bool squared,
                     function_ref<Value(Value, Value)> smallMatrix);
  /// b G (+ c G2) (+ a I when ca is non-null), elementwise on square [B,n,n].
  Value identityPlusMap(Value ca, Value cb, Value g, Value cc, Value g2);

  OpBuilder &b;
  Location loc;
  FloatType ct;
};

/// Shape [B, m, n] of a batched value.
ArrayRef<int64_t> shapeOf(Value v);

} // namespace mlir::lipt

#endif // LIPT_PASSES_MATRIXBUILDER_H
