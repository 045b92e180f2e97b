//===- TensorLiteralFuzzer.cpp - fuzz `lipt-run --input` literals ---------===//

#include "lipt/Runtime/TensorIO.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  namespace rt = lipt_runtime;
  rt::HostTensor tensor;
  std::string text(reinterpret_cast<const char *>(data), size);
  if (!rt::parseTensorLiteral(text, tensor))
    return 0;
  // What was accepted prints, and the printed form parses to the same type.
  if (tensor.type.numElements() > 4096)
    return 0; // formatting a large splat proves nothing more, slowly
  rt::HostTensor again;
  if (!rt::parseTensorLiteral(rt::formatTensor(tensor), again) ||
      !(again.type == tensor.type))
    std::abort();
  return 0;
}
