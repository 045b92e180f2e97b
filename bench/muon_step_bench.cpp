//===- muon_step_bench.cpp - the optimizer program vs its reference -------===//
//
// One optimizer step (Muon with muon5, then the soft cap coupled to it,
// sigma_max 6 in RMS->RMS units, lr 0.1; paper-notes "Muon step with a
// constraint") over
//   - the weights of the paper's Shakespeare model: 12 x 256x256,
//     3 x 1024x256, 3 x 256x1024, head 65x256 (blocks mass 16, head 1);
//   - the main job's block weights (d 128: 8 x 128x128, 2 x 512x128,
//     2 x 128x512);
//   - one 4096x1024 matrix;
// run as the optimizer program training runs (lipt/Optim/StepProgram.h:
// one lipt.muon_step per same-shape group, lr and the soft cap's strength
// as operands, compiled by the CPU backend, on the tensors' own memory) and
// as the reference backend (lipt/Torch/Reference.h: the same ops in eager
// LibTorch). Both run in this process on the same threads; the results are
// cross-checked. bench/bench-muon-step.py adds the peer users run: the same
// step as plain PyTorch in Python, in its own process.
//
//   lipt-bench-muon-step [--untuned] [ITERS]
//   lipt-bench-muon-step --emit DIR [--target cuda|cpu] [--gpu sm_90]
//                              write the Shakespeare and a NanoGPT-124M-sized
//                              suite's programs as artifacts for the GPU
//                              check (scripts/device-check.sh), no timing
//   LIPT_BENCH_JSON=PATH       also write the figures (and each group's
//                              step scalars, for the Python peer) as JSON
//   LIPT_BENCH_PROFILE=SIDE    time one side alone (compiled | reference)
//   LIPT_BENCH_THREADS=N       threads (default 2)
//
//===----------------------------------------------------------------------===//

#include "lipt/Backend/Backend.h"
#include "lipt/Backend/Cpu/CpuBackend.h"
#include "lipt/Backend/Cuda/CudaBackend.h"
#include "lipt/Optim/StepProgram.h"
#include "lipt/Runtime/HostTuning.h"
#include "lipt/Runtime/OptimizerStep.h"
#include "lipt/Torch/Reference.h"
#include "lipt/Torch/TorchAdapter.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace rt = lipt_runtime;

namespace {

constexpr double kLr = 0.1, kBeta = 0.9, kSigmaMax = 6.0;

struct Group {
  std::string name;
  int64_t count, rows, cols;
  double targetNorm;
};

/// The group's step as the optimizer program describes it.
rt::MuonStepConfig configOf(const Group &g) {
  const rt::NamedSchedule *muon5 = rt::findNamedSchedule("muon5");
  rt::MuonStepConfig c;
  c.name = g.name;
  c.count = g.count;
  c.rows = g.rows;
  c.cols = g.cols;
  c.beta = kBeta;
  c.targetNorm = g.targetNorm;
  c.schedule = "muon5";
  c.scheduleSteps = muon5->steps;
  c.frobScale = muon5->frobScale;
  c.scheduleGain = rt::scheduleMaxGain(muon5->steps, muon5->frobScale);
  c.constraint = rt::ConstraintKind::soft_cap;
  c.sigmaMax = kSigmaMax;
  c.rmsNorm = true;
  return c;
}

/// Nominal flops of the step: the products of the unfused algorithm (what
/// eager runs). Fused code does fewer, so its "GFLOP/s" is effective.
double stepFlops(const Group &g) {
  double n = std::min(g.rows, g.cols), m = std::max(g.rows, g.cols);
  double ns = 5 * (4 * n * n * m + 2 * n * n * n);
  double cap = 2 * (4 * n * n * m);
  return g.count * (ns + cap);
}

/// Medians of two alternately timed functions: interleaving keeps the ratio
/// honest when the machine's speed drifts during the run (it does on VMs).
template <typename F, typename G>
std::pair<double, double> interleavedMedianMs(F &&f, G &&g, int iters) {
  std::vector<double> tf, tg;
  f();
  g(); // warm-up
  auto time = [](auto &&fn) {
    auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now() - start)
        .count();
  };
  for (int i = 0; i < iters; ++i) {
    tf.push_back(time(f));
    tg.push_back(time(g));
  }
  std::sort(tf.begin(), tf.end());
  std::sort(tg.begin(), tg.end());
  return {tf[tf.size() / 2], tg[tg.size() / 2]};
}

