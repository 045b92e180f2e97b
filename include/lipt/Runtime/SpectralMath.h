//===- SpectralMath.h - Host-side math shared by compiler and runtime -----===//
//
// Scalar mathematics of ../shared/docs/paper-notes.md that the compiler folds
// into IR and the runtime reuses: the soft-cap coupling root (Theorem 3.1),
// the named Newton-Schulz schedules, and the scalar maps polynomial
// iterations apply to each singular value. No MLIR dependency, so the runtime
// and LibTorch-side code link it without pulling in the compiler.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_SPECTRALMATH_H
#define LIPT_RUNTIME_SPECTRALMATH_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lipt_runtime {

/// One step X <- a X + (b A + c A^2) X, A = X X^T (paper-notes,
/// "Orthogonalization").
struct PolyStep {
  double a, b, c;
};

/// A named schedule of odd polynomial steps with its documented output range.
struct NamedSchedule {
  std::string_view name;
  std::vector<PolyStep> steps;
  /// Inputs are divided by (frobScale * ||G||_F + eps) before the first step
  /// (1.01 for Polar Express, 1 otherwise).
  double frobScale;
  /// Every singular value s with s / ||G||_F in [documentedInputMin, 1] lands
  /// in [documentedMin, documentedMax] (measured with scalarScheduleMap).
  double documentedInputMin, documentedMin, documentedMax;
  std::string_view source;
};

/// All named schedules, in a stable order.
const std::vector<NamedSchedule> &namedSchedules();
/// The schedule called `name`, or nullptr.
const NamedSchedule *findNamedSchedule(std::string_view name);
/// "muon5, paper6, ..." for diagnostics.
std::string namedScheduleList();

/// The 4 hard-cap polynomial steps of paper-notes ("Hard cap polynomial").
const std::vector<PolyStep> &hardCapPolynomialSteps();

/// Singular values of W / sigma_max in [0, kHardCapPolynomialRange] map into
/// [0, kHardCapPolynomialMaxOutput] under the steps; past ~3.67 the map
/// turns negative, then explodes (4 -> -0.998, 4.5 -> inf, 5 -> NaN). The
/// polynomial cap rescales its input into this range first. Both numbers
/// are checked by a scan in test/Unit/SpectralMathTest.cpp.
inline constexpr double kHardCapPolynomialRange = 3.5;
/// The polynomial is not an exact min(1, s): it overshoots 1 by up to 1.1%
/// near s = 1.4.
inline constexpr double kHardCapPolynomialMaxOutput = 1.0109;

/// Applies the steps to one singular value (already normalised).
double scalarScheduleMap(const std::vector<PolyStep> &steps, double sigma);

/// The largest value the schedule maps any singular value to, over all inputs
/// the Frobenius normalisation allows (s in (0, 1 / frobScale]), found on a
/// dense grid. An "orthogonalized" update can have spectral norm this large,
/// so couplings that assume ||update|| <= lr use lr * this gain.
double scheduleMaxGain(const std::vector<PolyStep> &steps, double frobScale);

/// p2(p1(sigma)) of the soft cap with strength alpha.
double softCapScalar(double alpha, double sigma);

/// The soft-cap strength for a weight that may have grown to sigma <= k (in
/// units where the target is 1), such that every sigma in [0, k] ends in
/// [0, 1]; 0 when k <= 1 (nothing to cap).
///
/// For k <= 81/62 this is Theorem 3.1's root (the smallest a >= 0 with
/// p2(p1(k)) = 1), as in the reference. Beyond that the root is NOT enough:
/// p2(p1(s)) peaks inside (0, k) above 1 (k = 1.7: 1.085). lipt then uses
/// a = 3844/19683, which puts that peak exactly at 1. That holds up to
/// softCapCouplingLimit() (~2.6); past it no strength of this polynomial
/// bounds the weight and the result is empty. See the .cpp for the algebra.
std::optional<double> softCapCouplingAlpha(double k);

/// The largest k for which softCapCouplingAlpha guarantees the bound.
double softCapCouplingLimit();

/// k = (1 - wd) + lr / sigmaMax: the largest singular value, in units of the
/// target sigmaMax, after a step whose update norm is <= lr and whose
/// decoupled decay multiplies the weight by (1 - wd).
double softCapCouplingK(double sigmaMax, double lr, double wd);

/// Empty when a soft cap can hold sigmaMax after an update of norm
/// updateNorm and decay (1 - decay) (softCapCouplingAlpha exists); else the
/// one message that says why not, for every caller.
std::string softCapCouplingProblem(double sigmaMax, double updateNorm,
                                   double decay);

/// A Muon step's parameters that do not change from step to step
/// (lipt.muon_step's attributes; paper-notes "Muon step with a constraint").
struct MuonStepShape {
  int64_t rows = 0, cols = 0; // of one weight, [fan_out, fan_in]
  double wd = 0, targetNorm = 1;
  /// The orthogonalization schedule's maximal gain (scheduleMaxGain).
  double scheduleGain = 1;
  /// sigma_max and the update are measured RMS->RMS (else spectral).
  bool rmsNorm = false;
};

/// Theorem 3.1's premise for one Muon step at learning rate lr, in the unit
/// of the bound: the update lr * target_norm * sqrt(fan_out / fan_in) *
/// orthogonalize(m) has RMS->RMS norm <= lr * target_norm * gain (spectral:
/// times sqrt(fan_out / fan_in)), and the decay scales W by
/// 1 - wd * lr * target_norm. The one definition of that coupling: the
/// op's verifier and lowering, the trainer and the PyTorch ops use it.
struct MuonCoupling {
  double updateNorm, decay;
};
MuonCoupling muonStepCoupling(const MuonStepShape &shape, double lr);

/// sigma_1 of the row-major [rows, cols] matrix `a`, in float64: the largest
/// eigenvalue of the smaller Gram matrix by cyclic Jacobi rotations, which
/// converge for every symmetric matrix (unlike a power iteration, whose
/// estimate can sit below sigma_1: a certificate needs the value itself).
double largestSingularValue(const double *a, int64_t rows, int64_t cols);
/// The RMS->RMS norm of a [fan_out, fan_in] matrix: sqrt(fan_in / fan_out)
/// sigma_1.
double rmsToRmsNorm(const double *a, int64_t fanOut, int64_t fanIn);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_SPECTRALMATH_H
