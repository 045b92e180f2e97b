//===- BatchSameShape.cpp - --lipt-batch-same-shape -----------------------===//

#include "lipt/Dialect/LiptOps.h"
#include "lipt/Passes/Passes.h"

#include "llvm/ADT/MapVector.h"

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTBATCHSAMESHAPEPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;
using namespace mlir::lipt;

namespace {

/// Ops whose operands and results are all weights of one type, batched over
/// leading dims: stacking along a new leading dim is their own batching.
/// (rms_project's axis and power_iteration's vectors would need adjusting.)
bool isBatchable(Operation *op) {
  if (!isa<SpectralSoftCapOp, SpectralHardCapOp, OrthogonalizeOp,
           SpectralHammerOp, SpectralNormalizeOp, SpectralWeightDecayOp,
           OddPolynomialOp, MuonStepOp>(op))
    return false;
  Type t = op->getOperand(0).getType();
  auto ranked = dyn_cast<RankedTensorType>(t);
  return ranked && ranked.hasStaticShape() &&
         llvm::all_of(op->getOperandTypes(), [&](Type o) { return o == t; }) &&
         llvm::all_of(op->getResultTypes(), [&](Type r) { return r == t; });
}

/// Ops that may share one batched op: same name, properties (inherent
/// attributes), discardable attributes and operand type.
using GroupKey = std::tuple<const void *, Attribute, Attribute, Type>;

GroupKey groupKey(Operation *op) {
  return {op->getName().getAsOpaquePointer(), op->getPropertiesAsAttribute(),
          op->getDiscardableAttrDictionary(), op->getOperand(0).getType()};
}

/// True when every operand of `op` is defined before `first` (or outside
/// its block), so a batched op standing at `first` can read it.
bool operandsAvailableAt(Operation *op, Operation *first) {
  return llvm::all_of(op->getOperands(), [&](Value v) {
    Operation *def = v.getDefiningOp();
    return !def || def->getBlock() != first->getBlock() ||
           def->isBeforeInBlock(first);
  });
}

void batchGroup(ArrayRef<Operation *> group) {
  Operation *first = group.front();
  OpBuilder b(first);
  Location loc = first->getLoc();
  auto type = cast<RankedTensorType>(first->getOperand(0).getType());
  int64_t k = group.size(), rank = type.getRank();
  SmallVector<int64_t> stackedShape{k};
  llvm::append_range(stackedShape, type.getShape());
  auto stackedType = RankedTensorType::get(stackedShape, type.getElementType());
  SmallVector<int64_t> unitShape{1};
  llvm::append_range(unitShape, type.getShape());
  auto unitType = RankedTensorType::get(unitShape, type.getElementType());
  SmallVector<ReassociationIndices> addLeadingDim{{0, 1}};
  for (int64_t d = 2; d <= rank; ++d)
    addLeadingDim.push_back({d});

  OperationState state(loc, first->getName());
  for (unsigned i = 0; i < first->getNumOperands(); ++i) {
    SmallVector<Value> parts;
    for (Operation *op : group)
      parts.push_back(tensor::ExpandShapeOp::create(
          b, loc, unitType, op->getOperand(i), addLeadingDim));
    state.addOperands(
        tensor::ConcatOp::create(b, loc, /*dim=*/0, parts).getResult());
  }
  state.addTypes(SmallVector<Type>(first->getNumResults(), stackedType));
  state.propertiesAttr = first->getPropertiesAsAttribute();
  state.addAttributes(first->getDiscardableAttrDictionary().getValue());
  Operation *batched = b.create(state);

  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1)};
  for (int64_t d : type.getShape())
    sizes.push_back(b.getIndexAttr(d));
  SmallVector<OpFoldResult> strides(rank + 1, b.getIndexAttr(1));
  for (auto [j, op] : llvm::enumerate(group)) {
    SmallVector<OpFoldResult> offsets(rank + 1, b.getIndexAttr(0));
    offsets[0] = b.getIndexAttr(j);
    for (unsigned r = 0; r < op->getNumResults(); ++r) {
      Value slice = tensor::ExtractSliceOp::create(
          b, loc, type, batched->getResult(r), offsets, sizes, strides);
      op->getResult(r).replaceAllUsesWith(slice);
    }
  }
  for (Operation *op : group)
    op->erase();
}

struct LiptBatchSameShapePass
    : mlir::lipt::impl::LiptBatchSameShapePassBase<LiptBatchSameShapePass> {
  void runOnOperation() override {
    SmallVector<Block *> blocks;
    getOperation()->walk([&](Block *block) { blocks.push_back(block); });
    for (Block *block : blocks) {
      // In program order, so the result does not depend on hashing.
      llvm::MapVector<GroupKey, SmallVector<Operation *>> groups;
      for (Operation &op : *block)
        if (isBatchable(&op))
          groups[groupKey(&op)].push_back(&op);
      // From the earliest op on, batch every op that can join it; what
      // cannot (it depends on an earlier member) forms a later group.
      for (auto &entry : groups) {
        SmallVector<Operation *> rest = entry.second;
        while (rest.size() >= 2) {
          Operation *first = rest.front();
          SmallVector<Operation *> group, later;
          for (Operation *op : rest)
            (op == first || operandsAvailableAt(op, first) ? group : later)
                .push_back(op);
          if (group.size() >= 2)
            batchGroup(group);
          rest = later;
        }
      }
    }
  }
};

} // namespace
