//===- ModelSpecTest.cpp - the parameter table, spec JSON, model import ---===//

#include "lipt/Train/ModelSpec.h"
#include "lipt/InitAll.h"
#include "lipt/ModelImport/ModelImport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace lipt_train;

namespace {

using FailureOrSpec = mlir::FailureOr<ModelSpec>;

/// The tiny model of the training tests, as importModel reads it.
FailureOrSpec importTiny(mlir::MLIRContext &context) {
  mlir::DialectRegistry registry;
  mlir::lipt::registerLiptDialects(registry);
  registry.insert<mlir::func::FuncDialect>();
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  auto module = mlir::parseSourceFile<mlir::ModuleOp>(
      LIPT_SOURCE_DIR "/test/Train/Inputs/tiny-model.mlir", &context);
  if (!module)
    return mlir::failure();
  return mlir::lipt::importModel(*module);
}

TEST(ModelImport, ReadsTheTinyModel) {
  mlir::MLIRContext context;
  FailureOrSpec spec = importTiny(context);
  ASSERT_TRUE(mlir::succeeded(spec));
  EXPECT_EQ(spec->vocab, 24);
  EXPECT_EQ(spec->d, 16);
  EXPECT_EQ(spec->heads, 2);
  EXPECT_EQ(spec->hidden, 64);
  EXPECT_EQ(spec->layers(), 2);
  EXPECT_EQ(spec->batch, 8);
  EXPECT_EQ(spec->seqLen, 16);
  EXPECT_EQ(spec->steps, 40);
  EXPECT_DOUBLE_EQ(spec->lr, 0.05);
  EXPECT_EQ(spec->optimizer, OptimizerKind::muon);
  for (const BlockSpec &b : spec->blocks) {
    EXPECT_EQ(b.attn.kind, ConstraintKind::soft_cap);
    EXPECT_DOUBLE_EQ(b.mlp.sigmaMax, 1.0);
  }
  // The orthogonalization schedule's coefficients came with it.
  EXPECT_FALSE(spec->orthogonalizeSteps.empty());
}

TEST(ModelSpec, WeightTableIsInCheckpointOrder) {
  mlir::MLIRContext context;
  FailureOrSpec spec = importTiny(context);
  ASSERT_TRUE(mlir::succeeded(spec));
  std::vector<WeightInfo> w = weightsOf(*spec);
  ASSERT_EQ(w.size(), 2u + 6u * 2u);
  EXPECT_EQ(w.front().name, "embed.weight");
  EXPECT_EQ(w[1].name, "blocks.0.attn.q.weight");
  EXPECT_EQ(w[5].name, "blocks.0.mlp.in.weight");
  EXPECT_EQ(w[5].rows, 64); // [fan_out, fan_in] = [hidden, d]
  EXPECT_EQ(w[5].cols, 16);
  EXPECT_EQ(w[6].name, "blocks.0.mlp.out.weight");
  EXPECT_EQ(w.back().name, "head.weight");
  EXPECT_EQ(w.back().rows, 24);
  // Same shape and constraint, one group: 8 attention matrices (16x16),
  // 2 MLP inputs (64x16), 2 MLP outputs (16x64).
  std::vector<WeightGroup> groups = blockWeightGroups(*spec);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].members.size(), 8u);
  EXPECT_EQ(groups[1].rows, 64);
  EXPECT_EQ(groups[2].cols, 64);
}

TEST(ModelSpec, JsonRoundTripsExactly) {
  mlir::MLIRContext context;
  FailureOrSpec spec = importTiny(context);
  ASSERT_TRUE(mlir::succeeded(spec));
  spec->lr = 0.1 + 0.2; // not exactly representable: 17 digits keep it
  std::string json = toJson(*spec);
  ModelSpec back;
  lipt_runtime::Status s = fromJson(json, back);
  ASSERT_TRUE(s.ok) << s.message;
  EXPECT_EQ(back.lr, spec->lr);
  EXPECT_EQ(toJson(back), json);
}

TEST(ModelSpec, HardCapMethodRoundTripsAndDefaultsToThePolynomial) {
  mlir::MLIRContext context;
  FailureOrSpec spec = importTiny(context);
  ASSERT_TRUE(mlir::succeeded(spec));
  spec->blocks[0].mlp = {ConstraintKind::hard_cap, 2.0, false};
  spec->blocks[1].mlp = {ConstraintKind::hard_cap, 2.0, true};
  std::string json = toJson(*spec);
  EXPECT_NE(json.find("\"hard_cap_method\":\"msign\""), std::string::npos);
  ModelSpec back;
  lipt_runtime::Status s = fromJson(json, back);
  ASSERT_TRUE(s.ok) << s.message;
  EXPECT_FALSE(back.blocks[0].mlp.polynomialHardCap);
  EXPECT_TRUE(back.blocks[1].mlp.polynomialHardCap);
  EXPECT_EQ(toJson(back), json);
  // Same shape and bound, different methods: different optimizer groups.
  std::vector<WeightGroup> groups = blockWeightGroups(back);
  EXPECT_EQ(groups.size(), 5u);
  // A config written before the field existed reads as the polynomial.
  std::string old = json;
  for (size_t at;
       (at = old.find(",\"hard_cap_method\":\"msign\"")) != std::string::npos;)
    old.erase(at, std::string(",\"hard_cap_method\":\"msign\"").size());
  ASSERT_TRUE(fromJson(old, back).ok);
  EXPECT_TRUE(back.blocks[0].mlp.polynomialHardCap);
}

TEST(ModelSpec, JsonErrorsNameTheField) {
  mlir::MLIRContext context;
  FailureOrSpec spec = importTiny(context);
  ASSERT_TRUE(mlir::succeeded(spec));
  std::string json = toJson(*spec);
  auto errorFor = [](std::string text) {
    ModelSpec out;
    lipt_runtime::Status s = fromJson(text, out);
    return s.ok ? std::string("accepted") : s.message;
  };
  auto replaced = [&](const std::string &from, const std::string &to) {
    std::string text = json;
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  EXPECT_NE(errorFor(replaced("\"lr\":", "\"lr_\":")).find("'train.lr'"),
            std::string::npos);
  EXPECT_NE(errorFor(replaced("\"soft_cap\"", "\"soft-cap\""))
                .find("model.blocks[0].attn.kind"),
            std::string::npos);
  EXPECT_NE(errorFor(replaced("\"d\":16", "\"d\":16.5")).find("'model.d'"),
            std::string::npos);
  EXPECT_NE(errorFor("{").find("not JSON"), std::string::npos);
  // A hard-cap method: spelled right, and only on a hard cap.
  std::string method = ",\"hard_cap_method\":\"svd\"";
  EXPECT_NE(errorFor(replaced("\"kind\":\"soft_cap\"",
                              "\"kind\":\"hard_cap\"" + method))
                .find("'model.blocks[0].attn.hard_cap_method' must be"),
            std::string::npos);
  EXPECT_NE(errorFor(replaced("\"kind\":\"soft_cap\"",
                              "\"kind\":\"soft_cap\",\"hard_cap_method\":"
                              "\"msign\""))
                .find("'model.blocks[0].attn.hard_cap_method' needs kind "
                      "hard_cap"),
            std::string::npos);
}

} // namespace
