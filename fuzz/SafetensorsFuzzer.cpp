//===- SafetensorsFuzzer.cpp - fuzz the safetensors reader ----------------===//
//
// Any bytes: the reader returns an error or a checkpoint whose tensors tile
// the data it was given; it never crashes, hangs or allocates more than the
// input justifies.
//
//===----------------------------------------------------------------------===//

#include "lipt/Runtime/Safetensors.h"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  namespace rt = lipt_runtime;
  rt::Safetensors file;
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  if (!rt::parseSafetensors(bytes, "fuzz.safetensors", file))
    return 0;
  // Accepted: every byte after the header belongs to exactly one tensor.
  size_t tensorBytes = 0;
  for (const rt::NamedTensor &t : file.tensors)
    tensorBytes += t.tensor.bytes.size();
  if (tensorBytes > size)
    std::abort();
  return 0;
}
