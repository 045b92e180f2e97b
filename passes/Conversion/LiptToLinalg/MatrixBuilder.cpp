//===- MatrixBuilder.cpp - linalg building blocks for lipt lowerings ------===//

#include "MatrixBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cstdint>

using namespace mlir;
using namespace mlir::lipt;
using utils::IteratorType;

ArrayRef<int64_t> mlir::lipt::shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

MatrixBuilder::MatrixBuilder(OpBuilder &b, Location loc, Type elementType)
    : b(b), loc(loc), ct(computeTypeFor(elementType)) {}

FloatType MatrixBuilder::computeTypeFor(Type elementType) {
  if (elementType.isF64())
    return cast<FloatType>(elementType);
  return Float32Type::get(elementType.getContext());
}

AffineMap MatrixBuilder::identity(unsigned rank) {
  return AffineMap::getMultiDimIdentityMap(rank, b.getContext());
}

Value MatrixBuilder::empty(ArrayRef<int64_t> shape) {
  return tensor::EmptyOp::create(b, loc, shape, ct);
}

Value MatrixBuilder::zeros(ArrayRef<int64_t> shape) {
  return linalg::FillOp::create(b, loc, constant(0.0), empty(shape))
      .getResult(0);
}

Value MatrixBuilder::constant(double v) {
  return arith::ConstantOp::create(b, loc, ct, b.getFloatAttr(ct, v));
}

Value MatrixBuilder::scalarOf(Value rank0) {
  Value v = tensor::ExtractOp::create(b, loc, rank0, ValueRange{});
  auto from = cast<FloatType>(v.getType());
  if (from == ct)
    return v;
  if (from.getWidth() > ct.getWidth())
    return arith::TruncFOp::create(b, loc, ct, v);
  return arith::ExtFOp::create(b, loc, ct, v);
}

//===----------------------------------------------------------------------===//
// Edges
//===----------------------------------------------------------------------===//

Value MatrixBuilder::convertElementType(Value x, Type to) {
  auto type = cast<RankedTensorType>(x.getType());
  Type from = type.getElementType();
  if (from == to)
    return x;
  bool widen = from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth();
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), to);
  unsigned rank = type.getRank();
  SmallVector<IteratorType> iters(rank, IteratorType::parallel);
  auto op = linalg::GenericOp::create(
      b, loc, init.getType(), x, init,
      SmallVector<AffineMap>(2, identity(rank)), iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value r =
            widen ? arith::ExtFOp::create(nb, nl, to, args[0]).getResult()
                  : arith::TruncFOp::create(nb, nl, to, args[0]).getResult();
        linalg::YieldOp::create(nb, nl, r);
      });
  return op.getResult(0);
}

namespace {
/// The reassociation between a rank-`rank` shape with `keep` trailing dims
/// and its batched form [B, trailing...], indexing the higher-rank side:
/// rank 4, keep 2 -> [[0, 1], [2], [3]] (collapse); rank 2, keep 2 ->
/// [[0, 1], [2]] (expand [m, n] into [1, m, n]).
SmallVector<ReassociationIndices> batchGrouping(int64_t rank, int64_t keep) {
  bool expand = rank == keep;
  int64_t lead = expand ? 2 : rank - keep;
  int64_t total = expand ? rank + 1 : rank;
  SmallVector<ReassociationIndices> groups(1);
  for (int64_t i = 0; i < lead; ++i)
    groups[0].push_back(i);
  for (int64_t i = lead; i < total; ++i)
    groups.push_back({i});
  return groups;
}

/// Reshapes `x` (rank r) into [prod(leading), trailing...] with `keep`
/// trailing dims, expanding a missing batch dim to 1.
Value reshapeToBatched(OpBuilder &b, Location loc, Value x, int64_t keep) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (rank == keep + 1)
    return x;
  ArrayRef<int64_t> shape = type.getShape();
  int64_t batch = 1;
  for (int64_t i = 0; i < rank - keep; ++i)
    batch *= shape[i];
  SmallVector<int64_t> out{batch};
  llvm::append_range(out, shape.take_back(keep));
  auto outType = RankedTensorType::get(out, type.getElementType());
  if (rank == keep)
    return tensor::ExpandShapeOp::create(b, loc, outType, x,
                                         batchGrouping(rank, keep));
  return tensor::CollapseShapeOp::create(b, loc, outType, x,
                                         batchGrouping(rank, keep));
}

