//===- FakeCudaTest.cpp - runtime/cuda on the fake driver and cuBLAS ------===//
//
// The cuBLAS shims are where lipt's row-major memrefs meet column-major
// cuBLAS: operands swapped, transposes and leading dimensions mapped. A
// mistake there is a silent wrong product on a GPU and nothing here would
// notice, so this test runs the shims on the fake cuBLAS (test/Cuda/
// FakeCuda), which computes gemm as cuBLAS documents it, and compares with a
// plain row-major product: every transpose, accumulation, batch, padded
// row and batch strides, f32, f64 and bf16 operands. Also the runtime's
// device memory calls and its errors, against the fake driver.
//
//===----------------------------------------------------------------------===//

#include "../Cuda/FakeCuda/FakeCuda.h"
#include "lipt-c/CudaRuntime.h"
#include "lipt/Runtime/BlasShims.h"
#include "lipt/Runtime/Cuda.h"
#include "lipt/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <dlfcn.h>
#include <random>
#include <vector>

namespace rt = lipt_runtime;

extern "C" {
void _mlir_ciface_lipt_cuda_gemm_f32(rt::MemRef3<float> *, rt::MemRef3<float> *,
                                     rt::MemRef3<float> *, bool, bool, bool);
void _mlir_ciface_lipt_cuda_gemm_f64(rt::MemRef3<double> *,
                                     rt::MemRef3<double> *,
                                     rt::MemRef3<double> *, bool, bool, bool);
void _mlir_ciface_lipt_cuda_gemm_bf16(rt::MemRef3<uint16_t> *,
                                      rt::MemRef3<uint16_t> *,
                                      rt::MemRef3<float> *, bool, bool, bool);
}

namespace {

/// Loads the fakes before the runtime's first dlopen, which then finds
/// them by soname (libcuda.so.1, libcublas.so.13).
class FakeCudaEnvironment : public ::testing::Environment {
public:
  void SetUp() override {
    for (const char *name : {"/libcuda.so.1", "/libcublas.so.13"})
      ASSERT_NE(dlopen((std::string(LIPT_FAKE_CUDA_DIR) + name).c_str(),
                       RTLD_NOW | RTLD_GLOBAL),
                nullptr)
          << dlerror();
  }
};

/// The fake driver's counters (it is dlopened, not linked).
LiptFakeCudaStats fakeStats() {
  auto fn = reinterpret_cast<LiptFakeCudaStats (*)()>(
      dlsym(RTLD_DEFAULT, "lipt_fake_cuda_stats"));
  EXPECT_NE(fn, nullptr);
  return fn ? fn() : LiptFakeCudaStats{};
}

/// A batch of row-major matrices in device memory with padded rows and
/// batches (a view into something larger, as a slice of a weight is), and
/// its host copy as doubles.
template <typename T> struct Operand {
  int64_t batch, rows, cols, rowStride, batchStride;
  std::vector<T> host;
  void *device = nullptr;

  Operand(int64_t batch, int64_t rows, int64_t cols, std::mt19937 &rng)
      : batch(batch), rows(rows), cols(cols), rowStride(cols + 3),
        batchStride(rows * (cols + 3) + 5), host(batch * batchStride) {
    std::normal_distribution<float> normal;
    for (T &x : host)
      x = encode(normal(rng));
    EXPECT_TRUE(rt::cuda::allocate(host.size() * sizeof(T), device));
    EXPECT_TRUE(
        rt::cuda::copyToDevice(device, host.data(), host.size() * sizeof(T)));
  }
  ~Operand() { rt::cuda::release(device); }

  static T encode(float x) {
    if constexpr (std::is_same_v<T, uint16_t>)
      return rt::floatToBFloat16(x);
    else
      return T(x);
  }
  double at(int64_t b, int64_t i, int64_t j) const {
    T x = host[b * batchStride + i * rowStride + j];
    if constexpr (std::is_same_v<T, uint16_t>)
      return rt::bfloat16ToFloat(x);
    else
      return double(x);
  }
  rt::MemRef3<T> memref() {
    T *p = static_cast<T *>(device);
    return {p, p, 0, {batch, rows, cols}, {batchStride, rowStride, 1}};
  }
  std::vector<T> download() {
    std::vector<T> out(host.size());
    EXPECT_TRUE(
        rt::cuda::copyToHost(out.data(), device, out.size() * sizeof(T)));
    return out;
  }
};

struct GemmCase {
  bool transA, transB, accumulate;
};

class FakeCublasGemm : public ::testing::TestWithParam<GemmCase> {};

/// C[b] = op(A[b]) op(B[b]) (+ C[b]) through `shim`, against doubles.
template <typename In, typename Out, typename Shim>
void checkGemm(const GemmCase &c, Shim shim, double tolerance) {
  std::mt19937 rng(7);
  const int64_t batch = 3, m = 5, n = 7, k = 4;
  Operand<In> a(batch, c.transA ? k : m, c.transA ? m : k, rng);
  Operand<In> b(batch, c.transB ? n : k, c.transB ? k : n, rng);
  Operand<Out> out(batch, m, n, rng);
  rt::MemRef3<In> am = a.memref(), bm = b.memref();
  rt::MemRef3<Out> cm = out.memref();
  rt::cuda::beginCall(nullptr);
  shim(&am, &bm, &cm, c.transA, c.transB, c.accumulate);
  rt::Status done = rt::cuda::endCall();
  ASSERT_TRUE(done) << done.message;
  std::vector<Out> got = out.download();
  for (int64_t p = 0; p < batch; ++p)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double want = c.accumulate ? out.at(p, i, j) : 0.0;
        for (int64_t l = 0; l < k; ++l)
          want += (c.transA ? a.at(p, l, i) : a.at(p, i, l)) *
                  (c.transB ? b.at(p, j, l) : b.at(p, l, j));
        EXPECT_NEAR(got[p * out.batchStride + i * out.rowStride + j], want,
                    tolerance)
            << "batch " << p << " (" << i << ", " << j << ")";
      }
  // The padding between rows and batches is nobody's: left as it was.
  for (size_t e = 0; e < got.size(); ++e) {
    int64_t inBatch = int64_t(e) % out.batchStride;
    bool padding = inBatch >= m * out.rowStride || inBatch % out.rowStride >= n;
    if (padding) {
      EXPECT_EQ(got[e], out.host[e]) << "padding element " << e;
    }
  }
}

