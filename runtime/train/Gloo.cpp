//===- Gloo.cpp - the Communicator over c10d's TCPStore and Gloo ----------===//

#include "lipt/Train/Distributed.h"

#include "TrainSupport.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace rt = lipt_runtime;

namespace lipt_train {
namespace {

/// A c10d failure's message without LibTorch's C++ backtrace.
std::string messageOf(const std::exception &e) {
  if (auto *c10 = dynamic_cast<const c10::Error *>(&e))
    return c10->what_without_backtrace();
  return e.what();
}

/// Runs `body`; a c10d/Gloo exception becomes a TrainError that names the
/// rank and what it was doing.
template <typename F>
auto guarded(int rank, const std::string &what, F &&body) -> decltype(body()) {
  try {
    return body();
  } catch (const TrainError &) {
    throw;
  } catch (const std::exception &e) {
    throw TrainError("rank " + std::to_string(rank) + ": " + what +
                     " failed: " + messageOf(e) +
                     " (another worker died, hung past the timeout, or the "
                     "network failed; the last checkpoint is intact)");
  }
}

bool isLoopback(const std::string &host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

/// The Gloo transport device: GLOO_SOCKET_IFNAME's interface when set (as
/// PyTorch reads it), loopback for a local job, else this host's address.
std::shared_ptr<::gloo::transport::Device>
glooDevice(const WorldConfig &world) {
  if (const char *ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
    return ::c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  if (isLoopback(world.masterAddr))
    return ::c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return ::c10d::ProcessGroupGloo::createDefaultDevice();
}

std::string storeText(::c10d::Store &store, const std::string &key) {
  std::vector<uint8_t> bytes = store.get(key);
  return std::string(bytes.begin(), bytes.end());
}

/// "<world size> <job hash> <job name>", as each rank publishes it.
std::string joinRecord(const WorldConfig &world, const std::string &hash,
                       const std::string &name) {
  return std::to_string(world.worldSize) + " " + hash + " " + name;
}

/// What must agree: the world size and the hash (the name is for messages:
/// the model file may lie at another path on another machine).
std::string agreedPart(const std::string &record) {
  size_t first = record.find(' ');
  size_t second =
      first == std::string::npos ? first : record.find(' ', first + 1);
  return record.substr(0, second);
}

} // namespace

//===----------------------------------------------------------------------===//
// Communicator
//===----------------------------------------------------------------------===//

struct Communicator::Impl {
  c10::intrusive_ptr<::c10d::Store> store;
  c10::intrusive_ptr<::c10d::ProcessGroupGloo> group;
};

Communicator::Communicator(const WorldConfig &world)
    : world(world), impl(std::make_unique<Impl>()) {}
Communicator::~Communicator() = default;

std::unique_ptr<Communicator>
Communicator::connect(const WorldConfig &world, const std::string &jobHash,
                      const std::string &jobName) {
  std::unique_ptr<Communicator> comm(new Communicator(world));
  std::string where = world.masterAddr + ":" + std::to_string(world.masterPort);
  ::c10d::TCPStoreOptions storeOptions;
  storeOptions.port = uint16_t(world.masterPort);
  storeOptions.isServer = world.rank == 0 && !world.agentStore;
  storeOptions.waitWorkers = false; // the join records below check who came
  storeOptions.timeout = world.timeout;
  storeOptions.multiTenant = true; // as torch.distributed opens it
  try {
    c10::intrusive_ptr<::c10d::Store> tcp =
        c10::make_intrusive<::c10d::TCPStore>(world.masterAddr, storeOptions);
    comm->impl->store = tcp;
    if (world.agentStore)
      comm->impl->store =
          c10::make_intrusive<::c10d::PrefixStore>(world.storePrefix, tcp);
  } catch (const std::exception &e) {
    throw TrainError(
        "rank " + std::to_string(world.rank) + ": " +
        (storeOptions.isServer
             ? "cannot serve the rendezvous at " + where +
                   " (is the port in use? set another "
                   "MASTER_PORT): "
             : "cannot reach the rendezvous at " + where + " within " +
                   std::to_string(world.timeout.count()) +
                   " s (is rank 0, or torchrun's agent, running?): ") +
        messageOf(e));
  }

  // Every rank publishes what it is about to train and checks it against
  // rank 0's, then rank 0 checks everyone's: a rank started with another
  // model file, configuration, corpus or world size fails here, before any
  // collective could pair mismatched tensors.
  ::c10d::Store &store = *comm->impl->store;
  std::string mine = joinRecord(world, jobHash, jobName);
  auto keyOf = [](int r) { return "lipt/join/" + std::to_string(r); };
  guarded(world.rank, "publishing this rank's job at the rendezvous", [&] {
    store.set(keyOf(world.rank),
              std::vector<uint8_t>(mine.begin(), mine.end()));
  });
  std::string mismatch; // the first disagreement this rank saw
  auto compare = [&](int other) {
    std::string theirs =
        guarded(world.rank,
                "waiting for rank " + std::to_string(other) +
                    " at the rendezvous " + where,
                [&] { return storeText(store, keyOf(other)); });
    if (mismatch.empty() && agreedPart(theirs) != agreedPart(mine))
      mismatch = "rank " + std::to_string(world.rank) + " and rank " +
                 std::to_string(other) +
                 " were started with different jobs (world size, hash, "
                 "model file): '" +
                 mine + "' here, '" + theirs +
                 "' there; every rank needs the same model file, "
                 "configuration, corpus and WORLD_SIZE";
  };
  // Rank 0's store lives as long as rank 0: it exits only after every
  // other rank has read its record (the "read" counter), so a rank that
  // disagrees always learns why instead of losing the connection.
  const std::string readKey = "lipt/join/read";
  if (world.rank != 0) {
    compare(0);
    guarded(world.rank, "the rendezvous", [&] { store.add(readKey, 1); });
  } else {
    for (int r = 1; r < world.worldSize; ++r)
      compare(r);
    auto deadline = std::chrono::steady_clock::now() + world.timeout;
    while (guarded(0, "the rendezvous", [&] { return store.add(readKey, 0); }) <
               world.worldSize - 1 &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!mismatch.empty())
    throw TrainError(mismatch);

  guarded(world.rank, "starting the Gloo process group", [&] {
    auto options = ::c10d::ProcessGroupGloo::Options::create(
        std::chrono::duration_cast<std::chrono::milliseconds>(world.timeout));
    options->devices.push_back(glooDevice(world));
    comm->impl->group = c10::make_intrusive<::c10d::ProcessGroupGloo>(
        c10::make_intrusive<::c10d::PrefixStore>("lipt/gloo",
                                                 comm->impl->store),
        world.rank, world.worldSize, options);
  });
  return comm;
}

void Communicator::allreduceSum(torch::Tensor &t, const char *what) {
  allreduceSumAsync(t, what)->wait();
}

namespace {
class GlooPending : public Communicator::Pending {
public:
  GlooPending(c10::intrusive_ptr<::c10d::Work> work, int rank, std::string what)
      : work(std::move(work)), rank(rank), what(std::move(what)) {}
  void wait() override {
    guarded(rank, what, [&] { work->wait(); });
  }

private:
  c10::intrusive_ptr<::c10d::Work> work;
  int rank;
  std::string what;
};
} // namespace

std::unique_ptr<Communicator::Pending>
Communicator::allreduceSumAsync(torch::Tensor &t, const char *what) {
  std::string label = std::string("all-reduce of ") + what;
  return guarded(rank(), label, [&] {
    std::vector<torch::Tensor> tensors{t};
    return std::make_unique<GlooPending>(impl->group->allreduce(tensors),
                                         rank(), label);
  });
}

void Communicator::broadcast(std::vector<torch::Tensor> &tensors,
                             const std::vector<int> &roots, const char *what) {
  std::vector<std::unique_ptr<GlooPending>> pending;
  std::string label = std::string("broadcast of ") + what;
  guarded(rank(), label, [&] {
    for (size_t i = 0; i < tensors.size(); ++i) {
      ::c10d::BroadcastOptions options;
      options.rootRank = roots[i];
      std::vector<torch::Tensor> one{tensors[i]};
      pending.push_back(std::make_unique<GlooPending>(
          impl->group->broadcast(one, options), rank(), label));
    }
  });
  for (auto &p : pending)
    p->wait();
}

} // namespace lipt_train
