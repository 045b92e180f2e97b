//===- OpenBlas.h - OpenBLAS, or its absence, for the runtime ---*- C++ -*-===//
//
// Internal to LiptRuntime. The full build always has OpenBLAS. A
// runtime-only build on a machine without it (a GPU node that trains CUDA
// artifacts: scripts/device-check.sh) still builds: the shims then take
// their plain-loop path for every product, the compute pool its thread count
// from the hardware, and blasCoreName() says BLAS is missing, so a CPU
// artifact there runs correctly but slowly and the report says why.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_OPENBLAS_H
#define LIPT_RUNTIME_OPENBLAS_H

#ifdef LIPT_HAVE_OPENBLAS
#include <cblas.h>

namespace lipt_runtime {
constexpr bool kHaveOpenBlas = true;
} // namespace lipt_runtime

#else
#include <cstdlib>
#include <thread>

namespace lipt_runtime {
constexpr bool kHaveOpenBlas = false;
} // namespace lipt_runtime

// The few names the runtime uses. The products are never called (the shims
// check kHaveOpenBlas first); they abort rather than return wrong numbers.
enum CBLAS_ORDER { CblasRowMajor = 101 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112 };
enum CBLAS_UPLO { CblasUpper = 121 };
template <typename T>
inline void missingGemm(CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, int, int,
                        int, T, const T *, int, const T *, int, T, T *, int) {
  std::abort();
}
template <typename T>
inline void missingSyrk(CBLAS_ORDER, CBLAS_UPLO, CBLAS_TRANSPOSE, int, int, T,
                        const T *, int, T, T *, int) {
  std::abort();
}
#define cblas_sgemm missingGemm<float>
#define cblas_dgemm missingGemm<double>
#define cblas_ssyrk missingSyrk<float>
#define cblas_dsyrk missingSyrk<double>
inline int openblas_get_num_threads() {
  return int(std::thread::hardware_concurrency());
}
inline void openblas_set_num_threads(int) {}
inline const char *openblas_get_corename() {
  return "none (built without OpenBLAS: CPU products run as plain loops)";
}
#endif

#endif // LIPT_RUNTIME_OPENBLAS_H
