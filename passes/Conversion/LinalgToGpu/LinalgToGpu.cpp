//===- LinalgToGpu.cpp - --lipt-linalg-to-gpu -----------------------------===//
//
// Bufferized host functions -> host code that launches GPU kernels. Every
// buffer the function allocates lives on the device (gpu.alloc), and every
// linalg op left after the cuBLAS calls becomes one gpu.launch:
//
//  - all-parallel ops: one thread per point of the iteration space, the
//    space linearized (innermost dimension fastest, so neighbouring threads
//    touch neighbouring elements) and cut into blocks of kThreads;
//  - reductions whose body combines into the output with one associative
//    op (addf, mulf, max/min): one block per output element, each thread
//    folding a strided slice of the reduced space and the block combining
//    the partial results with gpu.all_reduce (shuffles and shared memory),
//    so a matrix norm is 256 threads' work, not one thread's;
//  - any other reduction: one thread per output element (correct, slow,
//    and none of lipt's lowerings emits one).
//
// Upstream's route (linalg -> scf.parallel -> gpu-map-parallel-loops) maps
// a partial tile to a dynamic bound it cannot launch, puts one thread in a
// block when canonicalized in between, and leaves reductions to one thread
// (platform-notes): hence a conversion of our own.
//
// Calling convention: rank-0 arguments (the step scalars: learning rate,
// a soft cap's strength) stay in host memory, read on the host and passed
// to kernels by value; every other argument and result is device memory.
// A host read of device memory left after the conversion is an error
// naming the op, not a crash at run time.
//
//===----------------------------------------------------------------------===//

#include "lipt/Passes/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTLINALGTOGPUPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;

namespace {

/// Threads per block of every generated kernel.
constexpr int64_t kThreads = 256;

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// The multi-index of `linear` in a row-major space of `sizes`.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<int64_t> sizes) {
  SmallVector<Value> indices(sizes.size());
  int64_t stride = 1;
  for (int64_t d = sizes.size() - 1; d >= 0; --d) {
    Value q = stride == 1 ? linear
                          : arith::DivUIOp::create(b, loc, linear,
                                                   indexConst(b, loc, stride));
    indices[d] =
        arith::RemUIOp::create(b, loc, q, indexConst(b, loc, sizes[d]));
    stride *= sizes[d];
  }
  return indices;
}

/// Sets point[dims[i]] to the multi-index of `linear` in the space of
/// `sizes` (the parallel or the reduced dimensions of a loop point).
void placeIndex(OpBuilder &b, Location loc, Value linear,
                ArrayRef<int64_t> sizes, ArrayRef<unsigned> dims,
                SmallVectorImpl<Value> &point) {
  for (auto [d, v] : llvm::zip(dims, delinearize(b, loc, linear, sizes)))
    point[d] = v;
}

/// The indices of operand `operand` at loop point `point`.
SmallVector<Value> operandIndices(OpBuilder &b, Location loc,
                                  linalg::GenericOp op, OpOperand &operand,
                                  ArrayRef<Value> point) {
  AffineMap map = op.getMatchingIndexingMap(&operand);
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      indices.push_back(point[dim.getPosition()]);
      continue;
    }
    if (auto cst = dyn_cast<AffineConstantExpr>(expr)) {
      indices.push_back(indexConst(b, loc, cst.getValue()));
      continue;
    }
    indices.push_back(affine::AffineApplyOp::create(
        b, loc, AffineMap::get(map.getNumDims(), 0, expr), point));
  }
  return indices;
}

/// Clones `op`'s body at `b` for loop point `point`: inputs loaded, the
/// outputs' block arguments bound to `outs`, linalg.index to the point.
/// Ops in `skip` are not cloned. Returns the mapping (yielded values are
/// looked up in it).
IRMapping cloneBody(OpBuilder &b, Location loc, linalg::GenericOp op,
                    ArrayRef<Value> point, ArrayRef<Value> outs,
                    Operation *skip = nullptr) {
  Block &body = op.getRegion().front();
  IRMapping map;
  for (OpOperand *in : op.getDpsInputOperands()) {
    Value arg = body.getArgument(in->getOperandNumber());
    if (arg.use_empty())
      continue;
    Value v = in->get();
    if (isa<MemRefType>(v.getType()))
      v = memref::LoadOp::create(b, loc, v,
                                 operandIndices(b, loc, op, *in, point));
    map.map(arg, v);
  }
  for (auto [i, out] : llvm::enumerate(outs))
    map.map(body.getArgument(op.getNumDpsInputs() + i), out);
  for (Operation &inner : body.without_terminator()) {
    if (&inner == skip)
      continue;
    if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
      map.map(index.getResult(), point[index.getDim()]);
      continue;
    }
    b.clone(inner, map);
  }
  return map;
}

