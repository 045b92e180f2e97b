// Bad inputs to the training driver: a clear error naming the problem, a
// non-zero exit, and the last good checkpoint left intact.
// RUN: rm -rf %t && mkdir -p %t
// Missing and empty data files; a corpus whose vocabulary the model does not fit.
// RUN: not lipt-run %S/Inputs/tiny-model.mlir --data %t/none.txt --out %t/o1 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: touch %t/empty.txt
// RUN: not lipt-run %S/Inputs/tiny-model.mlir --data %t/empty.txt --out %t/o2 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: printf 'abcabc\n' > %t/small.txt
// RUN: not lipt-run %S/Inputs/tiny-model.mlir --data %t/small.txt --out %t/o3 2>&1 | FileCheck %s --check-prefix=VOCAB
// Malformed model files.
// RUN: not lipt-run %s --out %t/o4 2>&1 | FileCheck %s --check-prefix=MALFORMED
// RUN: sed 's/tensor<16x64xf32>/tensor<16x32xf32>/g' %S/Inputs/tiny-model.mlir > %t/dims.mlir
// RUN: not lipt-run %t/dims.mlir --out %t/o5 2>&1 | FileCheck %s --check-prefix=DIMS
// RUN: sed 's/lipt.train = {/lipt.training = {/' %S/Inputs/tiny-model.mlir > %t/noconfig.mlir
// RUN: not lipt-run %t/noconfig.mlir --out %t/o6 2>&1 | FileCheck %s --check-prefix=NOCONFIG
// A NaN loss at step 15: the run stops before updating, the step-10 checkpoint survives.
// RUN: not lipt-run %S/Inputs/tiny-model.mlir --out %t/nan --cpu-threads 2 --debug-inject-nan-at-step 15 2>&1 | FileCheck %s --check-prefix=NAN
// RUN: lipt-run --certify %t/nan/model.safetensors | FileCheck %s --check-prefix=INTACT
// RUN: %python -c "import json,struct; f=open('%t/nan/model.safetensors','rb'); n=struct.unpack('<Q', f.read(8))[0]; print('step', json.loads(f.read(n))['__metadata__']['lipt.step'])" | FileCheck %s --check-prefix=STEP10
// A second run into the same directory must not overwrite it.
// RUN: not lipt-run %S/Inputs/tiny-model.mlir --out %t/nan 2>&1 | FileCheck %s --check-prefix=EXISTS
// Truncated and corrupt checkpoints, for --resume and --certify.
// RUN: cp -r %t/nan %t/trunc && head -c 3000 %t/nan/model.safetensors > %t/trunc/model.safetensors
// RUN: not lipt-run %S/Inputs/tiny-model.mlir --out %t/trunc --resume 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: not lipt-run --certify %t/trunc/model.safetensors 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: cp -r %t/nan %t/corrupt && %python -c "d=bytearray(open('%t/nan/model.safetensors','rb').read()); d[8:9]=b'['; open('%t/corrupt/model.safetensors','wb').write(d)"
// RUN: not lipt-run --certify %t/corrupt/model.safetensors 2>&1 | FileCheck %s --check-prefix=CORRUPT
// RUN: not lipt-run %S/Inputs/tiny-model.mlir --out %t/o7 --resume 2>&1 | FileCheck %s --check-prefix=NORESUME

// MISSING: lipt-run: error: {{.*}}none.txt: cannot open the corpus: cannot open file (No such file or directory); {{.*}}get-tinyshakespeare.sh
// EMPTY: lipt-run: error: {{.*}}empty.txt: the corpus is empty
// VOCAB: lipt-run: error: {{.*}}tiny-model.mlir: the model's vocabulary is 24 but the corpus {{.*}}small.txt has 4 distinct characters
// MALFORMED: train-invalid.mlir:48:{{[0-9]+}}: error: the training driver builds models of lipt.embed, lipt.convex_residual (around lipt.attention or lipt.mlp), lipt.layer_norm and lipt.head; it cannot train 'lipt.linear'
// DIMS: dims.mlir:{{[0-9]+}}:{{[0-9]+}}: error: 'lipt.mlp' op w_in must be [hidden, d] and w_out [d, hidden]
// NOCONFIG: noconfig.mlir:3:1: error: unknown lipt attribute '"lipt.training"'
// NAN: step 10/40
// NAN: lipt-run: error: the training loss became {{-?nan}} at step 15 {{.*}}stopping before the update. the last good checkpoint in {{.*}} is intact
// INTACT: "holds": true
// STEP10: step 10
// EXISTS: lipt-run: error: {{.*}}nan already holds a checkpoint; pass --resume to continue it, or choose another --out
// TRUNC: lipt-run: error: {{.*}}trunc/model.safetensors: {{.*}}
// CORRUPT: lipt-run: error: {{.*}}corrupt/model.safetensors: {{.*}}
// NORESUME: lipt-run: error: --resume: no checkpoint in {{.*}}o7

module attributes {lipt.train = {steps = 10}} {
  func.func @model(%t: tensor<2x4xi32>, %e: tensor<24x16xf32>, %w: tensor<16x16xf32>, %h: tensor<24x16xf32>) -> tensor<2x4x24xf32> {
    %x = lipt.embed %t, %e : tensor<2x4xi32>, tensor<24x16xf32> -> tensor<2x4x16xf32>
    %y = lipt.linear %x, %w : tensor<2x4x16xf32>, tensor<16x16xf32> -> tensor<2x4x16xf32>
    %l = lipt.head %y, %h : tensor<2x4x16xf32>, tensor<24x16xf32> -> tensor<2x4x24xf32>
    return %l : tensor<2x4x24xf32>
  }
}
