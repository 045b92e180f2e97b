//===- Certify.cpp - Lipschitz bounds of a Lipschitz transformer ----------===//

#include "lipt/Runtime/Certify.h"

#include <cstddef>

namespace lipt_runtime {

double lipschitzBound(const TransformerNorms &n, BoundVariant variant) {
  if (n.blocks.empty())
    return n.embed * n.head;
  const double alpha = 1.0 / (2.0 * double(n.blocks.size()));
  const double s = n.softmaxScale;

  // 1. Activation-norm bounds before each attention branch. Dividing by
  //    1.1289 is sound here: |gelu(x)| <= |x|.
  std::vector<double> aAtt;
  double a = 1.0;
  for (const BlockNorms &b : n.blocks) {
    aAtt.push_back(a);
    a = (1 - alpha) * a + alpha * (b.o * b.v / 3.0) * a;
    a = (1 - alpha) * a + alpha * (b.mlpOut * b.mlpIn / kGeluMaxSlope) * a;
  }

  // 2. The Lipschitz recursion through the convex residual branches.
  double L = n.embed;
  for (std::size_t l = 0; l < n.blocks.size(); ++l) {
    const BlockNorms &b = n.blocks[l];
    double scores = 2.0 * b.v * aAtt[l] * aAtt[l] * b.q * b.k;
    double lAtt = variant == BoundVariant::sound
                      ? (b.o / 3.0) * (b.v + s * scores)
                      : (b.o / 3.0) * (b.v + scores) * s;
    double lMlp = variant == BoundVariant::sound
                      ? b.mlpOut * b.mlpIn
                      : b.mlpOut * b.mlpIn / kGeluMaxSlope;
    L = (1 - alpha) * L + alpha * L * lAtt;
    L = (1 - alpha) * L + alpha * L * lMlp;
  }
  // 3. The head.
  return L * n.head;
}

double mlpLipschitzBound(const std::vector<double> &layerNorms) {
  double L = 1.0;
  for (double w : layerNorms)
    L *= w;
  return L;
}

} // namespace lipt_runtime
