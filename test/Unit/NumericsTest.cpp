//===- NumericsTest.cpp - compiled lipt ops vs float64 SVD (LibTorch) -----===//
//
// Every op runs through the compiled CPU path (lipt-cpu-pipeline, BLAS,
// fusion) on LibTorch tensors, on fresh random inputs with controlled
// spectra (W = U diag(s) V^T, U and V from QR of Gaussian matrices), and is
// checked against the singular values of a float64 SVD.
//
//===----------------------------------------------------------------------===//

#include "lipt/Backend/Cpu/CpuBackend.h"
#include "lipt/Backend/Cuda/CudaBackend.h"
#include "lipt/Runtime/Cuda.h"
#include "lipt/Runtime/HostTuning.h"
#include "lipt/Runtime/SpectralMath.h"
#include "lipt/Torch/TorchAdapter.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

namespace rt = lipt_runtime;

namespace {

/// "3x64x16xf32" for a shape and dtype.
std::string typeText(std::vector<int64_t> shape, const char *dt) {
  std::string t = "tensor<";
  for (int64_t d : shape)
    t += std::to_string(d) + "x";
  return t + dt + ">";
}

/// Compiles `func.func @f(%w: T) -> T { %r = <op> %w ATTRS : T }`.
class OneOp {
public:
  OneOp(const std::string &op, const std::string &attrs,
        std::vector<int64_t> shape, const char *dtype = "f32") {
    std::string t = typeText(shape, dtype);
    std::string text = "func.func @f(%w: " + t + ") -> " + t +
                       " {\n  %r = " + op + " %w " + attrs + " : " + t +
                       "\n  return %r : " + t + "\n}\n";
    mlir::DialectRegistry registry;
    mlir::lipt::registerCpuExecutionDialects(registry);
    ctx = std::make_unique<mlir::MLIRContext>(registry);
    ctx->loadAllAvailableDialects();
    auto module = mlir::parseSourceString<mlir::ModuleOp>(text, ctx.get());
    EXPECT_TRUE(module) << text;
    auto compiled = mlir::lipt::compileForCpu(*module);
    EXPECT_TRUE(mlir::succeeded(compiled)) << text;
    exe = std::move(*compiled);
  }

