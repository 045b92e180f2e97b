//===- RuntimeMain.cpp - lipt-run of the runtime-only build ---------------===//
//
//   lipt-run x.lipt.so --function=NAME --input=2x3xf32=[...] --input=@w.npy
//                      [--output=@out.npy | --output=-]...
//   lipt-run x.lipt.so --list-functions
//
// The lipt-run a machine without LLVM builds (-DLIPT_RUNTIME_ONLY=ON): it
// runs artifacts that lipt-compile wrote elsewhere. Its options are the
// full lipt-run's --function options (RunFunction.h), read without LLVM's
// command-line library; anything else is an error that says what this
// build cannot do.
//
//===----------------------------------------------------------------------===//

#include "RunFunction.h"

#include "lipt/Runtime/Artifact.h"
#include "lipt/Runtime/HostTuning.h"

#include <cstring>
#include <iostream>
#include <string>

namespace rt = lipt_runtime;
using lipt_run::fail;

static const char *const kUsage =
    "usage: lipt-run ARTIFACT --function=NAME [--input=TENSOR]... "
    "[--output=@FILE.npy|-]...\n"
    "       lipt-run ARTIFACT --list-functions\n"
    "\n"
    "Runs a function of an artifact written by lipt-compile (this is the\n"
    "runtime-only build: no compiler, no training).\n"
    "  --function=NAME   the function to run\n"
    "  --input=TENSOR    an input, in order: 2x3xf32=[...] or @file.npy\n"
    "  --output=DEST     where result i goes, in order: @file.npy, or - to\n"
    "                    print (the default for results without one)\n"
    "  --list-functions  print the artifact's functions and signatures\n";

/// Matches `--name=value` or `--name value` at argv[i]; advances i past a
/// separate value. Sets `missing` when the value is absent.
static bool optionValue(int argc, char **argv, int &i, const char *name,
                        std::string &value, bool &missing) {
  size_t n = std::strlen(name);
  if (std::strncmp(argv[i], name, n) != 0)
    return false;
  if (argv[i][n] == '=') {
    value = argv[i] + n + 1;
    return true;
  }
  if (argv[i][n] != '\0')
    return false;
  missing = i + 1 >= argc;
  if (!missing)
    value = argv[++i];
  return true;
}

int main(int argc, char **argv) {
  // Before anything else: BLAS and OpenMP read these settings at load time.
  rt::tuneHostOrReexec(argv, "lipt-run");
  lipt_run::RunFunctionOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    bool missing = false;
    if (arg == "--help" || arg == "-help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "--list-functions") {
      options.list = true;
    } else if (optionValue(argc, argv, i, "--function", value, missing)) {
      options.function = value;
    } else if (optionValue(argc, argv, i, "--input", value, missing)) {
      options.inputs.push_back(value);
    } else if (optionValue(argc, argv, i, "--output", value, missing)) {
      options.outputs.push_back(value);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return fail("unknown option " + arg +
                  "; this lipt-run is the runtime-only build, which runs "
                  "the functions of artifacts (training and .mlir files "
                  "need the full build)");
    } else if (options.source.empty()) {
      options.source = arg;
    } else {
      return fail("more than one input file ('" + options.source + "', '" +
                  arg + "')");
    }
    if (missing)
      return fail(arg + " needs a value");
  }
  if (options.source.empty())
    return fail("no artifact\n" + std::string(kUsage));
  if (!rt::isArtifactFile(options.source))
    return fail(options.source +
                " is not an artifact, and this lipt-run (the runtime-only "
                "build) has no compiler: compile it elsewhere with "
                "`lipt-compile x.mlir -o x.lipt.so`");
  return lipt_run::runArtifact(options);
}
