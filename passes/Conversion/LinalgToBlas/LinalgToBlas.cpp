//===- LinalgToBlas.cpp - --lipt-linalg-to-blas ---------------------------===//

#include "lipt/Passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTLINALGTOBLASPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;
using namespace mlir::lipt;
using utils::IteratorType;

namespace {

/// How a generic maps onto C[b] += op(A[b]) op(B[b]).
struct GemmForm {
  bool transA, transB;
};

/// Matches the batched multiply-accumulate: iterators (b, i, j | k), body
/// out + lhs * rhs, output map (b, i, j).
FailureOr<GemmForm> matchGemm(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return failure();
  SmallVector<IteratorType> iters = op.getIteratorTypesArray();
  if (iters != SmallVector<IteratorType>{
                   IteratorType::parallel, IteratorType::parallel,
                   IteratorType::parallel, IteratorType::reduction})
    return failure();
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 3)
    return failure();
  auto mul = dyn_cast<arith::MulFOp>(body.front());
  auto add = dyn_cast<arith::AddFOp>(*std::next(body.begin()));
  if (!mul || !add)
    return failure();
  Value a0 = body.getArgument(0), a1 = body.getArgument(1),
        out = body.getArgument(2);
  bool mulOk = (mul.getLhs() == a0 && mul.getRhs() == a1) ||
               (mul.getLhs() == a1 && mul.getRhs() == a0);
  bool addOk = (add.getLhs() == out && add.getRhs() == mul.getResult()) ||
               (add.getRhs() == out && add.getLhs() == mul.getResult());
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (!mulOk || !addOk || yield.getValues().front() != add.getResult())
    return failure();

  MLIRContext *ctx = op.getContext();
  AffineExpr b, i, j, k;
  bindDims(ctx, b, i, j, k);
  auto map = [&](ArrayRef<AffineExpr> e) {
    return AffineMap::get(4, 0, e, ctx);
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[2] != map({b, i, j}))
    return failure();
  GemmForm form;
  if (maps[0] == map({b, i, k}))
    form.transA = false;
  else if (maps[0] == map({b, k, i}))
    form.transA = true;
  else
    return failure();
  if (maps[1] == map({b, k, j}))
    form.transB = false;
  else if (maps[1] == map({b, j, k}))
    form.transB = true;
  else
    return failure();
  return form;
}

/// A zero fill of `c` right before `op` with nothing touching memory in
/// between, or null.
linalg::FillOp zeroFillBefore(Operation *op, Value c) {
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
      if (fill.getOutputs().front() != c)
        return {};
      auto cst = fill.getInputs().front().getDefiningOp<arith::ConstantOp>();
      auto value = cst ? dyn_cast<FloatAttr>(cst.getValue()) : FloatAttr();
      return value && value.getValue().isZero() ? fill : linalg::FillOp();
    }
    auto isMemRef = [](Type t) { return isa<BaseMemRefType>(t); };
    if (llvm::any_of(prev->getOperandTypes(), isMemRef) ||
        llvm::any_of(prev->getResultTypes(), isMemRef) ||
        prev->getNumRegions() > 0)
      return {};
  }
  return {};
}

/// The type every shim takes its matrices as.
MemRefType dynamicBatchOfMatrices(FloatType type) {
  return MemRefType::get(
      {ShapedType::kDynamic, ShapedType::kDynamic, ShapedType::kDynamic}, type,
      StridedLayoutAttr::get(
          type.getContext(), ShapedType::kDynamic,
          {ShapedType::kDynamic, ShapedType::kDynamic, ShapedType::kDynamic}));
}

/// The declaration of shim `base` for operands of type `in` and a result of
/// type `out`: gemm (A, B, C, transA, transB, accumulate) or syrk (A, C,
/// transA). Named by the operands' type: `_f32`, `_f64`, or `_bf16` (bf16
/// operands, an f32 result).
func::FuncOp getOrDeclareShim(ModuleOp module, StringRef base, FloatType in,
                              FloatType out, OpBuilder &b) {
  StringRef suffix = in.isF64() ? "_f64" : in.isBF16() ? "_bf16" : "_f32";
  std::string name = (base + suffix).str();
  if (auto fn = module.lookupSymbol<func::FuncOp>(name))
    return fn;
  MLIRContext *ctx = module.getContext();
  Type operand = dynamicBatchOfMatrices(in),
       result = dynamicBatchOfMatrices(out);
  Type i1 = b.getI1Type();
  auto fnType =
      base.ends_with("syrk")
          ? FunctionType::get(ctx, {operand, result, i1}, {})
          : FunctionType::get(ctx, {operand, operand, result, i1, i1, i1}, {});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto fn = func::FuncOp::create(b, module.getLoc(), name, fnType);
  fn.setPrivate();
  fn->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  return fn;
}

