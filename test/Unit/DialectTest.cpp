//===- DialectTest.cpp - lipt dialect through its C++ API -----------------===//

#include "lipt/Dialect/LiptOps.h"
#include "lipt/InitAll.h"
#include "lipt/Passes/Passes.h"
#include "lipt/Train/ModelSpec.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

class LiptDialectTest : public ::testing::Test {
protected:
  LiptDialectTest() {
    DialectRegistry registry;
    mlir::lipt::registerLiptDialects(registry);
    registry.insert<func::FuncDialect, arith::ArithDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `src`; collects diagnostics instead of printing them.
  OwningOpRef<ModuleOp> parse(StringRef src) {
    diagnostics.clear();
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
      diagnostics += d.str() + "\n";
      return success();
    });
    return parseSourceString<ModuleOp>(src, &context);
  }

  MLIRContext context;
  std::string diagnostics;
};

TEST_F(LiptDialectTest, NamedScheduleExpandsToItsCoefficients) {
  auto s = mlir::lipt::ScheduleAttr::getNamed(&context, "muon5");
  ASSERT_TRUE(s);
  EXPECT_EQ(s.getNumSteps(), 5u);
  EXPECT_DOUBLE_EQ(s.getSteps()[0].b, -4.7750);
  EXPECT_FALSE(mlir::lipt::ScheduleAttr::getNamed(&context, "nope"));
}

TEST_F(LiptDialectTest, GenericFormParsesAndVerifies) {
  auto module = parse(R"mlir(
    "func.func"() <{function_type = (tensor<3x8x4xbf16>) -> tensor<3x8x4xbf16>,
                    sym_name = "f"}> ({
    ^bb0(%w: tensor<3x8x4xbf16>):
      %0 = "lipt.spectral_soft_cap"(%w) {sigma_max = 2.0 : f64, lr = 0.1 : f64,
             norm = #lipt.norm<rms>} : (tensor<3x8x4xbf16>) -> tensor<3x8x4xbf16>
      "func.return"(%0) : (tensor<3x8x4xbf16>) -> ()
    }) : () -> ()
  )mlir");
  ASSERT_TRUE(module) << diagnostics;
  mlir::lipt::SpectralSoftCapOp cap;
  module->walk([&](mlir::lipt::SpectralSoftCapOp op) { cap = op; });
  ASSERT_TRUE(cap);
  EXPECT_EQ(cap.getNorm(), mlir::lipt::NormKind::rms);
  // k = 1 + 0.1 / 2 = 1.05: the coupled strength is the host root.
  EXPECT_DOUBLE_EQ(cap.getEffectiveAlpha(),
                   *lipt_runtime::softCapCouplingAlpha(1.05));
}

TEST_F(LiptDialectTest, OutOfRangeAttributeIsReportedWithLocation) {
  auto module = parse(R"mlir(
    func.func @f(%w: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %0 = lipt.spectral_hard_cap %w {sigma_max = -1.0} : tensor<4x4xf32>
      return %0 : tensor<4x4xf32>
    }
  )mlir");
  EXPECT_FALSE(module);
  EXPECT_NE(diagnostics.find("'sigma_max' must be > 0"), std::string::npos)
      << diagnostics;
}

TEST_F(LiptDialectTest, LoweringLeavesNoLiptOps) {
  auto module = parse(R"mlir(
    func.func @f(%w: tensor<2x6x4xf32>, %g: tensor<2x6x4xf32>,
                 %m: tensor<2x6x4xf32>) -> (tensor<2x6x4xf32>, tensor<2x6x4xf32>) {
      %0, %1 = lipt.muon_step %w, %g, %m {lr = 0.1,
          constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0}
          : tensor<2x6x4xf32>
      return %0, %1 : tensor<2x6x4xf32>, tensor<2x6x4xf32>
    }
  )mlir");
  ASSERT_TRUE(module) << diagnostics;
  PassManager pm(&context);
  pm.addPass(mlir::lipt::createLiptLowerToLinalgPass());
  ASSERT_TRUE(succeeded(pm.run(*module)));
  bool anyLipt = false;
  module->walk([&](Operation *op) {
    anyLipt |= isa<mlir::lipt::LiptDialect>(op->getDialect());
  });
  EXPECT_FALSE(anyLipt);
}

} // namespace

// The runtime's ConstraintKind (no MLIR in it) and the dialect's
// #lipt.constraint enum name the same kinds with the same values: the model
// importer converts between them by value.
TEST(ConstraintKinds, MatchTheDialectEnum) {
  using namespace mlir::lipt;
  uint32_t i = 0;
  for (const char *name :
       lipt_runtime::EnumNames<lipt_runtime::ConstraintKind>::names) {
    std::optional<ConstraintKind> kind = symbolizeConstraintKind(name);
    ASSERT_TRUE(kind.has_value()) << name;
    EXPECT_EQ(static_cast<uint32_t>(*kind), i) << name;
    EXPECT_EQ(
        static_cast<uint32_t>(static_cast<lipt_runtime::ConstraintKind>(i)), i);
    ++i;
  }
  EXPECT_EQ(i, getMaxEnumValForConstraintKind() + 1);
}
