//===- World.cpp - a process's place in a data-parallel job ---------------===//

#include "lipt/Train/World.h"

#include <cerrno>
#include <cstdlib>

namespace rt = lipt_runtime;

namespace lipt_train {
namespace {

/// An integer variable of torchrun's environment in [lo, hi]; `fallback`
/// when unset.
rt::Status readEnvInteger(const char *name, int lo, int hi, int fallback,
                          int &out) {
  const char *text = std::getenv(name);
  if (!text || !*text) {
    out = fallback;
    return rt::Status::success();
  }
  char *end = nullptr;
  errno = 0;
  long v = std::strtol(text, &end, 10);
  if (*end || errno == ERANGE || v < lo || v > hi)
    return rt::Status::error("environment variable " + std::string(name) +
                             "='" + text + "' is not an integer in [" +
                             std::to_string(lo) + ", " + std::to_string(hi) +
                             "]");
  out = int(v);
  return rt::Status::success();
}

} // namespace

rt::Status readTorchrunEnvironment(WorldConfig &out) {
  const int maxWorld = 1 << 16;
  if (rt::Status s =
          readEnvInteger("WORLD_SIZE", 1, maxWorld, 1, out.worldSize);
      !s)
    return s;
  if (rt::Status s = readEnvInteger("RANK", 0, maxWorld, 0, out.rank); !s)
    return s;
  if (out.rank >= out.worldSize)
    return rt::Status::error(
        "environment variable RANK=" + std::to_string(out.rank) +
        " is outside the job (" +
        "WORLD_SIZE=" + std::to_string(out.worldSize) + ")");
  if (rt::Status s =
          readEnvInteger("LOCAL_RANK", 0, maxWorld, 0, out.localRank);
      !s)
    return s;
  if (rt::Status s = readEnvInteger("LOCAL_WORLD_SIZE", 1, maxWorld, 1,
                                    out.localWorldSize);
      !s)
    return s;
  if (rt::Status s = readEnvInteger("MASTER_PORT", 1, 65535, out.masterPort,
                                    out.masterPort);
      !s)
    return s;
  if (const char *addr = std::getenv("MASTER_ADDR"); addr && *addr)
    out.masterAddr = addr;
  // As torch.distributed's env:// rendezvous reads torchrun's agent store.
  if (const char *agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE")) {
    out.agentStore = std::string(agent) == "True";
    const char *attempt = std::getenv("TORCHELASTIC_RESTART_COUNT");
    out.storePrefix =
        std::string("/worker/attempt_") + (attempt && *attempt ? attempt : "0");
  }
  if (out.worldSize > 1 &&
      (!std::getenv("RANK") || !std::getenv("MASTER_PORT")))
    return rt::Status::error("WORLD_SIZE=" + std::to_string(out.worldSize) +
                             " but RANK or MASTER_PORT is not set: start the "
                             "workers with torchrun, or with lipt-run "
                             "--nproc N");
  return rt::Status::success();
}

} // namespace lipt_train
