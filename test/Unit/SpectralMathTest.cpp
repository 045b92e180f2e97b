//===- SpectralMathTest.cpp - host-side math of paper-notes.md ------------===//

#include "lipt/Runtime/SpectralMath.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace {

double alphaFor(double k) {
  std::optional<double> a = lipt_runtime::softCapCouplingAlpha(k);
  EXPECT_TRUE(a.has_value()) << "k=" << k;
  return a.value_or(0.0);
}

double softCapAtK(double k) {
  return lipt_runtime::softCapScalar(alphaFor(k), k);
}

/// The largest p2(p1(s)) over s in [0, k] (dense grid).
double peakOnInterval(double a, double k) {
  double best = 0;
  for (int i = 0; i <= 20000; ++i)
    best = std::max(best,
                    std::fabs(lipt_runtime::softCapScalar(a, k * i / 20000.0)));
  return best;
}

TEST(SoftCapCoupling, NoCapNeededWhenWeightCannotGrow) {
  EXPECT_EQ(alphaFor(1.0), 0.0);
  EXPECT_EQ(alphaFor(0.7), 0.0);
}

TEST(SoftCapCoupling, MapsKExactlyToOne) {
  // Theorem 3.1: p2(p1(k)) = 1, and never above 1 (the bound must hold),
  // in the range where the root is the answer (k <= 81/62).
  for (double k = 1.0 + 1e-6; k <= 81.0 / 62.0; k *= 1.01) {
    double a = alphaFor(k);
    ASSERT_GE(a, 0.0);
    double v = softCapAtK(k);
    EXPECT_LE(v, 1.0) << "k=" << k;
    EXPECT_NEAR(v, 1.0, 1e-14) << "k=" << k;
  }
}

TEST(SoftCapCoupling, IsTheSmallestNonNegativeRoot) {
  // The quartic f(a) = p2(p1(k)) - 1 is positive on [0, root): a strength a
  // little smaller must leave p2(p1(k)) above 1.
  for (double k : {1.001, 1.05, 1.1, 1.2, 1.3}) {
    double a = alphaFor(k);
    EXPECT_GT(lipt_runtime::softCapScalar(a * (1 - 1e-6), k), 1.0) << "k=" << k;
    for (double t = 0; t < 1.0; t += 0.01)
      EXPECT_GT(lipt_runtime::softCapScalar(a * t, k), 1.0) << "k=" << k;
  }
}

TEST(SoftCapCoupling, AgreesWithTheReferenceForm) {
  // The reference solves -k^9 a^4 + 3k^7 a^3 - 3k^5 a^2 + (k - 1) = 0.
  for (double k : {1.01, 1.1, 1.2, 1.3}) {
    double a = alphaFor(k);
    double f = -std::pow(k, 9) * std::pow(a, 4) +
               3 * std::pow(k, 7) * a * a * a - 3 * std::pow(k, 5) * a * a +
               (k - 1);
    EXPECT_NEAR(f, 0.0, 1e-13 * std::pow(k, 9)) << "k=" << k;
  }
}

TEST(SoftCapCoupling, MapsTheWholeIntervalIntoTheUnitBall) {
  // The induction of Theorem 3.1: every sigma in [0, k] ends with magnitude
  // <= 1 (the singular value is |p2(p1(s))|; past s = 1/sqrt(a) the sign
  // flips, which only flips a singular vector).
  for (double k : {1.01, 1.1, 1.3, 1.31, 1.7, 2.0, 2.5}) {
    double a = alphaFor(k);
    for (int i = 0; i <= 10000; ++i) {
      double s = k * i / 10000.0;
      double v = lipt_runtime::softCapScalar(a, s);
      ASSERT_LE(std::fabs(v), 1.0 + 1e-14) << "k=" << k << " s=" << s;
    }
  }
}

TEST(SoftCapCoupling, RootAloneOvershootsPastEightyOneOverSixtyTwo) {
  // Why lipt departs from the reference for large steps: with only the root,
  // p2(p1(s)) peaks above 1 inside (0, k). lipt's strength keeps it at 1.
  for (double k : {1.35, 1.5, 1.7, 2.0}) {
    double b = 0, lo = 0, hi = 1; // root of h(b) = 1/k, as the reference
    for (int i = 0; i < 100; ++i) {
      b = 0.5 * (lo + hi);
      double h = 1 - 3 * b * b + 3 * b * b * b - b * b * b * b;
      (h > 1 / k ? lo : hi) = b;
    }
    double reference = b / (k * k);
    EXPECT_GT(peakOnInterval(reference, k), 1.001) << "k=" << k;
    EXPECT_LE(peakOnInterval(alphaFor(k), k), 1.0 + 1e-14) << "k=" << k;
  }
}

