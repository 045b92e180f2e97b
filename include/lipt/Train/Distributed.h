//===- Distributed.h - data-parallel training over PyTorch's c10d -*- C++
//-*-===//
//
// A training job of several processes, on one machine or many, joined the
// way torchrun joins them: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and
// MASTER_PORT name this process's place, a c10d TCPStore on rank 0 is the
// rendezvous and a ProcessGroupGloo carries the collectives (Debian's
// LibTorch has Gloo and no NCCL; a LibTorch with CUDA would add
// ProcessGroupNCCL here, chosen by device).
//
// The trainer (Trainer.h) uses three pieces: Communicator (the
// collectives, every failure a TrainError naming the rank and the
// operation), GradientAverager (bucketed all-reduce launched from autograd
// hooks while the backward pass still runs, as DDP does) and the job hash
// that every rank must share before the first step.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TRAIN_DISTRIBUTED_H
#define LIPT_TRAIN_DISTRIBUTED_H

#include "lipt/Train/World.h"

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace lipt_train {

/// The collectives of one job. Every method is called by every rank in the
/// same order (c10d matches collectives by order); each throws a TrainError
/// when a peer died, hung past the timeout, or the network failed.
class Communicator {
public:
  /// Joins the job: rank 0 serves the TCPStore at MASTER_ADDR:MASTER_PORT,
  /// the others connect to it; then every rank publishes `jobHash` and
  /// checks that all ranks agree on it and on the world size before the
  /// process group starts.
  static std::unique_ptr<Communicator> connect(const WorldConfig &world,
                                               const std::string &jobHash,
                                               const std::string &jobName);
  ~Communicator();

  int rank() const { return world.rank; }
  int size() const { return world.worldSize; }

  /// Sums `t` across ranks, in place.
  void allreduceSum(torch::Tensor &t, const char *what);
  /// Copies `t` from rank `root` into every rank's `t`, in place; all
  /// tensors at once.
  void broadcast(std::vector<torch::Tensor> &tensors,
                 const std::vector<int> &roots, const char *what);

  /// A sum started now, finished by wait(): the gradient buckets.
  class Pending {
  public:
    virtual ~Pending() = default;
    virtual void wait() = 0;
  };
  std::unique_ptr<Pending> allreduceSumAsync(torch::Tensor &t,
                                             const char *what);

private:
  struct Impl;
  explicit Communicator(const WorldConfig &world);
  WorldConfig world;
  std::unique_ptr<Impl> impl;
};

/// Averages the leaves' gradients across ranks in buckets of about
/// `bucketBytes`: a hook on each leaf copies its gradient into its bucket
/// as autograd produces it, and a full bucket's all-reduce starts at once,
/// overlapping the rest of the backward pass. Buckets are filled in
/// reverse leaf order (the order backward produces them) and always
/// started in bucket order, so every rank issues the same collectives.
class GradientAverager {
public:
  GradientAverager(Communicator &comm, const std::vector<torch::Tensor> &leaves,
                   int64_t bucketBytes);
  ~GradientAverager();
  GradientAverager(const GradientAverager &) = delete;
  GradientAverager &operator=(const GradientAverager &) = delete;
  /// Before backward: the hooks act only between arm() and finish(), so a
  /// backward pass of rank 0 alone (the certificate's probe) starts no
  /// collective.
  void arm();
  /// After backward: starts the buckets still waiting (a leaf without a
  /// gradient counts as zeros), waits for all, and writes the averages into
  /// the leaves' .grad. Returns the seconds spent waiting here.
  double finish();
  int64_t bucketCount() const { return int64_t(buckets.size()); }

private:
  struct Bucket {
    std::vector<size_t> leaves; // in fill order
    std::vector<int64_t> offsets;
    torch::Tensor flat;
    size_t ready = 0;
    std::unique_ptr<Communicator::Pending> pending;
  };
  void onGradient(size_t leaf, const torch::Tensor &grad);
  void startReadyBuckets();

  Communicator &comm;
  std::vector<torch::Tensor> leaves;
  std::vector<Bucket> buckets;
  std::vector<std::pair<size_t, size_t>> place; // leaf -> (bucket, slot)
  std::vector<bool> seen;                       // leaf's gradient this step
  std::vector<unsigned> hooks;                  // per leaf, to remove them
  size_t nextToStart = 0;
  bool armed = false;
};

/// The optimizer work of `costs` (one per leaf) split across `ranks`:
/// each leaf to the least loaded rank, largest first (ties to the lower
/// index), so every rank computes the same assignment.
std::vector<int> assignOwners(const std::vector<double> &costs, int ranks);

} // namespace lipt_train

#endif // LIPT_TRAIN_DISTRIBUTED_H
