/*===- lipt-c/Artifact.h - the C ABI of a compiled lipt artifact -*- C -*-===*
 *
 * `lipt-compile x.mlir --target=cpu -o x.lipt.so` writes a shared library
 * that any C caller can load with dlopen; lipt's runtime does so in
 * lipt_runtime::loadArtifact (include/lipt/Runtime/Artifact.h), without LLVM.
 *
 * The library exports:
 *
 *  - `const char lipt_artifact_manifest[]`: NUL-terminated JSON,
 *      {"format": "lipt-artifact", "abi": 1, "target": "cpu",
 *       "cpu": "x86-64-v3",
 *       "functions": [{"name": "f", "entry": "lipt_call_f",
 *                      "inputs": ["4x3xf32", ...],
 *                      "outputs": ["4x3xf32", ...]}, ...]}
 *    Types are written as lipt prints them: dimensions, then f32, f64, f16
 *    or bf16; every shape is static.
 *
 *  - per function, `void ENTRY(void **args)` (the manifest's "entry"):
 *    destination passing. args[i] points to the memref descriptor of input
 *    i, then of output i (inputs first, in order). The caller allocates
 *    every output; the function never writes an input, never keeps a
 *    pointer after it returns, and may be called from several threads at
 *    once on disjoint buffers.
 *
 *  - A memref descriptor of rank r is (all fields 64 bits)
 *      { void *allocated; void *aligned; int64_t offset;
 *        int64_t sizes[r]; int64_t strides[r]; }
 *    lipt's runtime passes dense row-major buffers: allocated == aligned
 *    == the data, offset 0, strides the row-major ones in elements.
 *    LiptMemRef2D below spells rank 2 out.
 *
 * The library needs liblipt_blas_shims.so (BLAS calls and the scratch
 * allocator; DT_NEEDED, found by the dynamic loader as usual: already
 * loaded, LD_LIBRARY_PATH, or the system paths) and nothing of LLVM.
 *
 *===----------------------------------------------------------------------===*/

#ifndef LIPT_C_ARTIFACT_H
#define LIPT_C_ARTIFACT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI version this header describes (the manifest's "abi"). */
#define LIPT_ARTIFACT_ABI_VERSION 1
/** The exported manifest's symbol name. */
#define LIPT_ARTIFACT_MANIFEST_SYMBOL "lipt_artifact_manifest"
/** The prefix of every function's entry point. */
#define LIPT_ARTIFACT_ENTRY_PREFIX "lipt_call_"

/** An entry point: args[i] -> memref descriptor of input i, then output i. */
typedef void (*LiptArtifactEntry)(void **args);

/** The descriptor of a rank-2 tensor, for C callers. */
typedef struct LiptMemRef2D {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
} LiptMemRef2D;

#ifdef __cplusplus
}
#endif

#endif /* LIPT_C_ARTIFACT_H */
