//===- HostTuning.h - settings BLAS and OpenMP need ------------*- C++ -*-===//
//
// Two settings decide how fast lipt's tools run on a CPU, and both are read
// from the environment when the libraries load, before main():
//
//  - OPENBLAS_CORETYPE. OpenBLAS before 0.3.25 (Debian 12 ships 0.3.21)
//    falls back to its Prescott (SSE3) kernels on Intel CPU models it does
//    not know (OpenBLAS issue #4267), e.g. Sapphire/Emerald Rapids: sgemm
//    then runs ~4x below the CPU's AVX-512 speed.
//  - OMP_WAIT_POLICY. LibTorch's OpenMP workers spin-wait by default and on
//    few cores fight OpenBLAS's own threads (~3x slower eager steps here).
//
// tuneHostOrReexec sets what is missing and re-executes the program once, so
// the libraries load with it. A variable the user already set is kept.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_HOSTTUNING_H
#define LIPT_RUNTIME_HOSTTUNING_H

#include <string>
#include <vector>

namespace lipt_runtime {

/// One environment variable to set, and why.
struct EnvSetting {
  std::string name, value, reason;
};

/// The OpenBLAS kernel set in use ("Prescott", "SkylakeX", ...).
std::string blasCoreName();

/// The kernel set OpenBLAS should use on this CPU when it fell back to
/// Prescott, from the CPU's features; empty when no override is needed.
std::string recommendedBlasCore();

/// What the environment lacks, given its current values (pure apart from
/// reading the environment, the CPU features and the OpenBLAS core).
std::vector<EnvSetting> missingHostSettings();

/// Sets missingHostSettings() and re-executes /proc/self/exe with the same
/// arguments, at most once (LIPT_HOST_TUNED=<pid> marks the second run).
/// Returns normally when nothing is missing, when LIPT_NO_HOST_TUNING is set,
/// or when re-executing failed (after a warning on stderr). Call first in
/// main().
void tuneHostOrReexec(char **argv, const char *toolName);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_HOSTTUNING_H
