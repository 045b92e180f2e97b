//===- HostTuning.cpp - process settings that BLAS and OpenMP need --------===//

#include "lipt/Runtime/HostTuning.h"

#include "OpenBlas.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

using namespace lipt_runtime;

std::string lipt_runtime::blasCoreName() {
  const char *name = openblas_get_corename();
  return name ? name : "";
}

std::string lipt_runtime::recommendedBlasCore() {
  // Only the known misdetection is corrected: a core OpenBLAS did recognise
  // is its own, better-informed choice.
  if (blasCoreName() != "Prescott")
    return "";
#if defined(__x86_64__)
  __builtin_cpu_init();
  // The SkylakeX kernels use AVX-512 F/CD/BW/DQ/VL (OpenBLAS's own test for
  // that core in driver/others/dynamic.c).
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return "Haswell";
#endif
  return "";
}

std::vector<EnvSetting> lipt_runtime::missingHostSettings() {
  std::vector<EnvSetting> out;
  if (!std::getenv("OPENBLAS_CORETYPE")) {
    std::string core = recommendedBlasCore();
    if (!core.empty())
      out.push_back({"OPENBLAS_CORETYPE", core,
                     "OpenBLAS did not recognise this CPU and fell back to "
                     "its Prescott kernels (fixed upstream in 0.3.25)"});
  }
  if (!std::getenv("OMP_WAIT_POLICY"))
    out.push_back({"OMP_WAIT_POLICY", "passive",
                   "spinning OpenMP workers compete with OpenBLAS's threads"});
  return out;
}

void lipt_runtime::tuneHostOrReexec(char **argv, const char *toolName) {
  if (std::getenv("LIPT_NO_HOST_TUNING"))
    return;
  // execv keeps the pid: a marker holding ours means this is the second run
  // (never loop, even if a setting did not take). A marker inherited from
  // another tuned process holds its pid, and this process still tunes.
  std::string self = std::to_string(getpid());
  const char *marker = std::getenv("LIPT_HOST_TUNED");
  if (marker && self == marker)
    return;
  std::vector<EnvSetting> settings = missingHostSettings();
  if (settings.empty())
    return;
  for (const EnvSetting &s : settings)
    setenv(s.name.c_str(), s.value.c_str(), /*overwrite=*/0);
  setenv("LIPT_HOST_TUNED", self.c_str(), 1);
  execv("/proc/self/exe", argv);
  // Still this process: run untuned rather than not at all, and say what
  // that costs.
  std::fprintf(stderr,
               "%s: warning: could not re-execute with tuned BLAS/OpenMP "
               "settings (%s); continuing untuned:\n",
               toolName, std::strerror(errno));
  for (const EnvSetting &s : settings)
    std::fprintf(stderr, "  %s=%s not in effect: %s\n", s.name.c_str(),
                 s.value.c_str(), s.reason.c_str());
}