  torch::Tensor operator()(const torch::Tensor &w) {
    torch::Tensor out = torch::empty_like(w);
    rt::TensorView in, o;
    EXPECT_TRUE(lipt_torch::viewOf(w, "w", in).ok);
    EXPECT_TRUE(lipt_torch::viewOf(out, "out", o).ok);
    rt::Status s = exe->invoke("f", {in}, {o});
    EXPECT_TRUE(s.ok) << s.message;
    return out;
  }

private:
  std::unique_ptr<mlir::MLIRContext> ctx;
  std::unique_ptr<rt::Executable> exe;
};

torch::Tensor randomOrthogonal(int64_t n) {
  auto qr = torch::linalg::qr(torch::randn({n, n}, torch::kFloat64));
  return std::get<0>(qr);
}

/// A batch of matrices with singular values drawn from [lo, hi] (float64),
/// and those singular values (descending) per matrix.
std::pair<torch::Tensor, torch::Tensor> withSpectrum(std::vector<int64_t> shape,
                                                     double lo, double hi) {
  int64_t m = shape[shape.size() - 2], n = shape.back(), k = std::min(m, n);
  int64_t batch = 1;
  for (size_t i = 0; i + 2 < shape.size(); ++i)
    batch *= shape[i];
  auto w = torch::empty({batch, m, n}, torch::kFloat64);
  auto s = torch::empty({batch, k}, torch::kFloat64);
  for (int64_t b = 0; b < batch; ++b) {
    auto sv = std::get<0>(
        torch::sort(torch::rand({k}, torch::kFloat64) * (hi - lo) + lo, 0,
                    /*descending=*/true));
    auto u = randomOrthogonal(m).slice(1, 0, k);
    auto v = randomOrthogonal(n).slice(1, 0, k);
    w[b] = (u * sv).mm(v.t());
    s[b] = sv;
  }
  return {w.reshape(shape), s};
}

torch::Tensor svdvals(const torch::Tensor &w) {
  int64_t m = w.size(-2), n = w.size(-1);
  return torch::linalg::svdvals(w.to(torch::kFloat64).reshape({-1, m, n}),
                                c10::nullopt);
}

double maxRelErr(const torch::Tensor &got, const torch::Tensor &want) {
  return ((got - want).abs().max() / want.abs().max()).item<double>();
}

const std::vector<std::vector<int64_t>> kShapes = {
    {48, 16}, {16, 48}, {32, 32}, {1, 24}, {24, 1}, {3, 40, 12}, {2, 2, 8, 20}};

class SoftCap : public ::testing::TestWithParam<std::vector<int64_t>> {};

TEST_P(SoftCap, MapsEachSingularValueToP2P1) {
  torch::manual_seed(1);
  std::vector<int64_t> shape = GetParam();
  const double alpha = 0.1;
  OneOp cap("lipt.spectral_soft_cap", "{alpha = 0.1}", shape);
  auto [w, s] = withSpectrum(shape, 0.05, 2.5);
  torch::Tensor got = svdvals(cap(w.to(torch::kFloat32)));
  torch::Tensor p1 = s - alpha * s.pow(3);
  torch::Tensor want = std::get<0>(
      torch::sort((p1 + alpha * p1.pow(3)).abs(), -1, /*descending=*/true));
  EXPECT_LT(maxRelErr(got, want), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Shapes, SoftCap, ::testing::ValuesIn(kShapes));

/// Theorem 3.1: starting bounded, after any step of norm <= lr with decay wd,
/// the coupled soft cap keeps sigma_max <= sigma_max; 1000 steps, updates
/// that are exact msigns (norm exactly lr), half of them aligned with the
/// weight's top singular pair (the worst case).
template <typename Real> void theoremHolds(double tol, const char *dtype) {
  torch::manual_seed(7);
  const double sigmaMax = 2.0, lr = 0.3, wd = 0.01;
  const int64_t m = 24, n = 12;
  auto kind =
      std::is_same<Real, double>::value ? torch::kFloat64 : torch::kFloat32;
  char attrs[128];
  std::snprintf(attrs, sizeof attrs,
                "{sigma_max = %.17e, lr = %.17e, wd = %.17e}", sigmaMax, lr,
                wd);
  OneOp cap("lipt.spectral_soft_cap", attrs, {m, n}, dtype);
  torch::Tensor w = withSpectrum({m, n}, 0.1, sigmaMax).first.to(kind);
  double worst = 0;
  for (int step = 0; step < 1000; ++step) {
    torch::Tensor w64 = w.to(torch::kFloat64);
    auto svd = torch::linalg::svd(w64, false, c10::nullopt);
    torch::Tensor u = std::get<0>(svd), vh = std::get<2>(svd);
    torch::Tensor dir;
    if (step % 2 == 0) {
      // Grow the top singular value: an exact msign aligned with W.
      dir = u.mm(vh);
    } else {
      auto g = torch::linalg::svd(torch::randn({m, n}, torch::kFloat64), false,
                                  c10::nullopt);
      dir = std::get<0>(g).mm(std::get<2>(g));
    }
    w = ((1 - wd) * w64 + lr * dir).to(kind);
    w = cap(w.contiguous());
    double top = svdvals(w).max().item<double>();
    worst = std::max(worst, top / sigmaMax - 1);
    ASSERT_LE(top, sigmaMax * (1 + tol)) << "step " << step;
  }
  ::testing::Test::RecordProperty("worst_relative_excess",
                                  std::to_string(worst));
}

TEST(SoftCapCoupled, TheoremHoldsOver1000StepsF32) {
  theoremHolds<float>(1e-4, "f32");
}
TEST(SoftCapCoupled, TheoremHoldsOver1000StepsF64) {
  theoremHolds<double>(1e-10, "f64");
}

/// A float32 matrix batch with spectrum in [0.1, 1.5] except sigma_1 = top
/// (a gap, so power iteration converges), and its float64 singular values.
std::pair<torch::Tensor, torch::Tensor>
withTopSingularValue(std::vector<int64_t> shape, double top) {
  int64_t m = shape[shape.size() - 2], n = shape.back();
  torch::Tensor w = withSpectrum(shape, 0.1, 1.5).first.reshape({-1, m, n});
  auto svd = torch::linalg::svd(w, false, c10::nullopt);
  torch::Tensor sv = std::get<1>(svd).clone();
  sv.select(1, 0).fill_(top);
  torch::Tensor out = (std::get<0>(svd) * sv.unsqueeze(1))
                          .bmm(std::get<2>(svd))
                          .reshape(shape)
                          .to(torch::kFloat32)
                          .contiguous();
  return {out, svdvals(out)};
}

TEST(PowerIterationConstraints, SetTheTopSingularValueAsSpecified) {
  torch::manual_seed(3);
  for (auto shape : std::vector<std::vector<int64_t>>{{40, 16}, {2, 16, 40}}) {
    auto [w, before] = withTopSingularValue(shape, 3.0);

    // Hammer: sigma_1 -> 1 (it then sorts below the others).
    OneOp hammer("lipt.spectral_hammer", "{sigma_max = 1.0, iters = 30}",
                 shape);
    torch::Tensor hWant = before.clone();
    hWant.select(1, 0).fill_(1.0);
    hWant = std::get<0>(torch::sort(hWant, -1, /*descending=*/true));
    EXPECT_LT(maxRelErr(svdvals(hammer(w)), hWant), 1e-5);

    // Normalize: W / (sigma_1 / 1).
    OneOp normalize("lipt.spectral_normalize", "{sigma_max = 1.0, iters = 30}",
                    shape);
    EXPECT_LT(maxRelErr(svdvals(normalize(w)), before / 3.0), 1e-5);

    // Spectral weight decay: sigma_1 -> 0.9 sigma_1, the rest unchanged.
    OneOp decay("lipt.spectral_weight_decay", "{rate = 0.1, iters = 30}",
                shape);
    torch::Tensor dWant = before.clone();
    dWant.select(1, 0).mul_(0.9);
    EXPECT_LT(maxRelErr(svdvals(decay(w)), dWant), 1e-5);
  }
}

TEST(HardCap, MsignIsExactAwayFromTheThreshold) {
  torch::manual_seed(4);
  for (auto shape : kShapes) {
    OneOp cap("lipt.spectral_hard_cap",
              "{sigma_max = 1.0, method = #lipt.hard_cap_method<msign>}",
              shape);
    auto [w, s] = withSpectrum(shape, 0.05, 4.0);
    torch::Tensor got = svdvals(cap(w.to(torch::kFloat32)));
    EXPECT_LT(maxRelErr(got, s.clamp_max(1.0)), 1e-3)
        << "shape " << shape.size();
  }
}

/// The polynomial cap's documented map (LiptOps.td): s / r through the
/// steps, r = max(1, (sum s^8)^(1/8) / kHardCapPolynomialRange).
torch::Tensor polynomialCapMap(torch::Tensor s) {
  const auto &steps = rt::hardCapPolynomialSteps();
  torch::Tensor want = s.clone();
  auto acc = want.accessor<double, 2>();
  for (int64_t b = 0; b < want.size(0); ++b) {
    double sum8 = 0;
    for (int64_t i = 0; i < want.size(1); ++i)
      sum8 += std::pow(acc[b][i], 8);
    double r =
        std::max(1.0, std::pow(sum8, 0.125) / rt::kHardCapPolynomialRange);
    for (int64_t i = 0; i < want.size(1); ++i)
      acc[b][i] = std::fabs(rt::scalarScheduleMap(steps, acc[b][i] / r));
  }
  return std::get<0>(torch::sort(want, -1, true));
}

/// The polynomial hard cap (sigma_max 1, f32) on a weight of `shape` with
/// singular values in [lo, hi]: {the result's, the input's} singular values.
std::pair<torch::Tensor, torch::Tensor>
polynomialCapSpectra(const std::vector<int64_t> &shape, double lo, double hi) {
  OneOp cap("lipt.spectral_hard_cap",
            "{sigma_max = 1.0, method = #lipt.hard_cap_method<polynomial>}",
            shape);
  auto [w, s] = withSpectrum(shape, lo, hi);
  return {svdvals(cap(w.to(torch::kFloat32))), s};
}

TEST(HardCap, PolynomialOnBoundedInputs) {
  torch::manual_seed(5);
  for (auto shape : kShapes) {
    auto [got, s] = polynomialCapSpectra(shape, 0.05, 2.5);
    EXPECT_LT(maxRelErr(got, polynomialCapMap(s)), 1e-5);
  }
}

// Far outside the polynomial's range (singular values up to 40 sigma_max,
// where the bare steps give -0.998 at 4, inf at 4.5 and NaN from 5): the
// rescale keeps every output finite and below kHardCapPolynomialMaxOutput.
TEST(HardCap, PolynomialOutOfRangeStaysBounded) {
  torch::manual_seed(15);
  for (auto shape : kShapes) {
    auto [got, s] = polynomialCapSpectra(shape, 0.5, 40.0);
    EXPECT_TRUE(torch::isfinite(got).all().item<bool>());
    EXPECT_LE(got.max().item<double>(),
              rt::kHardCapPolynomialMaxOutput * (1 + 1e-5));
    EXPECT_LT(maxRelErr(got, polynomialCapMap(s)), 1e-4);
  }
}

TEST(Orthogonalize, LandsInEachSchedulesDocumentedRange) {
  torch::manual_seed(6);
  for (const rt::NamedSchedule &sched : rt::namedSchedules()) {
    for (auto shape : kShapes) {
      OneOp orth("lipt.orthogonalize",
                 "{schedule = #lipt.schedule<\"" + std::string(sched.name) +
                     "\">}",
                 shape);
      // Singular values in [0.5, 5] on at most 32 of them: every
      // s / ||G||_F >= 0.5 / (5 sqrt(32)) > 0.01, the documented input range.
      auto [w, s] = withSpectrum(shape, 0.5, 5.0);
      torch::Tensor got = svdvals(orth(w.to(torch::kFloat32)));
      EXPECT_GE(got.min().item<double>(), sched.documentedMin - 1e-4)
          << sched.name;
      EXPECT_LE(got.max().item<double>(), sched.documentedMax + 1e-4)
          << sched.name;
    }
  }
}

TEST(PowerIteration, AgreesWithSvd) {
  torch::manual_seed(8);
  const std::string t = "tensor<40x16xf32>", v = "tensor<16xf32>";
  std::string text = "func.func @f(%w: " + t + ", %v: " + v +
                     ") -> tensor<f32> {\n  %s, %u, %x = lipt.power_iteration "
                     "%w, %v {iters = 40} : " +
                     t + ", " + v + " -> tensor<f32>, tensor<40xf32>, " + v +
                     "\n  return %s : tensor<f32>\n}\n";
  mlir::DialectRegistry registry;
  mlir::lipt::registerCpuExecutionDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  auto module = mlir::parseSourceString<mlir::ModuleOp>(text, &ctx);
  ASSERT_TRUE(module);
  auto exe = mlir::lipt::compileForCpu(*module);
  ASSERT_TRUE(mlir::succeeded(exe));
  torch::Tensor wGap = withTopSingularValue({40, 16}, 2.5).first;
  torch::Tensor start = torch::randn({16});
  torch::Tensor sigma = torch::empty({}, torch::kFloat32);
  rt::TensorView a, b, c;
  ASSERT_TRUE(lipt_torch::viewOf(wGap, "w", a).ok);
  ASSERT_TRUE(lipt_torch::viewOf(start, "v", b).ok);
  ASSERT_TRUE(lipt_torch::viewOf(sigma, "sigma", c).ok);
  ASSERT_TRUE((*exe)->invoke("f", {a, b}, {c}).ok);
  EXPECT_NEAR(sigma.item<double>(), 2.5, 2.5e-6);
}

// Views say where their memory is; executables refuse memory they cannot
// reach instead of reading a device pointer on the host, or the reverse.
TEST(Executables, RefuseViewsOnTheWrongDevice) {
  const char *text = "func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
                     "  return %x : tensor<4xf32>\n}\n";
  mlir::DialectRegistry registry;
  mlir::lipt::registerCpuExecutionDialects(registry);
  mlir::lipt::registerCudaExecutionDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  torch::Tensor x = torch::ones({4}), y = torch::empty({4});
  rt::TensorView in, out;
  ASSERT_TRUE(lipt_torch::viewOf(x, "x", in).ok);
  ASSERT_TRUE(lipt_torch::viewOf(y, "y", out).ok);

  auto cpuModule = mlir::parseSourceString<mlir::ModuleOp>(text, &ctx);
  auto cpu = mlir::lipt::compileForCpu(*cpuModule);
  ASSERT_TRUE(mlir::succeeded(cpu));
  rt::TensorView onGpu = in;
  onGpu.device = {rt::DeviceKind::cuda, 0};
  rt::Status s = (*cpu)->invoke("f", {onGpu}, {out});
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.message.find("input #0 is in GPU memory"), std::string::npos)
      << s.message;
  EXPECT_TRUE((*cpu)->invoke("f", {in}, {out}).ok);

  // The CUDA backend needs the toolkit to compile (not a GPU).
  if (!llvm::sys::fs::can_execute("/usr/local/cuda/bin/ptxas") &&
      !std::getenv("CUDA_HOME"))
    GTEST_SKIP() << "no CUDA toolkit to compile with";
  auto cudaModule = mlir::parseSourceString<mlir::ModuleOp>(text, &ctx);
  auto cuda = mlir::lipt::getCudaBackend().compile(*cudaModule);
  ASSERT_TRUE(mlir::succeeded(cuda));
  EXPECT_EQ((*cuda)->device().kind, rt::DeviceKind::cuda);
  s = (*cuda)->invoke("f", {in}, {out});
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.message.find("input #0 must be in CUDA device memory"),
            std::string::npos)
      << s.message;
  if (rt::cuda::available().ok)
    GTEST_SKIP() << "a GPU is present: the no-device message cannot show";
  rt::TensorView outOnGpu = out;
  outOnGpu.device = {rt::DeviceKind::cuda, 0};
  s = (*cuda)->invoke("f", {onGpu}, {outOnGpu});
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.message.find("no CUDA"), std::string::npos) << s.message;
}

