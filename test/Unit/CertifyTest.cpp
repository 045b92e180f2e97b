//===- CertifyTest.cpp - the notes' Lipschitz bound, by hand
//---------------===//

#include "lipt/Runtime/Certify.h"

#include <gtest/gtest.h>

using namespace lipt_runtime;

namespace {

TEST(Certify, OneLayerWithUnitNormsByHand) {
  // N = 2, alpha = 1/2; a_att = 1. L_att = (1/3)(1 + 2) = 1, so L stays 1
  // after attention; the MLP branch is 1 (sound) or 1/1.1289 (reference).
  TransformerNorms n;
  n.blocks = {BlockNorms{}};
  EXPECT_DOUBLE_EQ(lipschitzBound(n, BoundVariant::sound), 1.0);
  EXPECT_DOUBLE_EQ(lipschitzBound(n, BoundVariant::reference),
                   0.5 + 0.5 / kGeluMaxSlope);
}

TEST(Certify, TwoLayersByHand) {
  // alpha = 1/4. Layer 0: a_att = 1; a <- 3/4 + (1/4)(2*3/3) = 5/4;
  // a <- (3/4)(5/4) + (1/4)(1/1.1289)(5/4).
  TransformerNorms n;
  n.embed = 2.0;
  n.head = 0.5;
  BlockNorms b;
  b.v = 3.0;
  b.o = 2.0; // w_o w_v / 3 = 2
  n.blocks = {b, BlockNorms{}};
  double a1 = 0.75 + 0.25 * 2.0;
  a1 = 0.75 * a1 + 0.25 * a1 / kGeluMaxSlope;
  // Sound: L_att0 = (2/3)(3 + 2*3*1*1*1) = 6; L_mlp = 1.
  double L = 2.0;
  L = 0.75 * L + 0.25 * L * 6.0;
  L = 0.75 * L + 0.25 * L * 1.0;
  double lAtt1 = (1.0 / 3.0) * (1.0 + 2.0 * a1 * a1);
  L = 0.75 * L + 0.25 * L * lAtt1;
  L = 0.75 * L + 0.25 * L * 1.0;
  EXPECT_NEAR(lipschitzBound(n, BoundVariant::sound), L * 0.5, 1e-12);
}

TEST(Certify, TheReferenceVariantNeverExceedsTheSoundOne) {
  // Per MLP branch the reference divides by 1.1289 once more.
  TransformerNorms n;
  n.embed = 1.0;
  for (int l = 0; l < 3; ++l)
    n.blocks.push_back({1.5, 1.2, 2.0, 1.8, 2.5, 2.2});
  EXPECT_LT(lipschitzBound(n, BoundVariant::reference),
            lipschitzBound(n, BoundVariant::sound));
}

TEST(Certify, SoftmaxScaleOnlyScalesTheScorePathInTheSoundBound) {
  TransformerNorms n;
  n.blocks = {BlockNorms{}};
  n.softmaxScale = 0.5;
  // Sound: L_att = (1/3)(1 + 0.5 * 2) = 2/3; L = 0.5 + 0.5 * 2/3 = 5/6;
  // then the MLP branch (1) keeps it.
  EXPECT_DOUBLE_EQ(lipschitzBound(n, BoundVariant::sound), 5.0 / 6.0);
}

TEST(Certify, MlpIsTheProductOfItsNorms) {
  EXPECT_DOUBLE_EQ(mlpLipschitzBound({2.0, 3.0, 0.5}), 3.0);
}

} // namespace
