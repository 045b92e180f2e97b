//===- ExportCustomCalls.cpp - --lipt-export-custom-calls -----------------===//
//
// The reverse of --lipt-import-custom-calls: each lipt op that maps tensors
// to tensors becomes a generic-form `stablehlo.custom_call @lipt.<op>` in
// the typed-FFI convention (api_version = 4, attributes in a backend_config
// dictionary, spelled portably), so a lipt graph can be handed back to an
// XLA-style host. Import after export gives the original ops back.
//
//===----------------------------------------------------------------------===//

#include "lipt/Dialect/LiptOps.h"
#include "lipt/Dialect/LiptPortable.h"
#include "lipt/Passes/Passes.h"

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTEXPORTCUSTOMCALLSPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;
using namespace mlir::lipt;

namespace {

/// XLA's typed FFI (API_VERSION_TYPED_FFI).
constexpr int32_t kTypedFfiApiVersion = 4;

void exportOp(Operation *op) {
  MLIRContext *ctx = op->getContext();
  OpBuilder b(op);
  NamedAttrList config;
  if (auto props =
          dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute()))
    for (const NamedAttribute &attr : props)
      config.set(attr.getName(), toPortableAttr(attr.getValue()));
  NamedAttrList inherent;
  inherent.set("api_version", b.getI32IntegerAttr(kTypedFfiApiVersion));
  inherent.set("backend_config", config.getDictionary(ctx));
  inherent.set("call_target_name",
               b.getStringAttr(op->getName().getStringRef()));
  inherent.set("has_side_effect", b.getBoolAttr(false));
  OperationState state(op->getLoc(), "stablehlo.custom_call");
  state.addOperands(op->getOperands());
  state.addTypes(op->getResultTypes());
  state.propertiesAttr = inherent.getDictionary(ctx);
  // Discardable attributes (another framework's annotations) travel along.
  state.addAttributes(op->getDiscardableAttrDictionary().getValue());
  Operation *call = b.create(state);
  op->replaceAllUsesWith(call);
  op->erase();
}

struct LiptExportCustomCallsPass
    : mlir::lipt::impl::LiptExportCustomCallsPassBase<
          LiptExportCustomCallsPass> {
  void runOnOperation() override {
    MLIRContext &ctx = getContext();
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isCallableLiptOp(op->getName()))
        ops.push_back(op);
    });
    if (ops.empty())
      return;
    if (!ctx.allowsUnregisteredDialects() &&
        !ctx.isOperationRegistered("stablehlo.custom_call")) {
      ops.front()->emitError()
          << "exporting to stablehlo.custom_call needs StableHLO registered "
             "or unregistered dialects allowed (--allow-unregistered-dialect)";
      return signalPassFailure();
    }
    for (Operation *op : ops)
      exportOp(op);
  }
};

} // namespace
