//===- Artifact.h - run a compiled lipt artifact without LLVM ---*- C++ -*-===//
//
// An artifact is the shared library lipt-compile writes (its C ABI is in
// include/lipt-c/Artifact.h). Loading one needs only the dynamic loader:
// this is how a machine without LLVM (the runtime-only build, a GPU node,
// a PyTorch process) runs lipt code that was compiled elsewhere.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_ARTIFACT_H
#define LIPT_RUNTIME_ARTIFACT_H

#include "lipt/Runtime/Runtime.h"

#include <memory>
#include <string>

namespace lipt_runtime {

/// The largest artifact loadArtifact opens (its manifest is read whole).
inline constexpr uint64_t kMaxArtifactBytes = uint64_t(1) << 32;

/// True when `path` is a regular file that starts like a shared library
/// (ELF), so tools can take either IR text or an artifact as their input.
/// Never opens anything but a regular file (a FIFO would block).
bool isArtifactFile(const std::string &path);

/// What an artifact's manifest says beyond its functions.
struct ArtifactInfo {
  /// The device kind it runs on ("cpu", "cuda": the manifest's "target").
  DeviceKind target = DeviceKind::cpu;
  std::string cpu; ///< the CPU it was compiled for (lipt-compile --target-cpu)
  /// CUDA artifacts: the GPU architecture ("sm_90") and whether f32
  /// products may use TF32 tensor cores.
  std::string gpu;
  bool tf32 = false;
  /// For a model file's artifact: the training spec as JSON (the checkpoint
  /// config format, lipt_train::fromJson); its functions are then the
  /// optimizer kernels. Empty otherwise.
  std::string model;
};

/// Loads the artifact at `path` into an Executable. A CUDA artifact's
/// functions take device memory (rank-0 arguments: host memory; Cuda.h)
/// and run on the stream given to invoke; on a machine without a GPU it
/// still loads, and invoke says what is missing. Errors name the file
/// and what is wrong: not a regular file, not loadable (the loader's
/// message, for example a missing liblipt_blas_shims.so), no manifest, a
/// manifest field missing or of the wrong type, another ABI version, an
/// entry point the library lacks.
Status loadArtifact(const std::string &path, std::unique_ptr<Executable> &out,
                    ArtifactInfo *info = nullptr);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_ARTIFACT_H
