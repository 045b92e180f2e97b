//===- Runtime.h - lipt execution API on raw buffers ------------*- C++ -*-===//
//
// The small, MLIR-free interface compiled lipt code runs behind: tensors are
// views of caller memory (zero-copy), functions of an Executable take input
// and output views and run on a device/stream. The CPU backend lives in
// lib/ (it compiles IR with MLIR's ExecutionEngine); a CUDA backend plugs in
// as another Executable with Device{cuda, n} and a non-null stream.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_RUNTIME_H
#define LIPT_RUNTIME_RUNTIME_H

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lipt_runtime {

/// Element types lipt computes on.
enum class DType { f32, f64, f16, bf16, i32, i64 };
/// "f32", "f64", "f16", "bf16", "i32", "i64" (integers: token ids).
const char *dtypeName(DType t);
/// Parses a name as dtypeName prints it; false if unknown.
bool parseDType(const std::string &name, DType &out);
size_t dtypeSize(DType t);

enum class DeviceKind { cpu, cuda };
struct Device {
  DeviceKind kind = DeviceKind::cpu;
  int ordinal = 0;
};
/// A CUDA stream (cudaStream_t) for CUDA devices; null on the CPU.
using Stream = void *;

/// Shape and element type of a function argument or result.
struct TensorType {
  DType dtype = DType::f32;
  std::vector<int64_t> shape;
  int64_t numElements() const;
  /// "2x3xf32".
  std::string str() const;
  bool operator==(const TensorType &o) const {
    return dtype == o.dtype && shape == o.shape;
  }
};

/// A view of caller-owned memory: dense, row-major (the layout LibTorch's
/// contiguous tensors and .npy files have).
struct TensorView {
  void *data = nullptr;
  TensorType type;
  Device device;
};

/// Success, or a message saying what went wrong and where.
struct Status {
  bool ok = true;
  std::string message;
  static Status success() { return {}; }
  static Status error(std::string m) { return {false, std::move(m)}; }
  explicit operator bool() const { return ok; }
};

struct FunctionSignature {
  std::string name;
  std::vector<TensorType> inputs, outputs;
};

/// Compiled code: functions callable on views.
class Executable {
public:
  virtual ~Executable() = default;
  virtual Device device() const = 0;
  virtual const std::vector<FunctionSignature> &functions() const = 0;
  /// The function called `name`, or nullptr.
  const FunctionSignature *lookup(const std::string &name) const;
  /// Runs `name` reading `inputs` and writing `outputs` (caller-allocated,
  /// matching the signature exactly; checked). Inputs are never written.
  virtual Status invoke(const std::string &name,
                        const std::vector<TensorView> &inputs,
                        const std::vector<TensorView> &outputs,
                        Stream stream = nullptr) = 0;
};

/// Parses a type as TensorType::str() prints it ("2x3xf32", "f32"); the
/// error names the bad dimension or element type.
Status parseTensorType(const std::string &spec, TensorType &type);

/// The memref descriptors of a call's dense row-major views, inputs then
/// outputs, as compiled lipt code takes them (include/lipt-c/Artifact.h):
/// each {allocated, aligned, offset, sizes[rank], strides[rank]}, 64 bits a
/// field.
std::vector<std::vector<int64_t>>
memrefDescriptors(const std::vector<TensorView> &inputs,
                  const std::vector<TensorView> &outputs);

/// Checks views against a signature; the message names the argument.
Status checkArguments(const FunctionSignature &sig,
                      const std::vector<TensorView> &inputs,
                      const std::vector<TensorView> &outputs);

/// What every host (CPU) executable checks before a call: `name` exists
/// (then `sig` points to it), no stream is given, and the views match the
/// signature.
Status checkHostCall(const Executable &exe, const std::string &name,
                     const std::vector<TensorView> &inputs,
                     const std::vector<TensorView> &outputs, Stream stream,
                     const FunctionSignature *&sig);

/// The byte size of `type`, checked: every dimension non-negative, no
/// overflow of the element or byte count, and at most `limit` bytes. The
/// error names the shape and the limit. Readers call this before they
/// allocate, so a header that claims 10^12 elements is an error, not an
/// out-of-memory abort.
Status checkedByteSize(const TensorType &type, uint64_t limit, uint64_t &bytes);

/// The largest tensor a compiled function takes or returns (2^46 bytes,
/// 64 TiB): far past any machine, well inside the int64 index arithmetic of
/// compiled code and its callers. The compiler refuses larger signatures and
/// the artifact loader refuses manifests that claim them.
inline constexpr uint64_t kMaxCompiledTensorBytes = uint64_t(1) << 46;

/// The largest tensor file (.npy, safetensors) the readers take: they read
/// whole files into memory, and 1 TiB is far above any lipt writes.
inline constexpr uint64_t kMaxTensorFileBytes = uint64_t(1) << 40;

/// Succeeds when `path` is a regular, readable file of at most `maxBytes`;
/// otherwise says why ("is a directory", "is not a regular file (a device,
/// FIFO or socket)", its size), without the path. Checked with stat before
/// anything opens the file: opening a FIFO without a writer blocks, and a
/// device such as /dev/zero never ends.
Status checkRegularFile(const std::string &path, uint64_t maxBytes);

/// Reads all of `path` into `bytes` after checkRegularFile; the error names
/// the path. The parsers take bytes, not paths, so one parse serves files,
/// memory and the fuzzers (fuzz/).
Status readFileBytes(const std::string &path, uint64_t maxBytes,
                     std::string &bytes);

/// An owning host tensor, for tools and tests.
struct HostTensor {
  TensorType type;
  std::vector<uint8_t> bytes;
  explicit HostTensor(TensorType t = {});
  TensorView view() { return {bytes.data(), type, Device{}}; }
  /// Element i as a double (f16/bf16 widened; integers exact below 2^53).
  double get(int64_t i) const;
  void set(int64_t i, double v);
};

/// float <-> half / bfloat16 bit patterns (round to nearest even).
uint16_t floatToHalf(float f);
float halfToFloat(uint16_t h);
uint16_t floatToBFloat16(float f);
float bfloat16ToFloat(uint16_t b);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_RUNTIME_H
