//===- SpectralMath.cpp - Host-side math shared by compiler and runtime ---===//
//
// Every coefficient here is copied once from ../shared/docs/paper-notes.md;
// all other code reads them through this file.
//
//===----------------------------------------------------------------------===//

#include "lipt/Runtime/SpectralMath.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace lipt_runtime {

namespace {
std::vector<PolyStep> paper6() {
  // paper-notes: the paper's 6 steps, coefficients given in units of 1/1024.
  const double raw[6][3] = {{3955, -8306, 5008}, {3735, -6681, 3463},
                            {3799, -6499, 3211}, {4019, -6385, 2906},
                            {2677, -3029, 1162}, {2172, -1833, 682}};
  std::vector<PolyStep> steps;
  for (const auto &r : raw)
    steps.push_back({r[0] / 1024.0, r[1] / 1024.0, r[2] / 1024.0});
  return steps;
}

std::vector<PolyStep> polarExpress5() {
  return {{8.156554524902461, -22.48329292557795, 15.878769915207462},
          {4.042929935166739, -2.808917465908714, 0.5000178451051316},
          {3.8916678022926607, -2.772484153217685, 0.5060648178503393},
          {3.285753657755655, -2.3681294933425376, 0.46449024233003106},
          {2.3465413258596377, -1.7097828382687081, 0.42323551169305323}};
}

/// Polar Express followed by 4 classic cubic Newton-Schulz steps
/// (1.5, -0.5, 0), which converge quadratically to exactly 1 once every
/// singular value is in (0, sqrt(3)): the msign the exact hard cap needs.
std::vector<PolyStep> msignPrecise() {
  std::vector<PolyStep> steps = polarExpress5();
  for (int i = 0; i < 4; ++i)
    steps.push_back({1.5, -0.5, 0.0});
  return steps;
}
} // namespace

const std::vector<NamedSchedule> &namedSchedules() {
  // Documented ranges: scalarScheduleMap over s in [0.01, 1] (after the
  // Frobenius normalisation), rounded outwards.
  static const std::vector<NamedSchedule> schedules = {
      {"muon5", std::vector<PolyStep>(5, PolyStep{3.4445, -4.7750, 2.0315}),
       1.0, 0.01, 0.68, 1.135, "Muon default (paper-notes)"},
      {"paper6", paper6(), 1.0, 0.01, 0.995, 1.0,
       "the paper's 6 steps (paper-notes)"},
      {"nanogpt5",
       {{4.0848, -6.8946, 2.9270},
        {3.9505, -6.3029, 2.6377},
        {3.7418, -5.5913, 2.3037},
        {2.8769, -3.1427, 1.2046},
        {2.8366, -3.0525, 1.2012}},
       1.0,
       0.01,
       0.977,
       1.032,
       "the paper's NanoGPT run (paper-notes)"},
      {"polar_express5", polarExpress5(), 1.01, 0.01, 0.858, 1.142,
       "Polar Express, Amsel et al. 2025 (paper-notes)"},
      {"msign_precise", msignPrecise(), 1.01, 0.01, 1.0 - 1e-6, 1.0 + 1e-6,
       "polar_express5 + 4 cubic Newton-Schulz steps (lipt)"},
  };
  return schedules;
}

const NamedSchedule *findNamedSchedule(std::string_view name) {
  for (const NamedSchedule &s : namedSchedules())
    if (s.name == name)
      return &s;
  return nullptr;
}

std::string namedScheduleList() {
  std::string out;
  for (const NamedSchedule &s : namedSchedules()) {
    if (!out.empty())
      out += ", ";
    out += s.name;
  }
  return out;
}

const std::vector<PolyStep> &hardCapPolynomialSteps() {
  static const std::vector<PolyStep> steps = {{0.805032, 0.206361, -0.019763},
                                              {0.649867, 0.162935, -0.011150},
                                              {1.810259, -0.200265, 0.008251},
                                              {1.004384, -0.183490, 0.014413}};
  return steps;
}

