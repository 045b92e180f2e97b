//===- OptimizerStep.cpp - the host side of the optimizer program's steps -===//

#include "lipt/Runtime/OptimizerStep.h"

#include <cmath>
#include <sstream>

namespace lipt_runtime {

/// sigma_max as a spectral norm: RMS->RMS bounds scale by
/// sqrt(fan_out / fan_in).
static double spectralBoundOf(double sigmaMax, bool rmsNorm, int64_t rows,
                              int64_t cols) {
  return rmsNorm ? sigmaMax * std::sqrt(double(rows) / double(cols)) : sigmaMax;
}

double MuonStepConfig::spectralBound() const {
  return spectralBoundOf(sigmaMax, rmsNorm, rows, cols);
}

std::vector<int64_t> MuonStepConfig::weightShape() const {
  std::vector<int64_t> shape =
      leadingDims ? *leadingDims : std::vector<int64_t>{count};
  shape.push_back(rows);
  shape.push_back(cols);
  return shape;
}

double AdamwStepConfig::spectralBound() const {
  return spectralBoundOf(sigmaMax, rmsNorm, rows, cols);
}

Status muonStepScalars(const MuonStepShape &shape, bool softCap,
                       double sigmaMax, double lr, std::vector<double> &out) {
  out.clear();
  if (!std::isfinite(lr) || lr < 0)
    return Status::error("the learning rate must be finite and >= 0, got " +
                         std::to_string(lr));
  MuonCoupling coupling = muonStepCoupling(shape, lr);
  if (coupling.decay >= 1) {
    std::ostringstream os;
    os << "wd * lr * target_norm must be < 1 (the weight is scaled by 1 "
       << "minus it), got " << coupling.decay;
    return Status::error(os.str());
  }
  out.push_back(lr);
  if (!softCap)
    return Status::success();
  SoftCapStrength strength = muonSoftCapStrength(shape, sigmaMax, lr);
  if (!strength.alpha)
    return Status::error(strength.error);
  out.push_back(*strength.alpha);
  return Status::success();
}

Status MuonStepConfig::stepScalars(double lr, std::vector<double> &out) const {
  Status s = muonStepScalars(shape(), constraint == ConstraintKind::soft_cap,
                             sigmaMax, lr, out);
  if (!s)
    s.message = name + ": " + s.message;
  return s;
}

} // namespace lipt_runtime
