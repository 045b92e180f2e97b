//===- Distributed.cpp - gradient buckets and the optimizer's split -------===//
//
// What data parallelism builds on a Communicator (Gloo.cpp, or NoGloo.cpp in
// a build without c10d's Gloo).
//
//===----------------------------------------------------------------------===//

#include "lipt/Train/Distributed.h"

#include "TrainSupport.h"

#include <algorithm>
#include <chrono>

namespace lipt_train {

//===----------------------------------------------------------------------===//
// GradientAverager
//===----------------------------------------------------------------------===//

GradientAverager::GradientAverager(Communicator &comm,
                                   const std::vector<torch::Tensor> &leafList,
                                   int64_t bucketBytes)
    : comm(comm), leaves(leafList), place(leafList.size()),
      seen(leafList.size(), false) {
  // Backward produces the head's gradient first and the embedding's last.
  const int64_t bucketElements = std::max<int64_t>(1, bucketBytes / 4);
  std::vector<int64_t> sizes; // elements per bucket
  for (size_t k = leaves.size(); k-- > 0;) {
    int64_t n = leaves[k].numel();
    if (buckets.empty() || sizes.back() + n > bucketElements) {
      buckets.emplace_back();
      sizes.push_back(0);
    }
    Bucket &b = buckets.back();
    place[k] = {buckets.size() - 1, b.leaves.size()};
    b.leaves.push_back(k);
    b.offsets.push_back(sizes.back());
    sizes.back() += n;
  }
  for (size_t i = 0; i < buckets.size(); ++i)
    buckets[i].flat = torch::zeros({sizes[i]}, torch::kFloat32);
  for (size_t k = 0; k < leaves.size(); ++k)
    hooks.push_back(leaves[k].register_hook(
        [this, k](torch::Tensor grad) { onGradient(k, grad); }));
}

GradientAverager::~GradientAverager() {
  for (size_t k = 0; k < leaves.size(); ++k)
    leaves[k].remove_hook(unsigned(hooks[k]));
}

void GradientAverager::arm() {
  armed = true;
  nextToStart = 0;
  std::fill(seen.begin(), seen.end(), false);
  for (Bucket &b : buckets) {
    b.ready = 0;
    b.pending.reset();
  }
}

void GradientAverager::onGradient(size_t leaf, const torch::Tensor &grad) {
  if (!armed || seen[leaf])
    return;
  auto [bucket, slot] = place[leaf];
  Bucket &b = buckets[bucket];
  b.flat.narrow(0, b.offsets[slot], grad.numel())
      .copy_(grad.detach().reshape({-1}));
  seen[leaf] = true;
  ++b.ready;
  startReadyBuckets();
}

void GradientAverager::startReadyBuckets() {
  while (nextToStart < buckets.size() &&
         buckets[nextToStart].ready == buckets[nextToStart].leaves.size()) {
    Bucket &b = buckets[nextToStart++];
    b.pending = comm.allreduceSumAsync(b.flat, "the gradients");
  }
}

double GradientAverager::finish() {
  auto t0 = std::chrono::steady_clock::now();
  for (Bucket &b : buckets)
    for (size_t slot = 0; slot < b.leaves.size(); ++slot)
      if (!seen[b.leaves[slot]]) { // unused this step: a zero gradient
        b.flat.narrow(0, b.offsets[slot], leaves[b.leaves[slot]].numel())
            .zero_();
        seen[b.leaves[slot]] = true;
        ++b.ready;
      }
  startReadyBuckets();
  armed = false;
  double scale = 1.0 / double(comm.size());
  for (Bucket &b : buckets) {
    b.pending->wait();
    for (size_t slot = 0; slot < b.leaves.size(); ++slot) {
      torch::Tensor leaf = leaves[b.leaves[slot]];
      torch::Tensor avg = b.flat.narrow(0, b.offsets[slot], leaf.numel())
                              .view(leaf.sizes())
                              .mul(scale);
      if (leaf.grad().defined())
        leaf.mutable_grad().copy_(avg);
      else
        leaf.mutable_grad() = avg; // mul made it a tensor of its own
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
      .count();
}

std::vector<int> assignOwners(const std::vector<double> &costs, int ranks) {
  std::vector<size_t> order(costs.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return costs[a] > costs[b]; });
  std::vector<double> load(size_t(std::max(ranks, 1)), 0.0);
  std::vector<int> owner(costs.size(), 0);
  for (size_t i : order) {
    size_t least =
        size_t(std::min_element(load.begin(), load.end()) - load.begin());
    owner[i] = int(least);
    load[least] += costs[i];
  }
  return owner;
}

} // namespace lipt_train
