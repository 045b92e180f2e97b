//===- Reference.cpp - the optimizer ops in eager LibTorch ----------------===//
//
// Written from paper-notes, one matrix product per line as a framework user
// writes it; shares no code with the compiler's lowering.
//
//===----------------------------------------------------------------------===//

#include "lipt/Torch/Reference.h"

#include <cmath>
#include <optional>

namespace rt = lipt_runtime;

namespace lipt_torch {
namespace {

/// X <- a X + (b A + c A^2) X on the smaller Gram side of [B, m, n].
torch::Tensor polyStep(const torch::Tensor &x, double a, double b, double c) {
  bool wide = x.size(1) <= x.size(2);
  torch::Tensor y = wide ? x : x.transpose(1, 2);
  torch::Tensor gram = torch::bmm(y, y.transpose(1, 2));
  torch::Tensor poly =
      c == 0 ? gram * b
             : torch::baddbmm(gram, gram, gram, /*beta=*/b, /*alpha=*/c);
  y = torch::baddbmm(y, poly, y, /*beta=*/a, /*alpha=*/1.0);
  return wide ? y : y.transpose(1, 2).contiguous();
}

/// The paper's hard-cap polynomial on W / bound, after the same range guard
/// as the lowering (LiptOps.td): W / max(1, u / R), u = ||(M^T M)^2||_F^(1/4).
torch::Tensor hardCapPolynomial(const torch::Tensor &w, double bound) {
  torch::Tensor m = w / bound;
  bool wide = m.size(1) <= m.size(2);
  torch::Tensor gram = wide ? torch::bmm(m, m.transpose(1, 2))
                            : torch::bmm(m.transpose(1, 2), m);
  torch::Tensor u = torch::bmm(gram, gram).pow(2).sum({1, 2}, true).pow(0.125);
  m = m / (u / rt::kHardCapPolynomialRange).clamp_min(1.0);
  for (const rt::PolyStep &p : rt::hardCapPolynomialSteps())
    m = polyStep(m, p.a, p.b, p.c);
  return m * bound;
}

/// The constraint `kind` with spectral bound `bound` on the stepped weight,
/// in place; a soft cap's strength on W / bound is `alpha`.
rt::Status constrain(const std::string &name, rt::ConstraintKind kind,
                     double bound, bool polynomialHardCap,
                     std::optional<double> alpha, torch::Tensor &w) {
  if (kind == rt::ConstraintKind::none)
    return rt::Status::success();
  if (kind == rt::ConstraintKind::soft_cap) {
    if (!alpha)
      return rt::Status::error(name + ": a soft cap needs its strength");
    double a = *alpha / (bound * bound); // on W, as on W / bound
    w = polyStep(w, 1.0, -a, 0.0);       // p1(x) = x - a x^3
    w = polyStep(w, 1.0, a, 0.0);        // p2(x) = x + a x^3
    return rt::Status::success();
  }
  if (kind == rt::ConstraintKind::hard_cap && polynomialHardCap) {
    w = hardCapPolynomial(w, bound);
    return rt::Status::success();
  }
  return rt::Status::error(name +
                           ": the reference backend implements the "
                           "constraints none, soft_cap and hard_cap "
                           "(polynomial), not " +
                           std::string(rt::nameOf(kind)));
}

/// Row RMS of [..., rows, d], kept as [..., rows, 1].
torch::Tensor rowRms(const torch::Tensor &x) {
  return x.pow(2).mean(-1, true).sqrt();
}

} // namespace

torch::Tensor referenceOrthogonalize(const torch::Tensor &g,
                                     const std::vector<rt::PolyStep> &steps,
                                     double frobScale, double eps) {
  torch::Tensor fro = g.pow(2).sum({1, 2}, true).sqrt();
  torch::Tensor x = g / (frobScale * fro + eps);
  for (const rt::PolyStep &p : steps)
    x = polyStep(x, p.a, p.b, p.c);
  return x.contiguous();
}

rt::Status referenceMuonStep(const rt::MuonStepConfig &c,
                             const torch::Tensor &weight,
                             const torch::Tensor &grad,
                             const torch::Tensor &momentum,
                             const std::vector<double> &scalars) {
  torch::NoGradGuard noGrad;
  if (scalars.empty())
    return rt::Status::error(c.name + ": no learning rate");
  double lr = scalars[0];
  // paper-notes "Muon step with a constraint".
  momentum.mul_(c.beta).add_(grad, 1 - c.beta);
  torch::Tensor dir =
      c.nesterov ? momentum * c.beta + grad * (1 - c.beta) : momentum;
  torch::Tensor update =
      referenceOrthogonalize(dir, c.scheduleSteps, c.frobScale);
  double fan = std::sqrt(double(c.rows) / double(c.cols));
  torch::Tensor w = weight * (1 - c.wd * lr * c.targetNorm) -
                    update * (lr * fan * c.targetNorm);
  std::optional<double> alpha;
  if (scalars.size() > 1)
    alpha = scalars[1];
  rt::Status ok = constrain(c.name, c.constraint, c.spectralBound(),
                            c.polynomialHardCap, alpha, w);
  if (ok)
    weight.copy_(w);
  return ok;
}

rt::Status referenceAdamwStep(const rt::AdamwStepConfig &c,
                              const torch::Tensor &weight,
                              const torch::Tensor &grad,
                              const torch::Tensor &expAvg,
                              const torch::Tensor &expAvgSq,
                              const std::vector<double> &scalars) {
  torch::NoGradGuard noGrad;
  if (scalars.size() != 2)
    return rt::Status::error(c.name + ": needs lr and the step count");
  double lr = scalars[0], t = scalars[1];
  expAvg.mul_(c.beta).add_(grad, 1 - c.beta);
  expAvgSq.mul_(c.beta2).addcmul_(grad, grad, 1 - c.beta2);
  double c1 = 1 - std::pow(c.beta, t), c2 = 1 - std::pow(c.beta2, t);
  torch::Tensor w = weight * (1 - lr * c.wd) -
                    expAvg / ((expAvgSq / c2).sqrt() + c.eps) * (lr / c1);
  rt::Status ok = constrain(c.name, c.constraint, c.spectralBound(),
                            c.polynomialHardCap, std::nullopt, w);
  if (ok)
    weight.copy_(w);
  return ok;
}

rt::Status referenceRowStep(const rt::RowStepConfig &c,
                            const torch::Tensor &weight,
                            const torch::Tensor &grad,
                            const torch::Tensor &momentum,
                            const std::vector<double> &scalars) {
  torch::NoGradGuard noGrad;
  if (scalars.size() != 1)
    return rt::Status::error(c.name + ": needs lr");
  double step = scalars[0] * c.targetNorm;
  momentum.mul_(c.beta).add_(grad, 1 - c.beta);
  torch::Tensor update =
      momentum * (1.0 / rowRms(momentum)).clamp_max(c.maxInflation);
  weight.mul_(1 - c.wd * step).add_(update, -step);
  weight.div_((rowRms(weight) / c.maxRms).clamp_min(1.0));
  return rt::Status::success();
}

} // namespace lipt_torch
