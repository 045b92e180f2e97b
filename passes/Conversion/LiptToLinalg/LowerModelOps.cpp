//===- LowerModelOps.cpp - the transformer's forward pass -> linalg -------===//
//
// Inference lowerings of the model ops (paper-notes, "The Lipschitz
// transformer"), matching the LibTorch driver (runtime/train/TorchModel.cpp)
// op for op. Activations [..., d] are viewed as one token matrix [1, N, d],
// so every weight product is one batched contraction that
// --lipt-linalg-to-blas hands to BLAS. Attention works per (batch, head) on
// [B*H, T, dh]: the score tensor is written once by its product and
// overwritten once, in place, by the masked exponentials; the softmax's
// 1/rowsum (and the block's 1/3) is applied to the [T, dh] output instead of
// the [T, T] probabilities.
//
//===----------------------------------------------------------------------===//

#include "MatrixBuilder.h"
#include "lipt/Dialect/LiptOps.h"
#include "lipt/Passes/Passes.h"
#include "lipt/Runtime/Certify.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::lipt;
using utils::IteratorType;

namespace {

//===----------------------------------------------------------------------===//
// Token matrices
//===----------------------------------------------------------------------===//

SmallVector<ReassociationIndices> allButLast(int64_t rank) {
  SmallVector<ReassociationIndices> groups(1);
  for (int64_t i = 0; i + 1 < rank; ++i)
    groups[0].push_back(i);
  groups.push_back({rank - 1});
  return groups;
}

/// [..., d] activations -> [1, N, d] in the compute type.
Value toRows(MatrixBuilder &mb, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() > 2) {
    int64_t n = type.getNumElements() / type.getShape().back();
    auto flat = RankedTensorType::get({n, type.getShape().back()},
                                      type.getElementType());
    x = tensor::CollapseShapeOp::create(mb.builder(), mb.location(), flat, x,
                                        allButLast(type.getRank()));
  }
  return mb.toBatched(x);
}

/// The inverse of toRows: [1, N, k] -> `target` ([..., k]).
Value fromRows(MatrixBuilder &mb, Value rows, RankedTensorType target) {
  int64_t rank = target.getRank();
  auto flat = RankedTensorType::get({shapeOf(rows)[1], shapeOf(rows)[2]},
                                    target.getElementType());
  Value x = mb.fromBatched(rows, rank > 2 ? flat : target);
  if (rank <= 2)
    return x;
  return tensor::ExpandShapeOp::create(mb.builder(), mb.location(), target, x,
                                       allButLast(rank));
}

/// rows W^T for a weight [fan_out, fan_in]: [1, N, fan_in] -> [1, N, fan_out].
Value applyWeight(MatrixBuilder &mb, Value rows, Value weight) {
  return mb.matmul(rows, mb.toBatched(weight), false, true);
}

Value scaled(MatrixBuilder &mb, Value x, double factor) {
  return factor == 1.0 ? x : mb.axpby(factor, x, 0.0, nullptr);
}

/// A generic over [B, N, K] that folds the last dim into [B, N]:
/// acc = combine(acc, x) from `init`, with x = element(inputs...) where
/// every input is [B, N, K] (identity) or [B, N] (broadcast).
Value reduceRows(
    MatrixBuilder &mb, ValueRange inputs, double init,
    function_ref<Value(OpBuilder &, Location, ValueRange, Value acc)> body) {
  OpBuilder &b = mb.builder();
  ArrayRef<int64_t> shape = shapeOf(inputs.front());
  MLIRContext *ctx = b.getContext();
  AffineMap full = mb.identity(3);
  AffineMap rowMap = AffineMap::get(
      3, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)}, ctx);
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(shapeOf(in).size() == 3 ? full : rowMap);
  maps.push_back(rowMap);
  Value acc = linalg::FillOp::create(b, mb.location(), mb.constant(init),
                                     mb.empty({shape[0], shape[1]}))
                  .getResult(0);
  SmallVector<IteratorType> iters{
      IteratorType::parallel, IteratorType::parallel, IteratorType::reduction};
  return linalg::GenericOp::create(
             b, mb.location(), acc.getType(), inputs, acc, maps, iters,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nl, body(nb, nl, args.drop_back(), args.back()));
             })
      .getResult(0);
}

