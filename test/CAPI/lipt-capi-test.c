/*===- lipt-capi-test.c - lipt through MLIR's C API --------------------===*\
|*                                                                        *|
|* What a host that drives MLIR through its C API does: create a context, *|
|* register lipt, parse generic-form StableHLO holding a lipt custom call *|
|* (as JAX exports it) next to a third-party call, run the import and the *|
|* lowering, print the result. Then load LiptPlugin.so into the same      *|
|* process (its dialect and pass entry points, as mlir-opt would) and run *|
|* again: nothing may be registered twice, and the result is the same.   *|
|*                                                                        *|
|* Usage: lipt-capi-test PATH/TO/LiptPlugin.so                            *|
\*===-------------------------------------------------------------------===*/

#include "lipt-c/Dialects.h"
#include "mlir-c/Dialect/Func.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *kModule =
    "func.func public @main(%w: tensor<16x8xf32>) -> tensor<16x8xf32> {\n"
    "  %0 = \"stablehlo.custom_call\"(%w) <{api_version = 4 : i32, "
    "backend_config = {}, call_target_name = \"other.kernel\"}> : "
    "(tensor<16x8xf32>) -> tensor<16x8xf32>\n"
    "  %1 = \"stablehlo.custom_call\"(%0) <{api_version = 1 : i32, "
    "backend_config = \"\", call_target_name = \"lipt.spectral_soft_cap\"}> "
    "{mhlo.backend_config = {alpha = 1.000000e-01 : f32}} : "
    "(tensor<16x8xf32>) -> tensor<16x8xf32>\n"
    "  return %1 : tensor<16x8xf32>\n"
    "}\n";

static void printToStdout(MlirStringRef s, void *unused) {
  (void)unused;
  fwrite(s.data, 1, s.length, stdout);
}

static void printError(MlirStringRef s, void *unused) {
  (void)unused;
  fwrite(s.data, 1, s.length, stderr);
}

/* Parses kModule, runs `pipeline` (its passes, as the module's pass manager
 * is already anchored on builtin.module), prints the module; 0 on success. */
static int runOnce(MlirContext ctx, const char *pipeline) {
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kModule));
  if (mlirModuleIsNull(module)) {
    fprintf(stderr, "lipt-capi-test: the module did not parse\n");
    return 1;
  }
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  MlirLogicalResult parsed = mlirOpPassManagerAddPipeline(
      opm, mlirStringRefCreateFromCString(pipeline), printError, NULL);
  int status = 0;
  if (mlirLogicalResultIsFailure(parsed)) {
    fprintf(stderr, "\nlipt-capi-test: pipeline '%s' not found\n", pipeline);
    status = 1;
  } else if (mlirLogicalResultIsFailure(
                 mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module)))) {
    fprintf(stderr, "lipt-capi-test: the pipeline failed\n");
    status = 1;
  } else {
    mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
    printf("\n");
  }
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  return status;
}

/* mlir::DialectPluginLibraryInfo and mlir::PassPluginLibraryInfo, as the
 * plugin's C-linkage entry points return them. */
typedef struct {
  uint32_t apiVersion;
  const char *name, *version;
  void (*registerDialects)(void *registry);
} DialectPluginInfo;
typedef struct {
  uint32_t apiVersion;
  const char *name, *version;
  void (*registerPasses)(void);
} PassPluginInfo;

static int loadPlugin(MlirContext ctx, const char *path) {
  void *plugin = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!plugin) {
    fprintf(stderr, "lipt-capi-test: %s\n", dlerror());
    return 1;
  }
  DialectPluginInfo (*dialectInfo)(void) =
      (DialectPluginInfo(*)(void))dlsym(plugin, "mlirGetDialectPluginInfo");
  PassPluginInfo (*passInfo)(void) =
      (PassPluginInfo(*)(void))dlsym(plugin, "mlirGetPassPluginInfo");
  if (!dialectInfo || !passInfo) {
    fprintf(stderr, "lipt-capi-test: %s lacks the plugin entry points\n", path);
    return 1;
  }
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  dialectInfo().registerDialects(registry.ptr);
  mlirContextAppendDialectRegistry(ctx, registry);
  mlirDialectRegistryDestroy(registry);
  passInfo().registerPasses();
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: lipt-capi-test PATH/TO/LiptPlugin.so\n");
    return 2;
  }
  MlirContext ctx = mlirContextCreate();
  mlirContextSetAllowUnregisteredDialects(ctx, true);
  mlirDialectHandleRegisterDialect(mlirGetDialectHandle__func__(), ctx);
  mlirDialectHandleRegisterDialect(mlirGetDialectHandle__lipt__(), ctx);
  liptRegisterPasses();
  liptRegisterPasses(); /* idempotent */
  printf("// --- C API\n");
  int status = runOnce(ctx, "lipt-import-and-lower");
  if (status == 0)
    status = loadPlugin(ctx, argv[1]);
  if (status == 0) {
    printf("// --- C API and plugin\n");
    status = runOnce(ctx, "lipt-import-and-lower");
  }
  mlirContextDestroy(ctx);
  return status;
}