/// The inverse of reshapeToBatched: [B, trailing...] -> `target` shape.
Value reshapeFromBatched(OpBuilder &b, Location loc, Value x,
                         RankedTensorType target, int64_t keep) {
  int64_t rank = target.getRank();
  if (rank == keep + 1)
    return x;
  auto type = RankedTensorType::get(
      target.getShape(), cast<RankedTensorType>(x.getType()).getElementType());
  if (rank == keep)
    return tensor::CollapseShapeOp::create(b, loc, type, x,
                                           batchGrouping(rank, keep));
  return tensor::ExpandShapeOp::create(b, loc, type, x,
                                       batchGrouping(rank, keep));
}
} // namespace

Value MatrixBuilder::toBatched(Value matrix) {
  return convertElementType(reshapeToBatched(b, loc, matrix, 2), ct);
}

Value MatrixBuilder::fromBatched(Value batched, RankedTensorType target) {
  return reshapeFromBatched(
      b, loc, convertElementType(batched, target.getElementType()), target, 2);
}

Value MatrixBuilder::vectorToBatched(Value vector) {
  return convertElementType(reshapeToBatched(b, loc, vector, 1), ct);
}

Value MatrixBuilder::vectorFromBatched(Value batched, RankedTensorType target) {
  return reshapeFromBatched(
      b, loc, convertElementType(batched, target.getElementType()), target, 1);
}

Value MatrixBuilder::scalarsFromBatched(Value batched,
                                        RankedTensorType target) {
  Value x = convertElementType(batched, target.getElementType());
  if (target.getRank() == 1)
    return x;
  if (target.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, target, x,
                                           ArrayRef<ReassociationIndices>{});
  ReassociationIndices all;
  for (int64_t i = 0; i < target.getRank(); ++i)
    all.push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, target, x,
                                       ArrayRef<ReassociationIndices>{all});
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

Value MatrixBuilder::map(ValueRange inputs, ArrayRef<int64_t> outShape,
                         BodyFn body, ArrayRef<AffineMap> inputMaps) {
  unsigned rank = outShape.size();
  SmallVector<AffineMap> maps(inputMaps);
  if (maps.empty())
    maps.assign(inputs.size(), identity(rank));
  maps.push_back(identity(rank));
  SmallVector<IteratorType> iters(rank, IteratorType::parallel);
  Value init = empty(outShape);
  auto op = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, init, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
      });
  return op.getResult(0);
}

Value MatrixBuilder::axpby(double a, Value x, double bCoef, Value y) {
  if (!y && a == 1.0)
    return x;
  Value ca = constant(a);
  return axpby(ca, x, y ? constant(bCoef) : Value(), y);
}

Value MatrixBuilder::axpby(Value a, Value x, Value bCoef, Value y) {
  if (!y)
    return map(x, shapeOf(x), [&](OpBuilder &nb, Location nl, ValueRange v) {
      return arith::MulFOp::create(nb, nl, a, v[0]).getResult();
    });
  return map({x, y}, shapeOf(x), [&](OpBuilder &nb, Location nl, ValueRange v) {
    Value ax = arith::MulFOp::create(nb, nl, a, v[0]);
    Value by = arith::MulFOp::create(nb, nl, bCoef, v[1]);
    return arith::AddFOp::create(nb, nl, ax, by).getResult();
  });
}

//===----------------------------------------------------------------------===//
// Products and reductions
//===----------------------------------------------------------------------===//

Value MatrixBuilder::multiplyAccumulate(Value lhs, Value rhs,
                                        ArrayRef<AffineMap> maps,
                                        ArrayRef<IteratorType> iters,
                                        Value init) {
  auto op = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{lhs, rhs}, init, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value p = arith::MulFOp::create(nb, nl, args[0], args[1]);
        linalg::YieldOp::create(
            nb, nl, arith::AddFOp::create(nb, nl, args[2], p).getResult());
      });
  return op.getResult(0);
}

