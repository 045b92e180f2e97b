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

Status MuonStepConfig::stepScalars(double lr, std::vector<double> &out) const {
  out.clear();
  if (!std::isfinite(lr) || lr < 0)
    return Status::error(name +
                         ": the learning rate must be finite and >= 0, "
                         "got " +
                         std::to_string(lr));
  MuonCoupling c = muonStepCoupling(shape(), lr);
  if (c.decay >= 1) {
    std::ostringstream os;
    os << name << ": wd * lr * target_norm must be < 1 (the weight is scaled "
       << "by 1 minus it), got " << c.decay;
    return Status::error(os.str());
  }
  out.push_back(lr);
  if (constraint != ConstraintKind::soft_cap)
    return Status::success();
  std::optional<double> alpha =
      softCapCouplingAlpha(softCapCouplingK(sigmaMax, c.updateNorm, c.decay));
  if (!alpha)
    return Status::error(
        name + ": " + softCapCouplingProblem(sigmaMax, c.updateNorm, c.decay));
  out.push_back(*alpha);
  return Status::success();
}

} // namespace lipt_runtime