TEST(SoftCapCoupling, RefusesStepsBeyondItsLimit) {
  double limit = lipt_runtime::softCapCouplingLimit();
  EXPECT_GT(limit, 2.5);
  EXPECT_LT(limit, 2.7);
  EXPECT_TRUE(lipt_runtime::softCapCouplingAlpha(limit * 0.999));
  EXPECT_FALSE(lipt_runtime::softCapCouplingAlpha(limit * 1.001));
}

TEST(SoftCapCoupling, KFromStepParameters) {
  EXPECT_DOUBLE_EQ(lipt_runtime::softCapCouplingK(6.0, 0.6, 0.0), 1.1);
  EXPECT_DOUBLE_EQ(lipt_runtime::softCapCouplingK(1.0, 0.1, 0.05), 1.05);
}

TEST(Schedules, AllNamedSchedulesExist) {
  for (const char *name :
       {"muon5", "paper6", "nanogpt5", "polar_express5", "msign_precise"})
    EXPECT_NE(lipt_runtime::findNamedSchedule(name), nullptr) << name;
  EXPECT_EQ(lipt_runtime::findNamedSchedule("muon6"), nullptr);
  EXPECT_EQ(lipt_runtime::findNamedSchedule("muon5")->steps.size(), 5u);
  EXPECT_EQ(lipt_runtime::findNamedSchedule("paper6")->steps.size(), 6u);
  // paper6 is stored in units of 1/1024 in the notes.
  EXPECT_DOUBLE_EQ(lipt_runtime::findNamedSchedule("paper6")->steps[0].a,
                   3955.0 / 1024.0);
}

TEST(Schedules, StayInTheirDocumentedRange) {
  for (const lipt_runtime::NamedSchedule &s : lipt_runtime::namedSchedules()) {
    double lo = s.documentedInputMin;
    for (int i = 0; i <= 20000; ++i) {
      double x =
          std::pow(10.0, std::log10(lo) * (1.0 - i / 20000.0)) / s.frobScale;
      double y = lipt_runtime::scalarScheduleMap(s.steps, x);
      ASSERT_GE(y, s.documentedMin) << s.name << " at " << x;
      ASSERT_LE(y, s.documentedMax) << s.name << " at " << x;
    }
  }
}

TEST(Schedules, MaxGainOfMuonExceedsOne) {
  // muon5 is not an exact msign: its largest output is about 1.2, which the
  // Muon step's soft-cap coupling must account for.
  const auto &muon = lipt_runtime::findNamedSchedule("muon5")->steps;
  double gain = lipt_runtime::scheduleMaxGain(muon, 1.0);
  EXPECT_GT(gain, 1.19);
  EXPECT_LT(gain, 1.21);
  const auto *precise = lipt_runtime::findNamedSchedule("msign_precise");
  EXPECT_NEAR(lipt_runtime::scheduleMaxGain(precise->steps, precise->frobScale),
              1.0, 1e-9);
}

TEST(HardCapPolynomial, MatchesTheDocumentedScalarMap) {
  // paper-notes: 0.5 -> 0.498, 1.0 -> 0.966, 2 -> 1.002, max 1.0109 on (0, 3].
  const auto &steps = lipt_runtime::hardCapPolynomialSteps();
  EXPECT_NEAR(lipt_runtime::scalarScheduleMap(steps, 0.5), 0.498, 5e-4);
  EXPECT_NEAR(lipt_runtime::scalarScheduleMap(steps, 1.0), 0.966, 5e-4);
  EXPECT_NEAR(lipt_runtime::scalarScheduleMap(steps, 2.0), 1.002, 5e-4);
  double best = 0;
  for (int i = 1; i <= 30000; ++i)
    best =
        std::max(best, lipt_runtime::scalarScheduleMap(steps, 3.0 * i / 30000));
  EXPECT_NEAR(best, 1.0109, 5e-4);
  EXPECT_GT(lipt_runtime::scalarScheduleMap(steps, 5.0), 1e100); // diverges
}

TEST(HardCapPolynomial, ValidRangeIsWhatTheHeaderSays) {
  // Every input in [0, kHardCapPolynomialRange] lands in [0, MaxOutput]:
  // the range the lowering rescales into before it applies the steps.
  const auto &steps = lipt_runtime::hardCapPolynomialSteps();
  double lo = 0, hi = 0;
  for (int i = 0; i <= 350000; ++i) {
    double y = lipt_runtime::scalarScheduleMap(
        steps, lipt_runtime::kHardCapPolynomialRange * i / 350000);
    lo = std::min(lo, y);
    hi = std::max(hi, y);
  }
  EXPECT_GE(lo, 0.0);
  EXPECT_LE(hi, lipt_runtime::kHardCapPolynomialMaxOutput);
  EXPECT_LT(lipt_runtime::scalarScheduleMap(steps, 4.0), 0.0); // past it
}

} // namespace