AffineMap rowBroadcast(MatrixBuilder &mb) {
  MLIRContext *ctx = mb.builder().getContext();
  return AffineMap::get(
      3, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)}, ctx);
}

//===----------------------------------------------------------------------===//
// Embedding, linear, MLP, LayerNorm, head
//===----------------------------------------------------------------------===//

struct LowerEmbed : OpRewritePattern<EmbedOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(EmbedOp op,
                                PatternRewriter &rw) const override {
    // out[..., e] = table[tokens[...], e]: a gather with a bounds check. A
    // token outside [0, vocab) reads row 0 and gets NaN (so its sequence's
    // outputs are NaN): never a read outside the table, never a crash of
    // the host process, never a silently plausible number.
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    auto tokens = cast<RankedTensorType>(op.getTokens().getType());
    int64_t rank = type.getRank(),
            vocab = op.getTable().getType().getDimSize(0);
    SmallVector<AffineExpr> tokenDims;
    for (int64_t i = 0; i + 1 < rank; ++i)
      tokenDims.push_back(rw.getAffineDimExpr(i));
    SmallVector<AffineMap> maps{
        AffineMap::get(rank, 0, tokenDims, rw.getContext()),
        AffineMap::getMultiDimIdentityMap(rank, rw.getContext())};
    Value init = tensor::EmptyOp::create(rw, loc, type.getShape(),
                                         type.getElementType());
    Type tokenType = tokens.getElementType();
    Value table = op.getTable();
    auto gather = linalg::GenericOp::create(
        rw, loc, type, op.getTokens(), init, maps,
        SmallVector<IteratorType>(rank, IteratorType::parallel),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value token = args[0];
          Value zero = arith::ConstantOp::create(
              nb, nl, tokenType, nb.getIntegerAttr(tokenType, 0));
          Value size = arith::ConstantOp::create(
              nb, nl, tokenType, nb.getIntegerAttr(tokenType, vocab));
          Value aboveZero = arith::CmpIOp::create(
              nb, nl, arith::CmpIPredicate::sge, token, zero);
          Value belowVocab = arith::CmpIOp::create(
              nb, nl, arith::CmpIPredicate::slt, token, size);
          Value inRange = arith::AndIOp::create(nb, nl, aboveZero, belowVocab);
          Value safe = arith::SelectOp::create(nb, nl, inRange, token, zero);
          Value row =
              arith::IndexCastOp::create(nb, nl, nb.getIndexType(), safe);
          Value col = linalg::IndexOp::create(nb, nl, rank - 1);
          Value v =
              tensor::ExtractOp::create(nb, nl, table, ValueRange{row, col});
          auto floatType = cast<FloatType>(type.getElementType());
          Value nan = arith::ConstantOp::create(
              nb, nl, floatType,
              nb.getFloatAttr(floatType,
                              APFloat::getQNaN(floatType.getFloatSemantics())));
          linalg::YieldOp::create(
              nb, nl,
              arith::SelectOp::create(nb, nl, inRange, v, nan).getResult());
        });
    rw.replaceOp(op, gather.getResult(0));
    return success();
  }
};

/// The skeleton of every activation -> activation lowering: the op's input
/// as token rows [1, N, d] goes through `fn`, and the rows it returns come
/// back to the op's type.
template <typename OpT, typename Fn>
LogicalResult replaceWithRowsMap(OpT op, PatternRewriter &rw, Fn fn) {
  RankedTensorType type = op.getType();
  MatrixBuilder mb(rw, op.getLoc(), type.getElementType());
  rw.replaceOp(op, fromRows(mb, fn(mb, toRows(mb, op.getInput())), type));
  return success();
}

struct LowerLinear : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rw) const override {
    return replaceWithRowsMap(op, rw, [&](MatrixBuilder &mb, Value x) {
      return applyWeight(mb, x, op.getWeight());
    });
  }
};