/// A gpu.launch of `blocks` x kThreads threads before `at`; the builder is
/// left in its body, before the terminator.
gpu::LaunchOp createLaunch(OpBuilder &b, Location loc, int64_t blocks) {
  Value one = indexConst(b, loc, 1);
  auto launch =
      gpu::LaunchOp::create(b, loc, indexConst(b, loc, blocks), one, one,
                            indexConst(b, loc, kThreads), one, one);
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(&launch.getBody().front());
  return launch;
}

/// Loads of the outputs at `point` (the current values a body reads).
SmallVector<Value> loadOutputs(OpBuilder &b, Location loc, linalg::GenericOp op,
                               ArrayRef<Value> point) {
  SmallVector<Value> outs;
  for (OpOperand &init : op.getDpsInitsMutable()) {
    Value arg = op.getMatchingBlockArgument(&init);
    outs.push_back(
        arg.use_empty()
            ? Value()
            : memref::LoadOp::create(b, loc, init.get(),
                                     operandIndices(b, loc, op, init, point)));
  }
  return outs;
}

void storeYields(OpBuilder &b, Location loc, linalg::GenericOp op,
                 ArrayRef<Value> point, IRMapping &map) {
  auto yield = cast<linalg::YieldOp>(op.getRegion().front().getTerminator());
  for (auto [init, value] :
       llvm::zip(op.getDpsInitsMutable(), yield.getValues()))
    memref::StoreOp::create(b, loc, map.lookupOrDefault(value), init.get(),
                            operandIndices(b, loc, op, init, point));
}

/// An op's loops split into its parallel and its reduced dimensions (in
/// order), with the number of points of each space.
struct LoopSpace {
  SmallVector<int64_t> parallelSizes, reducedSizes;
  SmallVector<unsigned> parallelDims, reducedDims;
  int64_t parallelPoints = 1, reducedPoints = 1;

  LoopSpace(linalg::GenericOp op, ArrayRef<int64_t> ranges) {
    for (auto [d, iter] : llvm::enumerate(op.getIteratorTypesArray())) {
      bool parallel = iter == utils::IteratorType::parallel;
      (parallel ? parallelSizes : reducedSizes).push_back(ranges[d]);
      (parallel ? parallelDims : reducedDims).push_back(d);
      (parallel ? parallelPoints : reducedPoints) *= ranges[d];
    }
  }
};

/// One thread per point: all-parallel ops, and the fallback for
/// reductions (each thread loops over the reduced dimensions).
void launchPerPoint(OpBuilder &b, linalg::GenericOp op,
                    ArrayRef<int64_t> ranges) {
  Location loc = op.getLoc();
  LoopSpace space(op, ranges);
  auto &[parallelSizes, reducedSizes, parallelDims, reducedDims, points,
         reduced] = space;
  gpu::LaunchOp launch =
      createLaunch(b, loc, llvm::divideCeil(points, kThreads));
  Value id = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                            indexConst(b, loc, kThreads)),
      launch.getThreadIds().x);
  Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, id,
                                       indexConst(b, loc, points));
  auto guard = scf::IfOp::create(b, loc, inside, /*withElse=*/false);
  b.setInsertionPointToStart(&guard.getThenRegion().front());
  SmallVector<Value> point(ranges.size());
  placeIndex(b, loc, id, parallelSizes, parallelDims, point);
  auto emitPoint = [&](OpBuilder &inner) {
    SmallVector<Value> outs = loadOutputs(inner, loc, op, point);
    IRMapping map = cloneBody(inner, loc, op, point, outs);
    storeYields(inner, loc, op, point, map);
  };
  if (reducedDims.empty()) {
    emitPoint(b);
    return;
  }
  // Sequential over the reduced space: the output is read and written at
  // every step, so any body is right.
  auto loop =
      scf::ForOp::create(b, loc, indexConst(b, loc, 0),
                         indexConst(b, loc, reduced), indexConst(b, loc, 1));
  b.setInsertionPointToStart(loop.getBody());
  placeIndex(b, loc, loop.getInductionVar(), reducedSizes, reducedDims, point);
  emitPoint(b);
}

/// The all_reduce kind and identity of a combining op, if it is one.
std::optional<std::pair<gpu::AllReduceOperation, double>>
combinerKind(Operation *op) {
  using K = gpu::AllReduceOperation;
  double inf = std::numeric_limits<double>::infinity();
  return llvm::TypeSwitch<Operation *, std::optional<std::pair<K, double>>>(op)
      .Case([](arith::AddFOp) { return std::make_pair(K::ADD, 0.0); })
      .Case([](arith::MulFOp) { return std::make_pair(K::MUL, 1.0); })
      .Case(
          [&](arith::MaximumFOp) { return std::make_pair(K::MAXIMUMF, -inf); })
      .Case([&](arith::MinimumFOp) { return std::make_pair(K::MINIMUMF, inf); })
      .Case([&](arith::MaxNumFOp) { return std::make_pair(K::MAXNUMF, -inf); })
      .Case([&](arith::MinNumFOp) { return std::make_pair(K::MINNUMF, inf); })
      .Default([](Operation *) { return std::nullopt; });
}