template <typename F> double medianMs(F &&f, int iters) {
  std::vector<double> t;
  f(); // warm-up
  for (int i = 0; i < iters; ++i) {
    auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - start)
                    .count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

double sgemmPeakGflops() {
  torch::Tensor a = torch::randn({1024, 1024}), b = torch::randn({1024, 1024});
  double ms = medianMs([&] { (void)a.mm(b); }, 10);
  return 2.0 * 1024 * 1024 * 1024 / (ms * 1e6);
}

struct Tensors {
  torch::Tensor w, g, m;
};

/// Every suite's figures, for --json (LIPT_BENCH_JSON=PATH).
llvm::json::Array suitesJson;

/// Exits with `message` when `s` failed: a benchmark has no recovery.
void orDie(const rt::Status &s) {
  if (!s) {
    std::fprintf(stderr, "lipt-bench-muon-step: %s\n", s.message.c_str());
    std::exit(1);
  }
}

/// A suite as the Python peers and the GPU check read it: each group's
/// shape, bound and step scalars, the schedule, beta. `timings` adds a
/// group's compiled/reference medians when given.
llvm::json::Object
describeSuite(const char *title, const std::vector<Group> &groups,
              const std::vector<rt::MuonStepConfig> &configs,
              const std::vector<std::vector<double>> &scalars,
              const std::vector<std::pair<double, double>> &timings = {}) {
  llvm::json::Array groupsJson;
  for (size_t i = 0; i < groups.size(); ++i) {
    llvm::json::Array stepScalars;
    for (double v : scalars[i])
      stepScalars.push_back(v);
    llvm::json::Object group{{"name", groups[i].name},
                             {"count", groups[i].count},
                             {"rows", groups[i].rows},
                             {"cols", groups[i].cols},
                             {"target_norm", groups[i].targetNorm},
                             {"bound", configs[i].spectralBound()},
                             {"step_scalars", std::move(stepScalars)}};
    if (i < timings.size()) {
      group["compiled_ms"] = timings[i].first;
      group["reference_ms"] = timings[i].second;
    }
    groupsJson.push_back(std::move(group));
  }
  llvm::json::Array schedule;
  for (const rt::PolyStep &p : configs.front().scheduleSteps)
    schedule.push_back(llvm::json::Array{p.a, p.b, p.c});
  return llvm::json::Object{{"title", title},
                            {"beta", kBeta},
                            {"schedule", std::move(schedule)},
                            {"groups", std::move(groupsJson)}};
}

int run(const char *title, const std::vector<Group> &groups, int iters,
        double peak) {
  std::vector<rt::MuonStepConfig> configs;
  for (const Group &g : groups)
    configs.push_back(configOf(g));
  mlir::DialectRegistry registry;
  mlir::lipt::registerCpuExecutionDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  auto module = mlir::lipt::buildMuonStepProgram(&ctx, configs);
  if (!module)
    return 1;
  auto exe = mlir::lipt::compileForCpu(*module);
  if (mlir::failed(exe))
    return 1;

  torch::manual_seed(0);
  std::vector<Tensors> compiled, reference;
  std::vector<torch::Tensor> outW, outM;
  std::vector<std::vector<double>> scalars(groups.size());
  double flops = 0;
  for (size_t i = 0; i < groups.size(); ++i) {
    const Group &g = groups[i];
    // A weight bounded by sigma_max (RMS units), a gradient, a momentum.
    torch::Tensor w = torch::randn({g.count, g.rows, g.cols}) *
                      (kSigmaMax / std::sqrt(double(g.rows + g.cols)) * 0.5);
    Tensors t{w, torch::randn({g.count, g.rows, g.cols}),
              torch::randn({g.count, g.rows, g.cols}) * 0.1};
    compiled.push_back({t.w.clone(), t.g.clone(), t.m.clone()});
    reference.push_back({t.w.clone(), t.g.clone(), t.m.clone()});
    outW.push_back(torch::empty_like(t.w));
    outM.push_back(torch::empty_like(t.m));
    orDie(configs[i].stepScalars(kLr, scalars[i]));
    flops += stepFlops(g);
  }

  // One group's compiled step on the tensors' own memory.
  auto compiledGroup = [&](size_t i) {
    std::vector<torch::Tensor> in{compiled[i].w, compiled[i].g, compiled[i].m};
    for (double v : scalars[i])
      in.push_back(torch::scalar_tensor(v, torch::kDouble));
    std::vector<rt::TensorView> views(in.size()), out(2);
    for (size_t k = 0; k < in.size(); ++k)
      orDie(lipt_torch::viewOf(in[k], "input", views[k]));
    orDie(lipt_torch::viewOf(outW[i], "w'", out[0]));
    orDie(lipt_torch::viewOf(outM[i], "m'", out[1]));
    orDie((*exe)->invoke(groups[i].name, views, out));
  };
  auto compiledStep = [&] {
    for (size_t i = 0; i < groups.size(); ++i)
      compiledGroup(i);
  };
  auto referenceGroup = [&](size_t i) {
    orDie(lipt_torch::referenceMuonStep(configs[i], reference[i].w,
                                        reference[i].g, reference[i].m,
                                        scalars[i]));
  };
  auto referenceStep = [&] {
    for (size_t i = 0; i < groups.size(); ++i)
      referenceGroup(i);
  };

  // Profiling aid: LIPT_BENCH_PROFILE=compiled|reference runs one side only,
  // so `perf record` sees just that side's work.
  if (const char *only = std::getenv("LIPT_BENCH_PROFILE")) {
    bool compiledSide = std::string(only) == "compiled";
    double ms = medianMs(
        [&] { compiledSide ? compiledStep() : referenceStep(); }, iters);
    std::printf("%s: %s only, median %.2f ms\n", title, only, ms);
    for (size_t i = 0; compiledSide && groups.size() > 1 && i < groups.size();
         ++i)
      std::printf("  %-14s %.2f ms\n", groups[i].name.c_str(),
                  medianMs([&] { compiledGroup(i); }, iters));
    return 0;
  }

  // Cross-check one step from identical state.
  compiledStep();
  referenceStep();
  double maxRel = 0;
  for (size_t i = 0; i < groups.size(); ++i) {
    double diff = (outW[i] - reference[i].w).abs().max().item<double>();
    maxRel = std::max(maxRel, diff / reference[i].w.abs().max().item<double>());
  }

  // Timed: each side steps its own state (the compiled side writes into
  // separate output buffers, as a training loop would swap them).
  auto [tCompiled, tReference] =
      interleavedMedianMs(compiledStep, referenceStep, iters);
  std::printf("%s  (%.1f nominal GFLOP per step)\n", title, flops / 1e9);
  std::printf("  reference (eager LibTorch) %9.2f ms  %6.1f GFLOP/s  (%4.0f%% "
              "of sgemm peak)\n",
              tReference, flops / (tReference * 1e6),
              100 * flops / (tReference * 1e6) / peak);
  std::printf("  lipt compiled              %9.2f ms  %6.1f GFLOP/s  (%4.0f%% "
              "of sgemm peak)\n",
              tCompiled, flops / (tCompiled * 1e6),
              100 * flops / (tCompiled * 1e6) / peak);
  std::printf("  speed-up                   %9.2fx    (max relative difference "
              "of the weights: %.2g)\n",
              tReference / tCompiled, maxRel);
  std::vector<std::pair<double, double>> timings;
  for (size_t i = 0; i < groups.size(); ++i) {
    double c = 0, r = 0;
    if (groups.size() > 1) {
      // Where the time goes: each group alone, compiled vs reference.
      std::tie(c, r) = interleavedMedianMs([&] { compiledGroup(i); },
                                           [&] { referenceGroup(i); },
                                           std::max(3, iters / 2));
      std::printf("    %-14s %2lld x %4lldx%-4lld  reference %8.2f ms  "
                  "compiled %8.2f ms  %5.2fx\n",
                  groups[i].name.c_str(), (long long)groups[i].count,
                  (long long)groups[i].rows, (long long)groups[i].cols, r, c,
                  r / c);
    }
    timings.emplace_back(c, r);
  }
  llvm::json::Object suite =
      describeSuite(title, groups, configs, scalars, timings);
  suite["iters"] = iters;
  suite["nominal_gflop"] = flops / 1e9;
  suite["reference_ms"] = tReference;
  suite["compiled_ms"] = tCompiled;
  suite["speedup"] = tReference / tCompiled;
  suite["max_relative_difference"] = maxRel;
  suitesJson.push_back(std::move(suite));
  return 0;
}

/// Writes the figures as JSON to `path` (other tools read them: dashboards,
/// regression checks). Returns false, with a message, on failure.
bool writeJson(const std::string &path, int threads, double peak,
               bool untuned) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_Text);
  if (ec) {
    std::fprintf(stderr, "lipt-bench-muon-step: %s: %s\n", path.c_str(),
                 ec.message().c_str());
    return false;
  }
  const char *omp = std::getenv("OMP_WAIT_POLICY");
  llvm::json::Object host{{"blas_core", rt::blasCoreName()},
                          {"omp_wait_policy", omp ? omp : ""},
                          {"tuned", !untuned},
                          {"threads", threads},
                          {"sgemm_peak_gflops", peak}};
  out << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                    {"host", std::move(host)},
                                    {"suites", std::move(suitesJson)}}))
      << "\n";
  return true;
}

