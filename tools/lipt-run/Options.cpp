//===- Options.cpp - lipt-run's command line, without LLVM ----------------===//

#include "Options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <vector>

namespace lipt_run {
namespace {

enum class Category { run, train, eval, hidden };

struct Option {
  const char *name;      // without the leading --
  const char *valueName; // nullptr for a flag
  Category category;
  const char *help;
  /// Stores `value` (empty for a flag); false with `error` set when bad.
  std::function<bool(const std::string &value, std::string &error)> set;
};

bool parseInteger(const std::string &text, int64_t &out) {
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end || errno == ERANGE)
    return false;
  out = v;
  return true;
}

std::vector<Option> optionTable(Options &o) {
  auto text = [](std::string &field) {
    return [&field](const std::string &v, std::string &) {
      field = v;
      return true;
    };
  };
  auto integer = [](int64_t &field) {
    return [&field](const std::string &v, std::string &error) {
      if (parseInteger(v, field))
        return true;
      error = "'" + v + "' is not an integer";
      return false;
    };
  };
  // An int in [lo, hi]; `what` names it in the error ("a thread count").
  auto bounded = [](int &field, int64_t lo, int64_t hi, const char *what) {
    return [&field, lo, hi, what](const std::string &v, std::string &error) {
      int64_t n = 0;
      if (!parseInteger(v, n) || n < lo || n > hi) {
        error = "must be " + std::string(what) + " in [" + std::to_string(lo) +
                ", " + std::to_string(hi) + "], got '" + v + "'";
        return false;
      }
      field = int(n);
      return true;
    };
  };
  auto flag = [](bool &field) {
    return [&field](const std::string &, std::string &) {
      field = true;
      return true;
    };
  };
  return {
      {"function", "name", Category::run, "Function of the module to run",
       text(o.run.function)},
      {"input", "tensor", Category::run,
       "An input, in order: 2x3xf32=[...] or @file.npy",
       [&o](const std::string &v, std::string &) {
         o.run.inputs.push_back(v);
         return true;
       }},
      {"output", "@file.npy|-", Category::run,
       "Where result i goes, in order: @file.npy, or - to print (the "
       "default for results without one)",
       [&o](const std::string &v, std::string &) {
         o.run.outputs.push_back(v);
         return true;
       }},
      {"weights", "file.safetensors", Category::run,
       "Fill the arguments after the --input ones with these tensors, in "
       "checkpoint order (e.g. a model's weights from model.safetensors)",
       text(o.run.weights)},
      {"device", "cpu|cuda", Category::run,
       "Where training or --function runs: cpu (default), or cuda (the "
       "first NVIDIA GPU: IR is compiled for it, an artifact must be "
       "lipt-compile --target=cuda's; training also needs a LibTorch with "
       "CUDA)",
       [&o](const std::string &v, std::string &error) {
         if (v == "cpu" || v == "cuda") {
           o.run.device = v == "cpu" ? lipt_runtime::DeviceKind::cpu
                                     : lipt_runtime::DeviceKind::cuda;
           return true;
         }
         error = "must be cpu or cuda, got '" + v + "'";
         return false;
       }},
      {"list-functions", nullptr, Category::run,
       "Print the module's functions and their signatures", flag(o.run.list)},
      {"data", "path", Category::train,
       "The text corpus (default: the model's 'data', then $LIPT_DATA, "
       "then ../shared/data/tinyshakespeare.txt)",
       text(o.dataPath)},
      {"steps", "N", Category::train,
       "Train this many steps in all (overrides lipt.train's steps)",
       [&o](const std::string &v, std::string &error) {
         int64_t n = 0;
         if (!parseInteger(v, n) || n < 1) {
           error = "must be an integer >= 1, got '" + v + "'";
           return false;
         }
         o.steps = n;
         return true;
       }},
      {"out", "dir", Category::train, "Where checkpoints and report.json go",
       text(o.outDir)},
      {"stop-after-step", "K", Category::train,
       "Checkpoint and stop after this step (the schedule still spans all "
       "steps; continue with --resume)",
       integer(o.stopAfter)},
      {"resume", nullptr, Category::train,
       "Continue from the checkpoint in --out", flag(o.resume)},
      {"certify", "checkpoint", Category::train,
       "Certify the Lipschitz bound of a checkpoint (model.safetensors) and "
       "print it as JSON",
       text(o.certify)},
      {"certify-out", "file", Category::train,
       "Also write --certify's JSON here", text(o.certifyOut)},
      {"cpu-threads", "N", Category::train, "CPU threads (default: every core)",
       bounded(o.threads, 0, 4096, "a thread count")},
      {"nproc", "N", Category::train,
       "Train data-parallel on N local worker processes (c10d over Gloo): "
       "each takes 1/N of every batch and of the optimizer's work. Without "
       "it, lipt-run joins the job torchrun's variables describe (RANK, "
       "WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), on any number "
       "of machines",
       bounded(o.nproc, 1, 1024, "a worker count")},
      {"dist-timeout", "seconds", Category::train,
       "Data parallel: how long a rank waits for the others at the "
       "rendezvous or a collective before it stops with an error "
       "(default 300)",
       bounded(o.distTimeoutSeconds, 1, 86400, "seconds")},
      {"optimizer-backend", "compiled|reference", Category::train,
       "How the optimizer program runs: compiled (default), or the same ops "
       "in eager LibTorch, the reference backend and the benchmarks' "
       "baseline ('eager' is accepted for it too)",
       [&o](const std::string &v, std::string &error) {
         if (v == "compiled" || v == "reference" || v == "eager") {
           o.backend = v == "compiled"
                           ? lipt_train::OptimizerBackend::compiled
                           : lipt_train::OptimizerBackend::reference;
           return true;
         }
         error = "must be compiled or reference, got '" + v + "'";
         return false;
       }},
      {"eval", "checkpoint", Category::eval,
       "Validation loss and accuracy of a checkpoint (model.safetensors) "
       "on training's validation windows, as JSON",
       text(o.evalCheckpoint)},
      {"eval-backend", "compiled|torch", Category::eval,
       "The forward pass --eval runs: the model ops compiled (default), or "
       "the LibTorch driver's",
       [&o](const std::string &v, std::string &error) {
         if (v == "compiled" || v == "torch") {
           o.evalWithTorch = v == "torch";
           return true;
         }
         error = "must be compiled or torch, got '" + v + "'";
         return false;
       }},
      {"eval-batches", "N", Category::eval,
       "Validation batches (default: the config's eval_batches)",
       [&o](const std::string &v, std::string &error) {
         if (!parseInteger(v, o.evalBatches) || o.evalBatches < 1) {
           error = "must be an integer >= 1, got '" + v + "'";
           return false;
         }
         return true;
       }},
      {"robustness", "checkpoint", Category::eval,
       "Certified robustness of a checkpoint's predictions on the "
       "validation windows (margins, certified radii, an attack inside "
       "them), as JSON",
       text(o.robustnessCheckpoint)},
      {"debug-inject-nan-at-step", "K", Category::hidden,
       "Testing only: make the loss NaN at this step",
       integer(o.injectNanAtStep)},
      {"debug-kill-in-checkpoint-at-step", "K", Category::hidden,
       "Testing only: SIGKILL after writing this step's checkpoint files, "
       "before publishing them",
       integer(o.killInCheckpointAtStep)},
  };
}

void printHelp(const std::vector<Option> &table, bool hidden) {
  std::cout << "OVERVIEW: lipt module runner\n\n"
               "USAGE: lipt-run [options] <module.mlir|artifact.lipt.so>\n\n"
               "OPTIONS:\n";
  auto section = [&](Category c, const char *title) {
    std::cout << "\n" << title << ":\n\n";
    for (const Option &o : table) {
      if (o.category != c)
        continue;
      std::string spelled = std::string("--") + o.name;
      if (o.valueName)
        spelled += std::string("=<") + o.valueName + ">";
      std::cout << "  " << spelled
                << std::string(spelled.size() < 36 ? 36 - spelled.size() : 1,
                               ' ')
                << "- " << o.help << "\n";
    }
  };
  section(Category::run, "Running one function (--function)");
  section(Category::train, "Training (without --function)");
  section(Category::eval, "Evaluating a checkpoint (--eval, --robustness)");
  if (hidden)
    section(Category::hidden, "Testing only (--help-hidden)");
  std::cout << "\nGeneric Options:\n\n"
               "  --help                              - Display available "
               "options (--help-hidden for more)\n";
}

} // namespace