/// The op combining a single-output reduction's running value with the
/// body's contribution (out = combine(out, f(inputs)) and yielded), or
/// null when the body is anything else.
Operation *findCombiner(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1)
    return nullptr;
  Block &body = op.getRegion().front();
  Value out = body.getArgument(op.getNumDpsInputs());
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  Operation *combine = yield.getValues().front().getDefiningOp();
  if (!combine || !out.hasOneUse() || combine->getNumOperands() != 2 ||
      !combinerKind(combine) ||
      !llvm::is_contained(combine->getOperands(), out))
    return nullptr;
  if (!isa<FloatType>(out.getType()))
    return nullptr;
  return combine;
}

/// One block per output element: the threads fold strided slices of the
/// reduced space, then gpu.all_reduce combines them (see the file comment).
void launchBlockReduction(OpBuilder &b, linalg::GenericOp op,
                          ArrayRef<int64_t> ranges, Operation *combine) {
  Location loc = op.getLoc();
  LoopSpace space(op, ranges);
  auto &[parallelSizes, reducedSizes, parallelDims, reducedDims, outputs,
         reduced] = space;
  auto [kind, identity] = *combinerKind(combine);
  Value out = op.getRegion().front().getArgument(op.getNumDpsInputs());
  Type elt = out.getType();

  gpu::LaunchOp launch = createLaunch(b, loc, outputs);
  SmallVector<Value> point(ranges.size());
  placeIndex(b, loc, launch.getBlockIds().x, parallelSizes, parallelDims,
             point);
  Value init =
      arith::ConstantOp::create(b, loc, elt, FloatAttr::get(elt, identity));
  auto loop = scf::ForOp::create(b, loc, launch.getThreadIds().x,
                                 indexConst(b, loc, reduced),
                                 indexConst(b, loc, kThreads), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    placeIndex(b, loc, loop.getInductionVar(), reducedSizes, reducedDims,
               point);
    Value acc = loop.getRegionIterArg(0);
    IRMapping map = cloneBody(b, loc, op, point, {acc}, combine);
    // combine(acc, contribution), as the body combines (out, contribution).
    Operation *next = b.clone(*combine, map);
    scf::YieldOp::create(b, loc, next->getResult(0));
  }
  auto reduce = gpu::AllReduceOp::create(
      b, loc, loop.getResult(0),
      gpu::AllReduceOperationAttr::get(b.getContext(), kind),
      /*uniform=*/true);
  Value first =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                            launch.getThreadIds().x, indexConst(b, loc, 0));
  auto write = scf::IfOp::create(b, loc, first, /*withElse=*/false);
  b.setInsertionPointToStart(&write.getThenRegion().front());
  OpOperand &initOperand = op.getDpsInitsMutable()[0];
  SmallVector<Value> outIndex = operandIndices(b, loc, op, initOperand, point);
  Value current = memref::LoadOp::create(b, loc, initOperand.get(), outIndex);
  IRMapping map;
  map.map(out, current);
  for (Value operand : combine->getOperands())
    if (operand != out)
      map.map(operand, reduce.getResult());
  Operation *total = b.clone(*combine, map);
  memref::StoreOp::create(b, loc, total->getResult(0), initOperand.get(),
                          outIndex);
}

LogicalResult convertLinalgOp(linalg::LinalgOp linalgOp) {
  IRRewriter rw(linalgOp.getContext());
  rw.setInsertionPoint(linalgOp);
  auto generic = dyn_cast<linalg::GenericOp>(linalgOp.getOperation());
  if (!generic) {
    FailureOr<linalg::GenericOp> made = linalg::generalizeNamedOp(rw, linalgOp);
    if (failed(made))
      return linalgOp.emitError()
             << "lipt's CUDA pipeline cannot generalize this op";
    generic = *made;
  }
  if (!generic.hasPureBufferSemantics())
    return generic.emitError() << "expected an op on buffers (bufferize "
                                  "before --lipt-linalg-to-gpu)";
  SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return generic.emitError() << "lipt's CUDA pipeline needs static shapes";
  if (llvm::any_of(ranges, [](int64_t s) { return s == 0; })) {
    generic.erase(); // nothing to compute
    return success();
  }
  OpBuilder b(generic);
  if (generic.getNumReductionLoops() == 0)
    launchPerPoint(b, generic, ranges);
  else if (Operation *combine = findCombiner(generic))
    launchBlockReduction(b, generic, ranges, combine);
  else
    launchPerPoint(b, generic, ranges);
  generic.erase();
  return success();
}