Value MatrixBuilder::matmul(Value lhs, Value rhs, bool transLhs, bool transRhs,
                            Value acc) {
  ArrayRef<int64_t> ls = shapeOf(lhs), rs = shapeOf(rhs);
  int64_t rows = transLhs ? ls[2] : ls[1];
  int64_t cols = transRhs ? rs[1] : rs[2];
  SmallVector<int64_t> outShape{ls[0], rows, cols};
  MLIRContext *ctx = b.getContext();
  AffineExpr bb, i, j, k;
  bindDims(ctx, bb, i, j, k);
  auto mapOf = [&](ArrayRef<AffineExpr> e) {
    return AffineMap::get(4, 0, e, ctx);
  };
  SmallVector<AffineMap> maps{transLhs ? mapOf({bb, k, i}) : mapOf({bb, i, k}),
                              transRhs ? mapOf({bb, j, k}) : mapOf({bb, k, j}),
                              mapOf({bb, i, j})};
  SmallVector<IteratorType> iters{
      IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
      IteratorType::reduction};
  return multiplyAccumulate(lhs, rhs, maps, iters, acc ? acc : zeros(outShape));
}

Value MatrixBuilder::matvec(Value w, Value v, bool transposed) {
  ArrayRef<int64_t> ws = shapeOf(w);
  SmallVector<int64_t> outShape{ws[0], transposed ? ws[2] : ws[1]};
  MLIRContext *ctx = b.getContext();
  AffineExpr bb, i, k;
  bindDims(ctx, bb, i, k);
  auto mapOf = [&](ArrayRef<AffineExpr> e) {
    return AffineMap::get(3, 0, e, ctx);
  };
  SmallVector<AffineMap> maps{transposed ? mapOf({bb, k, i})
                                         : mapOf({bb, i, k}),
                              mapOf({bb, k}), mapOf({bb, i})};
  SmallVector<IteratorType> iters{
      IteratorType::parallel, IteratorType::parallel, IteratorType::reduction};
  return multiplyAccumulate(w, v, maps, iters, zeros(outShape));
}

Value MatrixBuilder::sumOfSquares(Value x) {
  ArrayRef<int64_t> shape = shapeOf(x);
  unsigned rank = shape.size();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps{
      identity(rank), identity(rank),
      AffineMap::get(rank, 0, getAffineDimExpr(0, ctx))};
  SmallVector<IteratorType> iters(rank, IteratorType::reduction);
  iters[0] = IteratorType::parallel;
  return multiplyAccumulate(x, x, maps, iters, zeros({shape[0]}));
}

Value MatrixBuilder::norm(Value x) {
  Value ss = sumOfSquares(x);
  return map(ss, shapeOf(ss), [](OpBuilder &nb, Location nl, ValueRange v) {
    return math::SqrtOp::create(nb, nl, v[0]).getResult();
  });
}

//===----------------------------------------------------------------------===//
// Matrix iterations
//===----------------------------------------------------------------------===//

bool MatrixBuilder::isWide(Value x) {
  ArrayRef<int64_t> s = shapeOf(x);
  return s[1] <= s[2];
}

Value MatrixBuilder::polyStep(Value x, const ::lipt_runtime::PolyStep &step) {
  if (step.b == 0.0 && step.c == 0.0)
    return axpby(step.a, x, 0.0, nullptr);
  return polyStepWith(x, step.c != 0.0, [&](Value gram, Value gram2) {
    return scaledIdentityPlus(step.a, step.b, gram, step.c, gram2);
  });
}

Value MatrixBuilder::polyStep(Value x, double a, Value bCoef, Value c) {
  return polyStepWith(x, bool(c), [&](Value gram, Value gram2) {
    return scaledIdentityPlus(a, bCoef, gram, c, gram2);
  });
}

Value MatrixBuilder::polyStepWith(
    Value x, bool squared, function_ref<Value(Value, Value)> smallMatrix) {
  // paper-notes: for odd p, X q(X^T X) = q(X X^T) X; use whichever Gram
  // matrix is smaller. A is symmetric, so P = bA + cA^2 is too, and the
  // product P X (wide) / X P (tall) has the same singular vectors as X.
  bool wide = isWide(x);
  Value gram = wide ? matmul(x, x, false, true) : matmul(x, x, true, false);
  // A A written as A A^T (equal: A is symmetric), so the product is
  // recognisably symmetric and computed once per triangle (syrk).
  Value gram2 = squared ? matmul(gram, gram, false, true) : Value();
  // a X + P X = (a I + P) X: the scaled identity joins the small matrix's
  // pass, and the product needs no pass over X for an accumulator.
  Value poly = smallMatrix(gram, gram2);
  return wide ? matmul(poly, x, false, false) : matmul(x, poly, false, false);
}