/// gelu(h) / 1.1289 elementwise, with the exact (erf) GELU as torch's
/// default.
Value scaledGelu(MatrixBuilder &mb, Value h) {
  Value half = mb.constant(0.5), one = mb.constant(1.0),
        invSqrt2 = mb.constant(1.0 / std::sqrt(2.0)),
        invSlope = mb.constant(1.0 / ::lipt_runtime::kGeluMaxSlope);
  return mb.map(h, shapeOf(h), [&](OpBuilder &nb, Location nl, ValueRange v) {
    Value e = math::ErfOp::create(
        nb, nl, arith::MulFOp::create(nb, nl, v[0], invSqrt2));
    Value r = arith::MulFOp::create(nb, nl, v[0],
                                    arith::AddFOp::create(nb, nl, one, e));
    r = arith::MulFOp::create(nb, nl, r, half);
    return arith::MulFOp::create(nb, nl, r, invSlope).getResult();
  });
}

struct LowerMlp : OpRewritePattern<MlpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MlpOp op, PatternRewriter &rw) const override {
    return replaceWithRowsMap(op, rw, [&](MatrixBuilder &mb, Value x) {
      Value g = scaledGelu(mb, applyWeight(mb, x, op.getWIn()));
      return applyWeight(mb, g, op.getWOut());
    });
  }
};

/// (x - mean) / sqrt(var + eps) over the last dim of rows [1, N, d], with
/// the biased variance, as torch.layer_norm.
Value layerNorm(MatrixBuilder &mb, Value x, double epsilon) {
  Value invD = mb.constant(1.0 / double(shapeOf(x)[2]));
  Value mean = reduceRows(
      mb, x, 0.0, [](OpBuilder &nb, Location nl, ValueRange v, Value acc) {
        return arith::AddFOp::create(nb, nl, acc, v[0]).getResult();
      });
  mean = mb.axpby(invD, mean, Value(), Value());
  AffineMap full = mb.identity(3), row = rowBroadcast(mb);
  Value centered =
      mb.map({x, mean}, shapeOf(x),
             [](OpBuilder &nb, Location nl, ValueRange v) {
               return arith::SubFOp::create(nb, nl, v[0], v[1]).getResult();
             },
             {full, row});
  Value ss =
      reduceRows(mb, centered, 0.0,
                 [](OpBuilder &nb, Location nl, ValueRange v, Value acc) {
                   Value sq = arith::MulFOp::create(nb, nl, v[0], v[0]);
                   return arith::AddFOp::create(nb, nl, acc, sq).getResult();
                 });
  Value eps = mb.constant(epsilon);
  return mb.map({centered, ss}, shapeOf(x),
                [&](OpBuilder &nb, Location nl, ValueRange v) {
                  Value var = arith::MulFOp::create(nb, nl, v[1], invD);
                  Value r = math::RsqrtOp::create(
                      nb, nl, arith::AddFOp::create(nb, nl, var, eps));
                  return arith::MulFOp::create(nb, nl, v[0], r).getResult();
                },
                {full, row});
}

struct LowerLayerNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rw) const override {
    return replaceWithRowsMap(op, rw, [&](MatrixBuilder &mb, Value x) {
      return layerNorm(mb, x, op.getEps().convertToDouble());
    });
  }
};

struct LowerHead : OpRewritePattern<HeadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(HeadOp op, PatternRewriter &rw) const override {
    return replaceWithRowsMap(op, rw, [&](MatrixBuilder &mb, Value x) {
      return scaled(mb, applyWeight(mb, x, op.getWeight()),
                    op.getFinalScale().convertToDouble());
    });
  }
};