// Host tuning (HostTuning.h): this binary ran tuneHostOrReexec first, so on
// a CPU with AVX2 OpenBLAS must not be on its Prescott fallback any more.
TEST(HostTuning, OpenBlasUsesTheCpusVectorKernels) {
  bool userChose =
      std::getenv("OPENBLAS_CORETYPE") && !std::getenv("LIPT_HOST_TUNED");
  if (std::getenv("LIPT_NO_HOST_TUNING") || userChose)
    GTEST_SKIP() << "host tuning disabled or kernels chosen by the user";
  if (!__builtin_cpu_supports("avx2"))
    GTEST_SKIP() << "no AVX2: Prescott may be the right kernel set";
  EXPECT_NE(lipt_runtime::blasCoreName(), "Prescott");
  EXPECT_NE(std::getenv("OMP_WAIT_POLICY"), nullptr); // passive, or the user's
}

// A variable the user set is theirs: nothing is proposed over it.
TEST(HostTuning, KeepsWhatTheUserSet) {
  std::vector<std::pair<std::string, const char *>> saved;
  for (const char *name : {"OPENBLAS_CORETYPE", "OMP_WAIT_POLICY"}) {
    const char *value = std::getenv(name);
    saved.push_back({value ? value : "", name});
    setenv(name, "user-choice", 1);
  }
  EXPECT_TRUE(lipt_runtime::missingHostSettings().empty());
  for (auto &[value, name] : saved)
    value.empty() ? unsetenv(name) : setenv(name, value.c_str(), 1);
}

} // namespace

// The numerics are proven on the BLAS kernels lipt's tools run with: the
// same host tuning as lipt-run (HostTuning.h) before the tests start.
int main(int argc, char **argv) {
  lipt_runtime::tuneHostOrReexec(argv, "LiptNumericsTests");
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