double scalarScheduleMap(const std::vector<PolyStep> &steps, double sigma) {
  for (const PolyStep &s : steps) {
    double sq = sigma * sigma;
    sigma = s.a * sigma + (s.b + s.c * sq) * sq * sigma;
  }
  return sigma;
}

double scheduleMaxGain(const std::vector<PolyStep> &steps, double frobScale) {
  // Log-spaced grid over (1e-8, 1] / frobScale: the maps are smooth
  // polynomials, so 2e5 points resolve their maxima to well below 1e-6.
  const int n = 200000;
  const double ratio = std::pow(10.0, 8.0 / n);
  double best = 0.0, s = 1e-8 / frobScale;
  for (int i = 0; i <= n; ++i, s *= ratio)
    best = std::max(best, std::fabs(scalarScheduleMap(steps, s)));
  // The grid's last point drifts by rounding; evaluate the endpoint exactly.
  return std::max(best, std::fabs(scalarScheduleMap(steps, 1.0 / frobScale)));
}

double softCapScalar(double alpha, double sigma) {
  double p1 = sigma - alpha * sigma * sigma * sigma;
  return p1 + alpha * p1 * p1 * p1;
}

double softCapCouplingK(double sigmaMax, double lr, double wd) {
  return (1.0 - wd) + lr / sigmaMax;
}

// With b = a s^2, p2(p1(s)) = s h(b), h(b) = 1 - 3b^2 + 3b^3 - b^4 (the
// quartic of Theorem 3.1 divided by s). h(0) = 1, h(1) = 0 and
// h'(b) = -b (4b^2 - 9b + 6) < 0 on (0, 1] (the quadratic has no real root).
// As a function of s at fixed a, s h(a s^2) = sqrt(b / a) h(b) peaks where
// h(b) + 2b h'(b) = 1 - 15b^2 + 21b^3 - 9b^4 = 0, i.e. at b = 1/3, with value
// (62/81) / sqrt(3a). So the peak lies inside [0, k] iff a k^2 >= 1/3, and is
// <= 1 iff a >= (62/81)^2 / 3 = 3844/19683.
namespace {
constexpr double kPeakStrength = 3844.0 / 19683.0;

double h(double b) { return 1.0 - b * b * (3.0 - b * (3.0 - b)); }

/// The smallest b in (0, 1) with h(b) = target (h is decreasing there).
double solveH(double target) {
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 200; ++i) {
    double mid = 0.5 * (lo + hi);
    if (mid == lo || mid == hi)
      break;
    (h(mid) > target ? lo : hi) = mid;
  }
  return hi; // h(hi) <= target: the stronger end, so rounding stays sound
}

/// Raises a by ulps until p2(p1(s)) <= 1 holds in double arithmetic too.
double nudgeUntilBounded(double a, double s) {
  for (int i = 0; i < 64 && softCapScalar(a, s) > 1.0; ++i)
    a = std::nextafter(a, 1.0);
  return a;
}
} // namespace

std::optional<double> softCapCouplingAlpha(double k) {
  if (!(k > 1.0))
    return 0.0;
  if (k > softCapCouplingLimit())
    return std::nullopt;
  double root = solveH(1.0 / k) / (k * k); // Theorem 3.1
  if (root * k * k <= 1.0 / 3.0)
    return nudgeUntilBounded(root, k);
  // The peak at b = 1/3 is inside [0, k]: cap it at exactly 1.
  double a = std::max(root, kPeakStrength);
  return nudgeUntilBounded(a, 1.0 / std::sqrt(3.0 * a));
}