struct LowerConvexResidual : OpRewritePattern<ConvexResidualOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvexResidualOp op,
                                PatternRewriter &rw) const override {
    // The branch's ops move in front of the op, then
    // (1 - 1/N) x + (1/N) f(x).
    Block &body = op.getBody().front();
    auto yield = cast<YieldOp>(body.getTerminator());
    Value f = yield.getValue();
    Value x = op.getInput();
    rw.inlineBlockBefore(&body, op, x);
    rw.eraseOp(yield);
    RankedTensorType type = op.getType();
    MatrixBuilder mb(rw, op.getLoc(), type.getElementType());
    double alpha = 1.0 / double(op.getBranches());
    Value y = mb.axpby(1.0 - alpha, mb.convertElementType(x, mb.computeType()),
                       alpha, mb.convertElementType(f, mb.computeType()));
    rw.replaceOp(op, mb.convertElementType(y, type.getElementType()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// Attention's shapes: activations [B, T, d], H heads of dh.
struct Heads {
  int64_t batch, seq, heads, dh;
  int64_t groups() const { return batch * heads; }
};

/// RoPE tables [T, dh] for the half-split convention of TorchModel's rope():
/// out[e] = x[e] cos + partner[e] sinSigned, partner = x[(e + dh/2) mod
/// 2(dh/2)], sinSigned = -sin for the first half. Angles t * 10000^(-2j/dh)
/// are rounded to the activation type before cos/sin, as the driver does.
std::pair<Value, Value> ropeTables(MatrixBuilder &mb, const Heads &h,
                                   Type activation) {
  int64_t half = h.dh / 2;
  SmallVector<double> cosv(h.seq * h.dh, 1.0), sinv(h.seq * h.dh, 0.0);
  for (int64_t t = 0; t < h.seq; ++t)
    for (int64_t j = 0; j < half; ++j) {
      double angle =
          double(t) * std::pow(10000.0, -2.0 * double(j) / double(h.dh));
      if (activation.isF32() || activation.isF16() || activation.isBF16())
        angle = double(float(angle));
      double c = std::cos(angle), s = std::sin(angle);
      cosv[t * h.dh + j] = cosv[t * h.dh + j + half] = c;
      sinv[t * h.dh + j] = -s;
      sinv[t * h.dh + j + half] = s;
    }
  auto type = RankedTensorType::get({h.seq, h.dh}, mb.computeType());
  auto table = [&](ArrayRef<double> v) -> Value {
    SmallVector<Attribute> elems;
    for (double x : v)
      elems.push_back(FloatAttr::get(mb.computeType(), x));
    return arith::ConstantOp::create(mb.builder(), mb.location(),
                                     DenseElementsAttr::get(type, elems));
  };
  return {table(cosv), table(sinv)};
}

/// Rows [1, B*T, d] -> per (batch, head) matrices [B*H, T, dh], with RoPE
/// applied on the way when `rope` is set.
Value splitHeads(MatrixBuilder &mb, Value rows, const Heads &h,
                 std::optional<std::pair<Value, Value>> rope) {
  MLIRContext *ctx = mb.builder().getContext();
  AffineExpr g, t, e;
  bindDims(ctx, g, t, e);
  auto at = [&](AffineExpr col) {
    return AffineMap::get(3, 0,
                          {getAffineConstantExpr(0, ctx),
                           g.floorDiv(h.heads) * h.seq + t,
                           (g % h.heads) * h.dh + col},
                          ctx);
  };
  SmallVector<int64_t> shape{h.groups(), h.seq, h.dh};
  if (!rope)
    return mb.map(rows, shape,
                  [](OpBuilder &, Location, ValueRange v) { return v[0]; },
                  {at(e)});
  int64_t half = h.dh / 2;
  AffineExpr partner = half ? (e + half) % (2 * half) : e;
  AffineMap table = AffineMap::get(3, 0, {t, e}, ctx);
  return mb.map({rows, rows, rope->first, rope->second}, shape,
                [](OpBuilder &nb, Location nl, ValueRange v) {
                  Value a = arith::MulFOp::create(nb, nl, v[0], v[2]);
                  Value b = arith::MulFOp::create(nb, nl, v[1], v[3]);
                  return arith::AddFOp::create(nb, nl, a, b).getResult();
                },
                {at(e), at(partner), table, table});
}

/// Whether key j is masked for query i (j > i) in a causal attention.
Value isFuture(OpBuilder &nb, Location nl) {
  Value i = linalg::IndexOp::create(nb, nl, 1);
  Value j = linalg::IndexOp::create(nb, nl, 2);
  return arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ugt, j, i);
}

/// softmax(scale * S) V / 3 per group, from scores S [G, T, T] and values
/// [G, T, dh], merged back into rows [1, B*T, d].
Value attend(MatrixBuilder &mb, Value scores, Value values, const Heads &h,
             double scale, bool causal) {
  Value c = mb.constant(scale);
  // Row maxima of the scaled, masked scores.
  Value rowMax = reduceRows(
      mb, scores, -std::numeric_limits<double>::infinity(),
      [&](OpBuilder &nb, Location nl, ValueRange v, Value acc) -> Value {
        Value s = arith::MulFOp::create(nb, nl, v[0], c);
        Value m = arith::MaximumFOp::create(nb, nl, acc, s);
        if (!causal)
          return m;
        return arith::SelectOp::create(nb, nl, isFuture(nb, nl), acc, m);
      });
  // exp(scale * S - max), masked to 0, written over S.
  OpBuilder &b = mb.builder();
  Location loc = mb.location();
  Value zero = mb.constant(0.0);
  AffineMap full = mb.identity(3), row = rowBroadcast(mb);
  Value weights =
      linalg::GenericOp::create(
          b, loc, scores.getType(), rowMax, scores,
          SmallVector<AffineMap>{row, full},
          SmallVector<IteratorType>(3, IteratorType::parallel),
          [&](OpBuilder &nb, Location nl, ValueRange v) {
            Value s = arith::MulFOp::create(nb, nl, v[1], c);
            Value w = math::ExpOp::create(
                nb, nl, arith::SubFOp::create(nb, nl, s, v[0]));
            if (causal)
              w = arith::SelectOp::create(nb, nl, isFuture(nb, nl), zero, w);
            linalg::YieldOp::create(nb, nl, w);
          })
          .getResult(0);
  Value rowSum =
      reduceRows(mb, weights, 0.0,
                 [](OpBuilder &nb, Location nl, ValueRange v, Value acc) {
                   return arith::AddFOp::create(nb, nl, acc, v[0]).getResult();
                 });
  Value out = mb.matmul(weights, values, false, false); // [G, T, dh]
  // Heads merged into rows, divided by 3 * rowsum (the block's 1/3 and the
  // softmax's normalisation, applied to [T, dh] instead of [T, T]).
  MLIRContext *ctx = b.getContext();
  AffineExpr unitDim, n, col; // rows [1, N, d]
  bindDims(ctx, unitDim, n, col);
  AffineExpr group = n.floorDiv(h.seq) * h.heads + col.floorDiv(h.dh);
  AffineMap outMap = AffineMap::get(3, 0, {group, n % h.seq, col % h.dh}, ctx);
  AffineMap sumMap = AffineMap::get(3, 0, {group, n % h.seq}, ctx);
  Value three = mb.constant(3.0);
  return mb.map({out, rowSum}, {1, h.batch * h.seq, h.heads * h.dh},
                [&](OpBuilder &nb, Location nl, ValueRange v) {
                  Value d = arith::MulFOp::create(nb, nl, v[1], three);
                  return arith::DivFOp::create(nb, nl, v[0], d).getResult();
                },
                {outMap, sumMap});
}

struct LowerAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rw) const override {
    RankedTensorType type = op.getType();
    Heads h{type.getDimSize(0), type.getDimSize(1), int64_t(op.getHeads()),
            type.getDimSize(2) / int64_t(op.getHeads())};
    return replaceWithRowsMap(op, rw, [&](MatrixBuilder &mb, Value x) {
      std::optional<std::pair<Value, Value>> rope;
      if (op.getRope())
        rope = ropeTables(mb, h, type.getElementType());
      Value q = splitHeads(mb, applyWeight(mb, x, op.getWq()), h, rope);
      Value k = splitHeads(mb, applyWeight(mb, x, op.getWk()), h, rope);
      Value v = splitHeads(mb, applyWeight(mb, x, op.getWv()), h, std::nullopt);
      // 1/d_head attention (not 1/sqrt), times softmax_scale.
      double scale = op.getSoftmaxScale().convertToDouble() / double(h.dh);
      Value scores = mb.matmul(q, k, false, true);
      Value merged = attend(mb, scores, v, h, scale, op.getCausal());
      return applyWeight(mb, merged, op.getWo());
    });
  }
};

} // namespace

void mlir::lipt::populateLowerModelOpsPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerEmbed, LowerLinear, LowerMlp, LowerLayerNorm, LowerHead,
               LowerConvexResidual, LowerAttention>(patterns.getContext());
}