std::optional<int> parseCommandLine(int argc, char **argv, Options &out) {
  std::vector<Option> table = optionTable(out);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-help" || arg == "-h" ||
        arg == "--help-hidden" || arg == "--help-list-hidden") {
      printHelp(table, arg != "--help" && arg != "-help" && arg != "-h");
      return 0;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      if (!out.run.source.empty())
        return fail("more than one input file ('" + out.run.source + "', '" +
                    arg + "')");
      out.run.source = arg;
      continue;
    }
    // --name, --name=value, --name value (and one dash, as LLVM allows).
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1), value;
    size_t eq = body.find('=');
    bool hasValue = eq != std::string::npos;
    std::string name = hasValue ? body.substr(0, eq) : body;
    if (hasValue)
      value = body.substr(eq + 1);
    const Option *option = nullptr;
    for (const Option &o : table)
      if (name == o.name)
        option = &o;
    if (!option)
      return fail("unknown option " + arg + " (see --help)");
    if (!option->valueName && hasValue)
      return fail("--" + name + " takes no value");
    if (option->valueName && !hasValue) {
      if (i + 1 >= argc)
        return fail("--" + name + " needs a value (<" + option->valueName +
                    ">)");
      value = argv[++i];
    }
    std::string error;
    if (!option->set(value, error))
      return fail("--" + name + ": " + error);
  }
  return std::nullopt;
}

} // namespace lipt_run
