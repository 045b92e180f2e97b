//===- World.h - a process's place in a data-parallel job -------*- C++ -*-===//
//
// torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
// MASTER_ADDR, MASTER_PORT), read without LibTorch: lipt-run reads them
// before it decides what to start; the trainer (Distributed.h) joins the
// job they describe.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TRAIN_WORLD_H
#define LIPT_TRAIN_WORLD_H

#include "lipt/Runtime/Runtime.h"

#include <chrono>
#include <string>

namespace lipt_train {

/// Where this process sits in a data-parallel job.
struct WorldConfig {
  int rank = 0, worldSize = 1, localRank = 0, localWorldSize = 1;
  std::string masterAddr = "127.0.0.1";
  int masterPort = 29500;
  /// How long a collective or the rendezvous waits for the other ranks
  /// before this rank gives up with an error (a worker that hangs).
  std::chrono::seconds timeout{300};
  /// torchrun with a static rendezvous hosts the TCPStore in its agent
  /// (TORCHELASTIC_USE_AGENT_STORE=True): every rank is then a client, and
  /// this attempt's keys live under storePrefix.
  bool agentStore = false;
  std::string storePrefix;
  bool distributed() const { return worldSize > 1; }
};

/// Reads torchrun's variables into `out`: without WORLD_SIZE (or with 1) a
/// single process. An error names the variable that is malformed or
/// inconsistent (RANK outside [0, WORLD_SIZE), a port outside 1..65535).
lipt_runtime::Status readTorchrunEnvironment(WorldConfig &out);

} // namespace lipt_train

#endif // LIPT_TRAIN_WORLD_H