/// --emit DIR: each suite's step program compiled by `backend` for the GPU
/// check (scripts/device-check.sh) as DIR/<name>.lipt.so, and
/// DIR/suites.json describing them. The same program and scalars as the
/// CPU run.
int emitSuites(
    const mlir::lipt::Backend &backend, const std::string &dir,
    const std::string &gpu, const std::string &runtimeLibDir,
    const std::vector<std::pair<std::string, std::vector<Group>>> &suites,
    const std::vector<std::string> &titles) {
  llvm::sys::fs::create_directories(dir);
  llvm::json::Array described;
  for (size_t k = 0; k < suites.size(); ++k) {
    const auto &[name, groups] = suites[k];
    std::vector<rt::MuonStepConfig> configs;
    std::vector<std::vector<double>> scalars(groups.size());
    for (size_t i = 0; i < groups.size(); ++i) {
      configs.push_back(configOf(groups[i]));
      orDie(configs[i].stepScalars(kLr, scalars[i]));
    }
    mlir::DialectRegistry registry;
    mlir::lipt::registerCpuExecutionDialects(registry);
    mlir::lipt::registerCudaExecutionDialects(registry);
    mlir::MLIRContext ctx(registry);
    ctx.loadAllAvailableDialects();
    // On a GPU, the product precisions too: f32 (the default), TF32 tensor
    // cores, and bf16 operands with f32 accumulation (the paper's).
    std::vector<std::pair<std::string, mlir::lipt::ArtifactOptions>> variants;
    mlir::lipt::ArtifactOptions options;
    options.gpuChip = gpu;
    options.runtimeLibDir = runtimeLibDir;
    variants.push_back({"", options});
    if (backend.deviceKind() == rt::DeviceKind::cuda) {
      variants.push_back({"tf32", options});
      variants.back().second.tf32 = true;
      variants.push_back({"bf16", options});
      variants.back().second.bf16Products = true;
    }
    llvm::json::Object suite =
        describeSuite(titles[k].c_str(), groups, configs, scalars);
    llvm::json::Object variantFiles;
    for (const auto &[variant, variantOptions] : variants) {
      // writeArtifact lowers the module in place: each variant builds anew.
      auto module = mlir::lipt::buildMuonStepProgram(&ctx, configs);
      std::string file =
          name + (variant.empty() ? "" : "." + variant) + ".lipt.so";
      if (!module || mlir::failed(backend.writeArtifact(
                         *module, dir + "/" + file, variantOptions)))
        return 1;
      if (variant.empty())
        suite["artifact"] = file;
      else
        variantFiles[variant] = file;
    }
    suite["variants"] = std::move(variantFiles);
    std::string path = dir + "/" + name + ".lipt.so";
    described.push_back(std::move(suite));
    std::printf("%s: %s\n", path.c_str(), titles[k].c_str());
  }
  std::error_code ec;
  llvm::raw_fd_ostream out(dir + "/suites.json", ec, llvm::sys::fs::OF_Text);
  if (ec)
    return 1;
  out << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                    {"lr", kLr},
                                    {"sigma_max", kSigmaMax},
                                    {"suites", std::move(described)}}))
      << "\n";
  return 0;
}

} // namespace