Value MatrixBuilder::scaledIdentityPlus(double a, double bCoef, Value g,
                                        double c, Value g2) {
  Value ca = constant(a), cb = constant(bCoef), cc = constant(c);
  return identityPlusMap(a != 0.0 ? ca : Value(), cb, g, cc, g2);
}

Value MatrixBuilder::scaledIdentityPlus(double a, Value bCoef, Value g, Value c,
                                        Value g2) {
  return identityPlusMap(a != 0.0 ? constant(a) : Value(), bCoef, g, c, g2);
}

Value MatrixBuilder::identityPlusMap(Value ca, Value cb, Value g, Value cc,
                                     Value g2) {
  SmallVector<Value> inputs{g};
  if (g2)
    inputs.push_back(g2);
  return map(inputs, shapeOf(g), [&](OpBuilder &nb, Location nl, ValueRange v) {
    Value sum = arith::MulFOp::create(nb, nl, cb, v[0]);
    if (v.size() > 1)
      sum = arith::AddFOp::create(nb, nl, sum,
                                  arith::MulFOp::create(nb, nl, cc, v[1]));
    if (!ca)
      return sum;
    Value i = linalg::IndexOp::create(nb, nl, 1);
    Value j = linalg::IndexOp::create(nb, nl, 2);
    Value diag = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, i, j);
    Value plus = arith::AddFOp::create(nb, nl, sum, ca);
    return arith::SelectOp::create(nb, nl, diag, plus, sum).getResult();
  });
}

Value MatrixBuilder::addScaledIdentity(Value m, double c) {
  return c == 0.0 ? m : scaledIdentityPlus(c, 1.0, m);
}

Value MatrixBuilder::oddPolynomial(Value x, ArrayRef<double> c) {
  // q(A) = c0 + Q'(A), Q' = c1 A + A^2 H, H = E1 + A^2 (E2 + A^2 (...)),
  // E_j = c_{2j} + c_{2j+1} A. A term that is a multiple of I is kept as a
  // scalar, so no product with an identity is ever formed.
  struct Term {
    Value matrix; // null: scalar * I only
    double scalar;
  };
  auto eTerm = [&](size_t j, Value gram) -> Term {
    double even = 2 * j < c.size() ? c[2 * j] : 0.0;
    double odd = 2 * j + 1 < c.size() ? c[2 * j + 1] : 0.0;
    if (odd == 0.0)
      return {nullptr, even};
    return {scaledIdentityPlus(even, odd, gram), 0.0};
  };
  if (c.size() <= 1)
    return axpby(c.empty() ? 0.0 : c[0], x, 0.0, nullptr);
  bool wide = isWide(x);
  Value gram = wide ? matmul(x, x, false, true) : matmul(x, x, true, false);
  // q(A) = c0 I + Q'(A); c0 I joins the c1 A term's pass, so the final
  // product X q(A) needs no accumulator pass over X.
  Value q;
  if (c.size() <= 2) {
    q = scaledIdentityPlus(c[0], c[1], gram);
  } else {
    Value gram2 = matmul(gram, gram, false, true); // A A^T = A^2 (syrk)
    size_t blocks = (c.size() - 1) / 2;            // highest j with E_j != 0
    Term h = eTerm(blocks, gram);
    for (size_t j = blocks - 1; j >= 1; --j) {
      // h <- E_j + A^2 h
      Term e = eTerm(j, gram);
      Value prod = h.matrix ? matmul(gram2, h.matrix, false, false)
                            : axpby(h.scalar, gram2, 0.0, nullptr);
      Value sum = e.matrix ? axpby(1.0, prod, 1.0, e.matrix) : prod;
      h = {addScaledIdentity(sum, e.matrix ? 0.0 : e.scalar), 0.0};
    }
    if (h.matrix) {
      bool lowTerms = c[0] != 0.0 || c[1] != 0.0;
      Value c0c1 = lowTerms ? scaledIdentityPlus(c[0], c[1], gram) : Value();
      q = matmul(gram2, h.matrix, false, false, c0c1);
    } else {
      q = scaledIdentityPlus(c[0], c[1], gram, h.scalar, gram2);
    }
  }
  return wide ? matmul(q, x, false, false) : matmul(x, q, false, false);
}