/// memref.copy between device buffers -> a copy kernel (linalg.copy,
/// converted like any other op).
void copiesToLinalg(func::FuncOp fn) {
  fn.walk([](memref::CopyOp copy) {
    OpBuilder b(copy);
    linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                           copy.getTarget());
    copy.erase();
  });
}

/// A constant global (a RoPE table, say) -> a device copy made where it is
/// used, freed when the function returns.
void globalToDevice(func::FuncOp fn, memref::GetGlobalOp global) {
  OpBuilder b(global);
  b.setInsertionPointAfter(global);
  Location loc = global.getLoc();
  auto type = cast<MemRefType>(global.getType());
  auto copy = gpu::AllocOp::create(b, loc, type, /*asyncToken=*/Type(),
                                   ValueRange(), ValueRange(), ValueRange(),
                                   /*hostShared=*/false);
  Value device = copy.getMemref();
  global.getResult().replaceAllUsesWith(device);
  b.setInsertionPointAfter(copy);
  gpu::MemcpyOp::create(b, loc, /*asyncToken=*/Type(), ValueRange(), device,
                        global.getResult());
  fn.walk([&](func::ReturnOp ret) {
    OpBuilder at(ret);
    gpu::DeallocOp::create(at, loc, /*asyncToken=*/Type(), ValueRange(),
                           device);
  });
}

/// memref.alloc/dealloc -> gpu.alloc/dealloc: temporaries live on the
/// device. (gpu-async-region later puts them on the function's stream.)
LogicalResult allocationsToDevice(func::FuncOp fn) {
  SmallVector<memref::GetGlobalOp> globals;
  fn.walk([&](memref::GetGlobalOp g) { globals.push_back(g); });
  for (memref::GetGlobalOp g : globals)
    globalToDevice(fn, g);
  WalkResult result = fn.walk([](Operation *op) {
    OpBuilder b(op);
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      auto dev = gpu::AllocOp::create(
          b, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
          /*asyncDependencies=*/ValueRange(), alloc.getDynamicSizes(),
          alloc.getSymbolOperands(), /*hostShared=*/false);
      alloc.replaceAllUsesWith(dev.getMemref());
      alloc.erase();
    } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      gpu::DeallocOp::create(b, dealloc.getLoc(), /*asyncToken=*/Type(),
                             ValueRange(), dealloc.getMemref());
      dealloc.erase();
    } else if (isa<memref::AllocaOp>(op)) {
      op->emitError() << "lipt's CUDA pipeline keeps every buffer on the "
                         "device; '"
                      << op->getName() << "' would be host memory";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

/// Host code may read only the rank-0 arguments (host memory by the
/// calling convention); anything else it reads or writes is on the device.
LogicalResult checkHostAccesses(func::FuncOp fn) {
  WalkResult result = fn.walk([&](Operation *op) {
    if (op->getParentOfType<gpu::LaunchOp>())
      return WalkResult::advance();
    Value buffer;
    if (auto load = dyn_cast<memref::LoadOp>(op))
      buffer = load.getMemRef();
    else if (auto store = dyn_cast<memref::StoreOp>(op))
      buffer = store.getMemRef();
    else
      return WalkResult::advance();
    auto arg = dyn_cast<BlockArgument>(buffer);
    bool hostScalar = arg && arg.getOwner()->isEntryBlock() &&
                      arg.getOwner()->getParentOp() == fn.getOperation() &&
                      cast<MemRefType>(buffer.getType()).getRank() == 0 &&
                      isa<memref::LoadOp>(op);
    if (hostScalar)
      return WalkResult::advance();
    op->emitError() << "host code would access device memory here; lipt's "
                       "CUDA pipeline reads only rank-0 arguments (step "
                       "scalars) on the host";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

struct LiptLinalgToGpuPass
    : mlir::lipt::impl::LiptLinalgToGpuPassBase<LiptLinalgToGpuPass> {
  void runOnOperation() override {
    for (func::FuncOp fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      copiesToLinalg(fn);
      if (failed(allocationsToDevice(fn)))
        return signalPassFailure();
      SmallVector<linalg::LinalgOp> ops;
      fn.walk([&](linalg::LinalgOp op) { ops.push_back(op); });
      for (linalg::LinalgOp op : ops)
        if (failed(convertLinalgOp(op)))
          return signalPassFailure();
      if (failed(checkHostAccesses(fn)))
        return signalPassFailure();
    }
  }
};

} // namespace
