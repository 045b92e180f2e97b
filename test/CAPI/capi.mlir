// lipt through MLIR's C API: a C program registers the dialect and passes,
// imports and lowers a JAX-style call, then loads LiptPlugin.so into the
// same process and runs again (nothing registered twice, same result).
// RUN: lipt-capi-test %lipt_plugin | FileCheck %s --implicit-check-not='= lipt.'
// The shared library exports the dialect handle.
// RUN: nm -D --defined-only %lipt_capi | FileCheck %s --check-prefix=SYMBOLS
// SYMBOLS-DAG: T liptRegisterPasses
// SYMBOLS-DAG: T mlirGetDialectHandle__lipt__

// CHECK-LABEL: // --- C API
// CHECK: "stablehlo.custom_call"(%{{.*}}) <{api_version = 4 : i32, backend_config = {}, call_target_name = "other.kernel"}>
// CHECK: linalg.generic
// CHECK-LABEL: // --- C API and plugin
// CHECK: "stablehlo.custom_call"(%{{.*}}) <{api_version = 4 : i32, backend_config = {}, call_target_name = "other.kernel"}>
// CHECK: linalg.generic
