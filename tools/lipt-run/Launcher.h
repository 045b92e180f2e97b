//===- Launcher.h - lipt-run --nproc: local data-parallel workers -*- C++
//-*-===//
//
// What torchrun does for one machine, built in: N copies of this lipt-run
// with RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR and
// MASTER_PORT set, watched until they end. A worker that fails stops the
// others (SIGTERM, then SIGKILL after a grace period), so a job never hangs
// on a dead peer; Ctrl-C reaches every worker, which checkpoint together.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TOOLS_LIPT_RUN_LAUNCHER_H
#define LIPT_TOOLS_LIPT_RUN_LAUNCHER_H

namespace lipt_run {

/// Runs `nproc` workers of this command line (argv without --nproc) with
/// `threadsPerWorker` CPU threads each; returns the job's exit code: 0
/// when all finished, 130 when a signal stopped them, else the first
/// failure's code.
int launchWorkers(int argc, char **argv, int nproc, int threadsPerWorker);

} // namespace lipt_run

#endif // LIPT_TOOLS_LIPT_RUN_LAUNCHER_H
