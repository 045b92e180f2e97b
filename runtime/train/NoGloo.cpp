//===- NoGloo.cpp - the Communicator in a build without Gloo --------------===//
//
// A runtime-only build against a LibTorch whose c10d Gloo headers are not
// at hand (cmake -DLIPT_DISTRIBUTED=OFF: a GPU node's PyTorch, say) trains
// in one process; joining a data-parallel job is an error that says so.
//
//===----------------------------------------------------------------------===//

#include "lipt/Train/Distributed.h"

#include "TrainSupport.h"

namespace lipt_train {

struct Communicator::Impl {};

Communicator::Communicator(const WorldConfig &world) : world(world) {}
Communicator::~Communicator() = default;

std::unique_ptr<Communicator> Communicator::connect(const WorldConfig &world,
                                                    const std::string &,
                                                    const std::string &) {
  throw TrainError("rank " + std::to_string(world.rank) +
                   ": this lipt-run was built without data-parallel training "
                   "(cmake -DLIPT_DISTRIBUTED=OFF); train in one process, or "
                   "build with c10d's Gloo");
}

// Unreachable: connect() never returns a Communicator.
void Communicator::allreduceSum(torch::Tensor &, const char *) {}
std::unique_ptr<Communicator::Pending>
Communicator::allreduceSumAsync(torch::Tensor &, const char *) {
  return nullptr;
}
void Communicator::broadcast(std::vector<torch::Tensor> &,
                             const std::vector<int> &, const char *) {}

} // namespace lipt_train
