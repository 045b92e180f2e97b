//===- ModelImportFuzzer.cpp - fuzz the model importer --------------------===//
//
// Model files as lipt-run reads them: parse, then importModel. A model that
// imports must survive its JSON form unchanged (the checkpoint's config).
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"

#include "lipt/ModelImport/ModelImport.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static lipt_fuzz::FuzzContext contexts;
  auto module = contexts.parse(data, size);
  if (!module)
    return 0;
  mlir::FailureOr<lipt_train::ModelSpec> spec =
      mlir::lipt::importModel(*module);
  if (mlir::failed(spec))
    return 0;
  std::string json = lipt_train::toJson(*spec);
  lipt_train::ModelSpec again;
  if (!lipt_train::fromJson(json, again) || lipt_train::toJson(again) != json)
    std::abort();
  return 0;
}