TEST_P(FakeCublasGemm, F32MatchesRowMajorProduct) {
  checkGemm<float, float>(GetParam(), _mlir_ciface_lipt_cuda_gemm_f32, 1e-5);
}

TEST_P(FakeCublasGemm, F64MatchesRowMajorProduct) {
  checkGemm<double, double>(GetParam(), _mlir_ciface_lipt_cuda_gemm_f64, 1e-12);
}

TEST_P(FakeCublasGemm, Bf16OperandsF32Result) {
  checkGemm<uint16_t, float>(GetParam(), _mlir_ciface_lipt_cuda_gemm_bf16,
                             1e-5);
}

std::vector<GemmCase> allCases() {
  std::vector<GemmCase> cases;
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (bool acc : {false, true})
        cases.push_back({ta, tb, acc});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllTransposes, FakeCublasGemm,
                         ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<GemmCase> &info) {
                           return std::string(info.param.transA ? "At" : "A") +
                                  (info.param.transB ? "Bt" : "B") +
                                  (info.param.accumulate ? "PlusC" : "");
                         });

TEST(FakeCudaRuntime, DescribesTheDevice) {
  ASSERT_TRUE(rt::cuda::available());
  EXPECT_EQ(rt::cuda::describeDevice(), "lipt fake GPU, sm_90");
  EXPECT_EQ(lipt_cuda_status(), nullptr);
}

TEST(FakeCudaRuntime, ReleasesWhatItAllocates) {
  long before = fakeStats().live;
  void *p = nullptr;
  ASSERT_TRUE(rt::cuda::allocate(0, p)); // zero bytes: still a pointer
  EXPECT_NE(p, nullptr);
  EXPECT_EQ(fakeStats().live, before + 1);
  rt::cuda::release(p);
  EXPECT_EQ(fakeStats().live, before);
}

TEST(FakeCudaRuntime, NonContiguousRowsAreTheCallsError) {
  std::mt19937 rng(1);
  Operand<float> a(1, 4, 4, rng), b(1, 4, 4, rng), c(1, 4, 4, rng);
  rt::MemRef3<float> am = a.memref(), bm = b.memref(), cm = c.memref();
  am.strides[2] = 2; // every other column: cuBLAS cannot read that
  lipt_cuda_begin_call(nullptr, 0);
  _mlir_ciface_lipt_cuda_gemm_f32(&am, &bm, &cm, false, false, false);
  const char *error = lipt_cuda_end_call();
  ASSERT_NE(error, nullptr);
  EXPECT_STREQ(error, "cuBLAS gemm: an operand's rows are not contiguous");
  // The error was the call's: the next call starts clean.
  lipt_cuda_begin_call(nullptr, 0);
  EXPECT_EQ(lipt_cuda_end_call(), nullptr);
}

TEST(FakeCudaRuntime, CopiesOutsideAnAllocationAreCaught) {
  // The fake itself: a copy past the end of an allocation is a violation
  // (what makes the lit tests' "0 violations" mean something).
  void *p = nullptr;
  ASSERT_TRUE(rt::cuda::allocate(16, p));
  std::vector<char> host(32);
  long before = fakeStats().violations;
  rt::Status s = rt::cuda::copyToDevice(p, host.data(), host.size());
  EXPECT_FALSE(s);
  EXPECT_EQ(s.message, "copy to the GPU failed: invalid argument (1)");
  EXPECT_EQ(fakeStats().violations, before + 1);
  rt::cuda::release(p);
}

} // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new FakeCudaEnvironment);
  return RUN_ALL_TESTS();
}