/// Which shims the products call (the pass's `library` option).
struct ShimLibrary {
  /// "lipt_rt" (OpenBLAS, runtime/BlasShims.cpp) or "lipt_cuda" (cuBLAS,
  /// runtime/cuda).
  StringRef prefix;
  /// Whether symmetric products get the syrk shim. cuBLAS has no batched
  /// syrk, so on the GPU they stay one strided-batched gemm.
  bool syrk;
  /// Whether f32 products take bf16 copies of their operands (cuBLAS's
  /// tensor cores; the pass's `bf16` option).
  bool bf16 = false;
};

/// A new bf16 buffer holding `v` (f32) rounded to nearest even: one
/// elementwise linalg.generic, which becomes a kernel like any other.
Value roundedToBf16(PatternRewriter &rw, Location loc, Value v) {
  auto type = cast<MemRefType>(v.getType());
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicSizes.push_back(memref::DimOp::create(rw, loc, v, d));
  auto bf16Type = MemRefType::get(type.getShape(), rw.getBF16Type());
  Value copy = memref::AllocOp::create(rw, loc, bf16Type, dynamicSizes);
  AffineMap id = rw.getMultiDimIdentityMap(type.getRank());
  SmallVector<IteratorType> parallel(type.getRank(), IteratorType::parallel);
  linalg::GenericOp::create(
      rw, loc, ValueRange{v}, ValueRange{copy}, ArrayRef<AffineMap>{id, id},
      parallel, [&](OpBuilder &b, Location l, ValueRange args) {
        Value r = arith::TruncFOp::create(b, l, b.getBF16Type(), args[0]);
        linalg::YieldOp::create(b, l, r);
      });
  return copy;
}

/// Whether `op` is a rounding roundedToBf16 made of `v`.
bool isRoundingOf(Operation *op, Value v) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getDpsInputs()[0] != v || generic.getNumDpsInits() != 1 ||
      !cast<MemRefType>(generic.getDpsInits()[0].getType())
           .getElementType()
           .isBF16())
    return false;
  Block &body = generic.getRegion().front();
  return body.getOperations().size() == 2 && isa<arith::TruncFOp>(body.front());
}

/// Whether `op` may write the buffer `v`: as a linalg op's output, or
/// through anything else that takes it or a view of it (a call, a cast
/// whose result may be written later). Conservative: reads by linalg ops
/// and memref.dim are all it lets pass.
bool mayWrite(Operation *op, Value v) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return llvm::is_contained(linalgOp.getDpsInits(), v);
  if (isa<memref::DimOp>(op))
    return false;
  return llvm::is_contained(op->getOperands(), v) || op->getNumRegions() > 0;
}

/// The bf16 copy of `v` an earlier product in this block made, if nothing
/// since may have written `v` (Newton-Schulz reads X in two products).
Value earlierRounding(Operation *product, Value v) {
  for (Operation *prev = product->getPrevNode(); prev;
       prev = prev->getPrevNode()) {
    if (isRoundingOf(prev, v))
      return cast<linalg::GenericOp>(prev).getDpsInits()[0];
    if (mayWrite(prev, v))
      return {};
  }
  return {};
}

/// When `v` is a buffer that one elementwise generic fills and only
/// `product` reads (the polynomial between two products), that generic
/// writes bf16 directly: no separate rounding pass. Returns the bf16
/// buffer, or null when `v` is not such a buffer.
Value producedInBf16(PatternRewriter &rw, Value v, Operation *product) {
  auto alloc = v.getDefiningOp<memref::AllocOp>();
  if (!alloc)
    return {};
  linalg::GenericOp producer;
  for (Operation *user : v.getUsers()) {
    if (user == product)
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (producer || !generic || generic.getNumDpsInits() != 1 ||
        generic.getDpsInits()[0] != v ||
        generic->getBlock() != product->getBlock() ||
        !generic->isBeforeInBlock(product))
      return {};
    producer = generic;
  }
  if (!producer || producer.getNumParallelLoops() != producer.getNumLoops() ||
      !producer.getIndexingMapsArray().back().isIdentity() ||
      producer.payloadUsesValueFromOperand(producer.getDpsInitOperand(0)))
    return {};
  rw.setInsertionPoint(alloc);
  auto bf16Type = MemRefType::get(alloc.getType().getShape(), rw.getBF16Type());
  Value copy = memref::AllocOp::create(rw, alloc.getLoc(), bf16Type,
                                       alloc.getDynamicSizes());
  rw.setInsertionPoint(producer);
  auto rounded = linalg::GenericOp::create(
      rw, producer.getLoc(), TypeRange(), producer.getDpsInputs(),
      ValueRange{copy}, producer.getIndexingMapsArray(),
      producer.getIteratorTypesArray());
  rw.cloneRegionBefore(producer.getRegion(), rounded.getRegion(),
                       rounded.getRegion().end());
  Block &body = rounded.getRegion().front();
  body.getArguments().back().setType(rw.getBF16Type());
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  rw.setInsertionPoint(yield);
  Value r = arith::TruncFOp::create(rw, yield.getLoc(), rw.getBF16Type(),
                                    yield.getValues().front());
  rw.modifyOpInPlace(yield, [&] { yield->setOperand(0, r); });
  rw.eraseOp(producer);
  return copy;
}