Value MatrixBuilder::scalePerBatch(Value x, Value perBatch, BodyFn scalarFn) {
  ArrayRef<int64_t> shape = shapeOf(x);
  unsigned rank = shape.size();
  MLIRContext *ctx = b.getContext();
  Value factor = map(perBatch, shapeOf(perBatch), scalarFn);
  SmallVector<AffineMap> maps{
      identity(rank), AffineMap::get(rank, 0, getAffineDimExpr(0, ctx))};
  return map(
      {x, factor}, shape,
      [](OpBuilder &nb, Location nl, ValueRange v) {
        return arith::MulFOp::create(nb, nl, v[0], v[1]).getResult();
      },
      maps);
}

Value MatrixBuilder::frobeniusNormalize(Value x, double scale, double eps) {
  Value cs = constant(scale), ce = constant(eps), one = constant(1.0);
  return scalePerBatch(
      x, norm(x), [&](OpBuilder &nb, Location nl, ValueRange v) {
        Value d = arith::MulFOp::create(nb, nl, cs, v[0]);
        d = arith::AddFOp::create(nb, nl, d, ce);
        return arith::DivFOp::create(nb, nl, one, d).getResult();
      });
}

Value MatrixBuilder::defaultStartVector(int64_t batch, int64_t n) {
  // splitmix64 of the index, mapped to [-1, -0.25] U [0.25, 1]: reproducible,
  // never zero, and generic enough not to be orthogonal to a top singular
  // vector by accident.
  SmallVector<Attribute> values;
  for (int64_t r = 0; r < batch * n; ++r) {
    uint64_t z = uint64_t(r % n) + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    double u = double(z >> 11) / double(1ull << 53); // [0, 1)
    double mag = 0.25 + 0.75 * u;
    values.push_back(b.getFloatAttr(ct, (z & 1) ? mag : -mag));
  }
  auto type = RankedTensorType::get({batch, n}, ct);
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, values));
}

MatrixBuilder::Triple MatrixBuilder::powerIteration(Value w, Value start,
                                                    int64_t iters) {
  // Guards keep a zero weight or start at sigma = 0 instead of NaN.
  Value tiny = constant(ct.isF64() ? 1e-300 : 1e-30);
  Value one = constant(1.0);
  auto normalize = [&](Value vec) {
    return scalePerBatch(
        vec, norm(vec), [&](OpBuilder &nb, Location nl, ValueRange v) {
          Value d = arith::MaximumFOp::create(nb, nl, v[0], tiny);
          return arith::DivFOp::create(nb, nl, one, d).getResult();
        });
  };
  // paper-notes, "Power iteration": v <- W^T W v / ||.||, unrolled (iters is
  // small by design: 16 cold, 1-2 warm).
  Value v = normalize(start);
  for (int64_t i = 0; i < iters; ++i)
    v = normalize(matvec(w, matvec(w, v, false), true));
  Value wv = matvec(w, v, false);
  Value sigma = norm(wv);
  Value u = normalize(wv);
  return {sigma, u, v};
}

Value MatrixBuilder::rankOneUpdate(Value x, Value coef, Value u, Value v) {
  MLIRContext *ctx = b.getContext();
  AffineExpr bb, i, j;
  bindDims(ctx, bb, i, j);
  SmallVector<AffineMap> maps{
      AffineMap::get(3, 0, {bb, i, j}, ctx), AffineMap::get(3, 0, {bb}, ctx),
      AffineMap::get(3, 0, {bb, i}, ctx), AffineMap::get(3, 0, {bb, j}, ctx)};
  return map(
      {x, coef, u, v}, shapeOf(x),
      [](OpBuilder &nb, Location nl, ValueRange a) {
        Value cu = arith::MulFOp::create(nb, nl, a[1], a[2]);
        Value cuv = arith::MulFOp::create(nb, nl, cu, a[3]);
        return arith::AddFOp::create(nb, nl, a[0], cuv).getResult();
      },
      maps);
}