double softCapCouplingLimit() {
  // With a = kPeakStrength, s h(a s^2) falls below -1 (a singular value of
  // magnitude > 1) past the root of s h(a s^2) = -1 beyond s = 1/sqrt(a).
  static const double limit = [] {
    double lo = 1.0 / std::sqrt(kPeakStrength), hi = 10.0;
    for (int i = 0; i < 200; ++i) {
      double mid = 0.5 * (lo + hi);
      if (mid == lo || mid == hi)
        break;
      (softCapScalar(kPeakStrength, mid) >= -1.0 ? lo : hi) = mid;
    }
    return lo;
  }();
  return limit;
}

MuonCoupling muonStepCoupling(const MuonStepShape &shape, double lr) {
  double unit = lr * shape.targetNorm;
  // sqrt(fan_out / fan_in): the update's spectral norm per unit of RMS->RMS.
  if (!shape.rmsNorm)
    unit *= std::sqrt(double(shape.rows) / double(shape.cols));
  return {unit * shape.scheduleGain, shape.wd * lr * shape.targetNorm};
}

std::string softCapCouplingProblem(double sigmaMax, double updateNorm,
                                   double decay) {
  double k = softCapCouplingK(sigmaMax, updateNorm, decay);
  if (softCapCouplingAlpha(k))
    return "";
  std::ostringstream os;
  os << "an update of norm " << updateNorm
     << " on a weight bounded by sigma_max = " << sigmaMax
     << " can grow it to k = " << k
     << " x sigma_max; the soft cap guarantees the bound only up to k = "
     << softCapCouplingLimit() << " (lower lr or raise sigma_max)";
  return os.str();
}

namespace {
/// The largest eigenvalue of the symmetric n x n matrix `g` (destroyed):
/// cyclic Jacobi sweeps until the off-diagonal part vanishes at double
/// precision.
double largestEigenvalue(std::vector<double> &g, int64_t n) {
  auto at = [&](int64_t i, int64_t j) -> double & { return g[i * n + j]; };
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, diag = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j)
        (i == j ? diag : off) += at(i, j) * at(i, j);
    if (off <= 1e-32 * diag || off == 0)
      break;
    for (int64_t p = 0; p < n; ++p)
      for (int64_t q = p + 1; q < n; ++q) {
        double apq = at(p, q);
        if (apq == 0)
          continue;
        double theta = (at(q, q) - at(p, p)) / (2 * apq);
        double t = (theta >= 0 ? 1.0 : -1.0) /
                   (std::abs(theta) + std::sqrt(theta * theta + 1));
        double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int64_t k = 0; k < n; ++k) { // columns p, q
          double akp = at(k, p), akq = at(k, q);
          at(k, p) = c * akp - s * akq;
          at(k, q) = s * akp + c * akq;
        }
        for (int64_t k = 0; k < n; ++k) { // rows p, q
          double apk = at(p, k), aqk = at(q, k);
          at(p, k) = c * apk - s * aqk;
          at(q, k) = s * apk + c * aqk;
        }
      }
  }
  double best = 0;
  for (int64_t i = 0; i < n; ++i)
    best = std::max(best, at(i, i));
  return best;
}
} // namespace

double largestSingularValue(const double *a, int64_t rows, int64_t cols) {
  // G = A^T A (cols x cols) or A A^T (rows x rows), the smaller.
  bool wide = rows < cols;
  int64_t n = wide ? rows : cols, len = wide ? cols : rows;
  auto elem = [&](int64_t i, int64_t k) { // row i of the side we square
    return wide ? a[i * cols + k] : a[k * cols + i];
  };
  std::vector<double> g(size_t(n * n));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i; j < n; ++j) {
      double sum = 0;
      for (int64_t k = 0; k < len; ++k)
        sum += elem(i, k) * elem(j, k);
      g[i * n + j] = g[j * n + i] = sum;
    }
  return std::sqrt(std::max(0.0, largestEigenvalue(g, n)));
}

double rmsToRmsNorm(const double *a, int64_t fanOut, int64_t fanIn) {
  return std::sqrt(double(fanIn) / double(fanOut)) *
         largestSingularValue(a, fanOut, fanIn);
}

} // namespace lipt_runtime