/// `v` (f32) as bf16 for `product`: written so by its producer, an earlier
/// copy, or a new one.
Value bf16Operand(PatternRewriter &rw, Location loc, Value v,
                  Operation *product) {
  OpBuilder::InsertionGuard guard(rw);
  if (Value fused = producedInBf16(rw, v, product))
    return fused;
  if (Value earlier = earlierRounding(product, v))
    return earlier;
  return roundedToBf16(rw, loc, v);
}

struct ContractionToBlas : OpRewritePattern<linalg::GenericOp> {
  ContractionToBlas(MLIRContext *ctx, ShimLibrary library)
      : OpRewritePattern(ctx), library(library) {}
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rw) const override {
    FailureOr<GemmForm> form = matchGemm(op);
    if (failed(form))
      return failure();
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1],
          c = op.getDpsInits()[0];
    const Value a0 = a, b0 = b; // the f32 operands, before any bf16 copy
    auto elt =
        dyn_cast<FloatType>(cast<MemRefType>(c.getType()).getElementType());
    if (!elt || !(elt.isF32() || elt.isF64()) ||
        cast<MemRefType>(a.getType()).getElementType() != elt ||
        cast<MemRefType>(b.getType()).getElementType() != elt)
      return failure();
    auto module = op->getParentOfType<ModuleOp>();
    Location loc = op.getLoc();
    auto asShimArg = [&](Value v) -> Value {
      auto t = cast<FloatType>(cast<MemRefType>(v.getType()).getElementType());
      return memref::CastOp::create(rw, loc, dynamicBatchOfMatrices(t), v);
    };
    bool accumulate = true;
    linalg::FillOp fill = zeroFillBefore(op, c);
    if (fill)
      accumulate = false;
    auto flag = [&](bool v) -> Value {
      return arith::ConstantOp::create(rw, loc, rw.getBoolAttr(v));
    };
    // X X^T and X^T X are symmetric: one triangle (syrk) is half the flops.
    // The lowerings write every symmetric product this way (A A = A A^T for
    // a Gram matrix A). syrk overwrites C, so only a zeroed C qualifies.
    bool symmetric = library.syrk && a == b && form->transA != form->transB;
    if (fill)
      rw.eraseOp(fill);
    FloatType operandType = elt;
    if (library.bf16 && elt.isF32()) {
      operandType = rw.getBF16Type();
      Value a16 = bf16Operand(rw, loc, a, op);
      b = a == b ? a16 : bf16Operand(rw, loc, b, op); // a Gram product: once
      a = a16;
    }
    if (symmetric && !accumulate) {
      func::FuncOp shim = getOrDeclareShim(
          module, (library.prefix + "_syrk").str(), elt, elt, rw);
      func::CallOp::create(
          rw, loc, shim,
          ValueRange{asShimArg(a), asShimArg(c), flag(form->transA)});
    } else {
      func::FuncOp shim = getOrDeclareShim(
          module, (library.prefix + "_gemm").str(), operandType, elt, rw);
      func::CallOp::create(rw, loc, shim,
                           ValueRange{asShimArg(a), asShimArg(b), asShimArg(c),
                                      flag(form->transA), flag(form->transB),
                                      flag(accumulate)});
    }
    rw.eraseOp(op);
    // A buffer whose producer now writes bf16 (producedInBf16) is unused.
    for (Value v :
         a0 == b0 ? SmallVector<Value>{a0} : SmallVector<Value>{a0, b0})
      if (auto alloc = v.getDefiningOp<memref::AllocOp>();
          alloc && alloc->use_empty())
        rw.eraseOp(alloc);
    return success();
  }

private:
  ShimLibrary library;
};

struct LiptLinalgToBlasPass
    : mlir::lipt::impl::LiptLinalgToBlasPassBase<LiptLinalgToBlasPass> {
  using Base::Base;
  void runOnOperation() override {
    ShimLibrary shims;
    if (library == "blas")
      shims = {"lipt_rt", /*syrk=*/true};
    else if (library == "cublas")
      shims = {"lipt_cuda", /*syrk=*/false, bf16};
    else {
      getOperation().emitError() << "--lipt-linalg-to-blas: library=" << library
                                 << " is not one of blas, cublas";
      return signalPassFailure();
    }
    if (bf16 && library != "cublas") {
      getOperation().emitError() << "--lipt-linalg-to-blas: bf16=true needs "
                                    "library=cublas (OpenBLAS has no bf16 "
                                    "products)";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<ContractionToBlas>(&getContext(), shims);
    // Only the contractions change; no folding of anything else.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    // In program order, so a product finds the bf16 copies earlier ones
    // made (earlierRounding).
    config.setUseTopDownTraversal(true);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};
} // namespace
