/*===- lipt-c/CudaRuntime.h - calling a CUDA artifact from C -----*- C -*-===*
 *
 * A CUDA artifact (lipt-compile --target=cuda) has the ABI of
 * lipt-c/Artifact.h, with "target": "cuda" in its manifest, and needs
 * liblipt_cuda_runtime.so (DT_NEEDED). Its entry points take device
 * pointers in their memref descriptors, except rank-0 arguments (step
 * scalars), which are host memory. A C caller (lipt's Python loader,
 * python/lipt/artifact.py, is one) brackets each call:
 *
 *   const char *why = lipt_cuda_status();        // NULL: CUDA is usable
 *   lipt_cuda_begin_call(stream, tf32);          // stream: a CUstream or NULL
 *   lipt_call_f(args);
 *   const char *error = lipt_cuda_end_call();    // NULL: done, no error
 *
 * The call's kernels and cuBLAS products run on `stream` in order;
 * lipt_cuda_end_call waits for them. Strings returned stay valid until the
 * next call of the same function on the same thread.
 *
 *===----------------------------------------------------------------------===*/

#ifndef LIPT_C_CUDARUNTIME_H
#define LIPT_C_CUDARUNTIME_H

#ifdef __cplusplus
extern "C" {
#endif

/** NULL when the driver loads, has a device, and every loaded artifact's
 *  kernels loaded; otherwise what is missing. */
const char *lipt_cuda_status(void);
/** Starts a call on this thread: work goes to `stream`; tf32 != 0 lets f32
 *  products use TF32 tensor cores. */
void lipt_cuda_begin_call(void *stream, int tf32);
/** Ends it: waits for the stream; NULL, or the first error. */
const char *lipt_cuda_end_call(void);

#ifdef __cplusplus
}
#endif

#endif /* LIPT_C_CUDARUNTIME_H */