/// The paper's Shakespeare model (d 256, 3 layers) and a NanoGPT-124M-sized
/// set (12 layers of 768x768 x4 and 3072x768, 768x3072; issue 11).
const std::vector<Group> kShakespeare = {{"blocks_square", 12, 256, 256, 16.0},
                                         {"blocks_up", 3, 1024, 256, 16.0},
                                         {"blocks_down", 3, 256, 1024, 16.0},
                                         {"head", 1, 65, 256, 1.0}};
const std::vector<Group> kNanoGpt = {{"attn", 48, 768, 768, 16.0},
                                     {"mlp_up", 12, 3072, 768, 16.0},
                                     {"mlp_down", 12, 768, 3072, 16.0}};

int main(int argc, char **argv) {
  if (argc > 2 && std::string(argv[1]) == "--emit") {
    // --emit DIR [--target cuda|cpu] [--gpu sm_90]
    std::string target = "cuda", gpu = "sm_90";
    for (int i = 3; i + 1 < argc; i += 2)
      (std::string(argv[i]) == "--gpu" ? gpu : target) = argv[i + 1];
    const mlir::lipt::Backend *backend = mlir::lipt::lookupBackend(target);
    if (!backend)
      return 1;
    std::string exe = llvm::sys::fs::getMainExecutable(argv[0], (void *)&main);
    std::string lib =
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)).str() +
        "/lib";
    return emitSuites(
        *backend, argv[2], gpu, lib,
        {{"shakespeare", kShakespeare}, {"nanogpt", kNanoGpt}},
        {"Shakespeare model (d 256, 3 layers): 19 matrices",
         "NanoGPT-124M-sized (12 x 768x768 x4, 3072x768, 768x3072): 72 "
         "matrices"});
  }
  // A fair eager baseline needs the host tuned (HostTuning.h): OpenBLAS's
  // AVX-512 kernels where 0.3.21 misdetects the CPU (4x on sgemm here), and
  // passive OpenMP waiting (spinning LibTorch workers made eager ~3x slower
  // on 2 cores). --untuned measures the out-of-the-box behaviour.
  bool untuned = argc > 1 && std::string(argv[1]) == "--untuned";
  if (untuned) {
    --argc;
    ++argv;
  } else {
    rt::tuneHostOrReexec(argv, "lipt-bench-muon-step");
  }
  int iters = argc > 1 ? std::atoi(argv[1]) : 10;
  int threads = std::getenv("LIPT_BENCH_THREADS")
                    ? std::atoi(std::getenv("LIPT_BENCH_THREADS"))
                    : 2;
  torch::set_num_threads(threads);
  setenv("OPENBLAS_NUM_THREADS", std::to_string(threads).c_str(), 0);
  double peak = sgemmPeakGflops();
  const char *omp = std::getenv("OMP_WAIT_POLICY");
  std::printf("OpenBLAS %s kernels, OMP_WAIT_POLICY=%s (%s)\n",
              rt::blasCoreName().c_str(), omp ? omp : "unset",
              untuned ? "out of the box" : "tuned host");
  std::printf("lipt Muon + soft cap step, %d threads, sgemm peak %.1f GFLOP/s "
              "(1024^3, LibTorch)\n"
              "GFLOP/s below = nominal flops / time (fusions do fewer flops, "
              "so they can exceed peak)\n\n",
              threads, peak);
  if (int rc = run("Shakespeare model (d 256, 3 layers): 19 matrices",
                   kShakespeare, iters, peak))
    return rc;
  std::printf("\n");
  // The main job's weights (examples/shakespeare-cpu.mlir, block mass 4):
  // at d 128 the products are small and per-call costs show.
  std::vector<Group> mainJob = {{"main_square", 8, 128, 128, 4.0},
                                {"main_up", 2, 512, 128, 4.0},
                                {"main_down", 2, 128, 512, 4.0}};
  if (int rc = run("Main job model (d 128, 2 layers): 12 block matrices",
                   mainJob, iters, peak))
    return rc;
  std::printf("\n");
  if (int rc = run("One 4096x1024 matrix", {{"large", 1, 4096, 1024, 16.0}},
                   std::max(3, iters / 3), peak))
    return rc;
  const char *json = std::getenv("LIPT_BENCH_JSON");
  return json && !writeJson(json, threads, peak, untuned) ? 1 : 0;
}
