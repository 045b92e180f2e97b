//===- SpecJsonFuzzer.cpp - fuzz a checkpoint's `lipt.config` -------------===//
//
// The config a checkpoint carries is read back with fromJson on --resume and
// --certify. What it accepts must print back to JSON that reads the same.
//
//===----------------------------------------------------------------------===//

#include "lipt/Train/ModelSpec.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lipt_train::ModelSpec spec;
  if (!lipt_train::fromJson(
          std::string(reinterpret_cast<const char *>(data), size), spec))
    return 0;
  std::string json = lipt_train::toJson(spec);
  lipt_train::ModelSpec again;
  if (!lipt_train::fromJson(json, again) || lipt_train::toJson(again) != json)
    std::abort();
  return 0;
}
