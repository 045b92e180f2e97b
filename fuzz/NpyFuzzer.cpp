//===- NpyFuzzer.cpp - fuzz the .npy reader -------------------------------===//

#include "lipt/Runtime/TensorIO.h"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  namespace rt = lipt_runtime;
  rt::HostTensor tensor;
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  if (!rt::parseNpy(bytes, "fuzz.npy", tensor))
    return 0;
  // Accepted: the data is exactly the tensor's bytes, nothing invented.
  if (tensor.bytes.size() > size)
    std::abort();
  return 0;
}
