# -*- Python -*-
# lit configuration of the lipt test suite.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "LIPT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lipt_obj_root, "test")
# Unit/ is found as its own suite (GoogleTest format) through the
# lit.site.cfg.py CMake writes to build/test/Unit; lipt_case.py is a helper.
config.excludes = ["lit.cfg.py", "lipt-capi-test.c", "lipt_case.py", "lipt_run_check.py",
                   "check_training.py", "check_distributed.py", "safetensors_file.py", "check_case.py", "ptx_check.py", "check_artifact.py", "hostile_checkpoints.py", "hostile_artifacts.py", "FakeCuda", "test_torch_ops.py", "signals.py", "Inputs",
                   "CMakeLists.txt"]

config.environment["FILECHECK_OPTS"] = "-enable-var-scope"

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.lipt_tools_dir, append_path=True)

runner_libs = ",".join(
    [os.path.join(config.mlir_lib_dir, lib)
     for lib in ["libmlir_runner_utils.so", "libmlir_c_runner_utils.so"]] +
    [os.path.join(config.lipt_lib_dir, "liblipt_blas_shims.so")])
config.substitutions += [
    ("%lipt_src_root", config.lipt_src_root),
    ("%lipt_build_dir", config.lipt_obj_root),
    ("%python", config.python_with_numpy),
    ("%lipt_case", config.python_with_numpy + " " +
     os.path.join(config.test_source_root, "Execution", "lipt_case.py")),
    ("%lipt_runtime_run",
     os.path.join(config.lipt_obj_root, "runtime-only", "bin", "lipt-run")),
    ("%lipt_plugin", os.path.join(config.lipt_lib_dir, "LiptPlugin.so")),
    ("%lipt_capi", os.path.join(config.lipt_lib_dir, "libLiptCAPI.so")),
    # The host stand-in for the CUDA driver and cuBLAS (Cuda/FakeCuda).
    ("%fake_cuda_dir",
     os.path.join(config.lipt_obj_root, "test", "Cuda", "FakeCuda", "lib")),
    # The stock tool, by absolute path: the plugin test must not pick up
    # anything of ours.
    ("%stock_mlir_opt", os.path.join(config.llvm_tools_dir, "mlir-opt")),
    ("%run_cpu", "mlir-runner -e main -entry-point-result=void "
     "-shared-libs=" + runner_libs),
]

fuzzers = ["lipt-%s-fuzzer" % t for t in [
    "safetensors", "npy", "tensor-literal", "spec-json", "model-import",
    "custom-call-import"]]
llvm_config.add_tool_substitutions(["lipt-opt", "lipt-run", "lipt-compile",
                                    "lipt-capi-test",
                                    "mlir-runner"] + fuzzers,
                                   [config.lipt_tools_dir,
                                    config.llvm_tools_dir])

# CUDA. The toolkit (ptxas, fatbinary, libdevice) compiles GPU code on
# machines without a GPU: tests that assemble PTX REQUIRE ptxas. Running it
# needs a driver and a device, which no CI machine has: those tests REQUIRE
# cuda-device and are skipped cleanly everywhere else.
cuda_home = os.environ.get("CUDA_HOME", "/usr/local/cuda")
if os.access(os.path.join(cuda_home, "bin", "ptxas"), os.X_OK):
    config.available_features.add("ptxas")
    config.environment["CUDA_HOME"] = cuda_home
    config.substitutions.append(
        ("%ptxas", os.path.join(cuda_home, "bin", "ptxas")))


def has_cuda_device():
    import ctypes
    try:
        driver = ctypes.CDLL("libcuda.so.1")
        count = ctypes.c_int(0)
        return (driver.cuInit(0) == 0 and
                driver.cuDeviceGetCount(ctypes.byref(count)) == 0 and
                count.value > 0)
    except OSError:
        return False


cuda_device = has_cuda_device()
if cuda_device:
    config.available_features.add("cuda-device")
# FileCheck prefix of what a CUDA run prints here: results, or the reason
# there are none.
config.substitutions.append(("%cuda_run_prefix",
                             "GPU" if cuda_device else "NOGPU"))
