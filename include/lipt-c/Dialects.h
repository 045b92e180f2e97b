/*===- lipt-c/Dialects.h - C API of the lipt dialect and passes ---*- C -*-===*\
|*                                                                            *|
|* For hosts that drive MLIR through its C API (Python bindings, Rust, Julia, *|
|* a JAX/XLA plugin): the lipt dialect handle, and one call that registers    *|
|* lipt's passes and pipelines. Both live in libLiptCAPI.so, the one copy of  *|
|* lipt's compiler in a process; LiptPlugin.so links it too, so loading the   *|
|* plugin as well registers nothing twice.                                    *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef LIPT_C_DIALECTS_H
#define LIPT_C_DIALECTS_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/* mlirGetDialectHandle__lipt__(): register or load the dialect with
 * mlirDialectHandleRegisterDialect / mlirDialectHandleLoadDialect. */
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Lipt, lipt);

/* Registers every lipt pass and the pipelines lipt-import-and-lower and
 * lipt-cpu-pipeline with MLIR's global pass registry, so that
 * mlirParsePassPipeline / mlirOpPassManagerAddPipeline find them. Safe to
 * call any number of times, from any thread. */
MLIR_CAPI_EXPORTED void liptRegisterPasses(void);

#ifdef __cplusplus
}
#endif

#endif /* LIPT_C_DIALECTS_H */
