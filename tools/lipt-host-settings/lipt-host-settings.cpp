//===- lipt-host-settings.cpp - print the BLAS/OpenMP settings to set -----===//
//
// For processes that cannot re-execute themselves (Python): prints, one per
// line as NAME=VALUE<TAB>reason, the environment settings lipt's tools would
// set (lipt/Runtime/HostTuning.h), so they can be put in place before
// OpenBLAS and OpenMP load. Prints nothing when none is missing. Needs no
// MLIR and no LibTorch, so it starts in milliseconds.
//
//===----------------------------------------------------------------------===//

#include "lipt/Runtime/HostTuning.h"

#include <cstdio>

int main() {
  for (const lipt_runtime::EnvSetting &s : lipt_runtime::missingHostSettings())
    std::printf("%s=%s\t%s\n", s.name.c_str(), s.value.c_str(),
                s.reason.c_str());
  return 0;
}
