// A tiny training run end to end (d 16, 2 layers, 40 steps, ~3 s): the loss
// decreases, the certificate holds, an independent float64 implementation
// reading the safetensors checkpoint reproduces the reported validation
// loss and bound (a), and a run stopped at step 20 and resumed follows the
// uninterrupted run's losses exactly.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lipt-run %S/Inputs/tiny-model.mlir --out %t/full --cpu-threads 2 2>&1 | FileCheck %s --check-prefix=TRAIN
// RUN: %python %S/check_training.py %t/full %S/Inputs/tiny-corpus.txt | FileCheck %s --check-prefix=INDEPENDENT
// RUN: %python -c "import json,sys; r=json.load(open('%t/full/report.json')); h=r['history']; sys.exit(not (h[-1]['val_loss'] < h[0]['val_loss'] - 0.2 and r['blas_core']))"
// RUN: lipt-run %S/Inputs/tiny-model.mlir --out %t/resumed --cpu-threads 2 --stop-after-step 20 2>&1 | FileCheck %s --check-prefix=STOP
// RUN: lipt-run %S/Inputs/tiny-model.mlir --out %t/resumed --cpu-threads 2 --resume 2>&1 | FileCheck %s --check-prefix=RESUME
// RUN: %python -c "import json,sys; a=json.load(open('%t/full/report.json'))['history']; b=json.load(open('%t/resumed/report.json'))['history']; sys.exit(not (len(a) == len(b) == 4 and all(abs(x[k] - y[k]) <= 1e-6 for x, y in zip(a, b) for k in ('train_loss', 'val_loss'))))"
// The certificate of the checkpoint, recomputed from the file alone.
// RUN: lipt-run --certify %t/full/model.safetensors --certify-out %t/cert.json | FileCheck %s --check-prefix=CERT
// The reference backend (the optimizer program's ops in eager LibTorch, the
// benchmark's baseline) trains the same model to the same losses, within
// float tolerance ('eager' is its older name).
// RUN: lipt-run %S/Inputs/tiny-model.mlir --out %t/eager --cpu-threads 2 --optimizer-backend=reference 2>&1 | FileCheck %s --check-prefix=TRAIN
// RUN: %python -c "import json,sys; a=json.load(open('%t/full/report.json'))['history']; b=json.load(open('%t/eager/report.json'))['history']; sys.exit(not all(abs(x['val_loss'] - y['val_loss']) <= 2e-3 for x, y in zip(a, b)))"
// The AdamW + LayerNorm baseline (model from scripts/make-model.py): it
// trains; no bound is certified for layer_norm, and the report says why.
// RUN: %python %lipt_src_root/scripts/make-model.py --vocab 24 --d 16 --layers 2 --heads 2 --seq-len 16 --batch 8 --steps 20 --eval-interval 10 --eval-batches 2 --optimizer adamw --lr 0.01 --wd 0.01 --constraint none --layer-norm > %t/adamw.mlir
// RUN: lipt-run %t/adamw.mlir --data %S/Inputs/tiny-corpus.txt --out %t/adamw --cpu-threads 2 2>&1 | FileCheck %s --check-prefix=ADAMW
// Its optimizer program (lipt.adamw_step per group, with a hard cap here)
// and the reference backend train to the same losses.
// RUN: %python %lipt_src_root/scripts/make-model.py --vocab 24 --d 16 --layers 2 --heads 2 --seq-len 16 --batch 8 --steps 20 --eval-interval 10 --eval-batches 2 --optimizer adamw --lr 0.01 --wd 0.01 --constraint hard_cap --sigma-max 1.0 > %t/adamw-cap.mlir
// RUN: lipt-run %t/adamw-cap.mlir --data %S/Inputs/tiny-corpus.txt --out %t/adamw-cap --cpu-threads 2 2>&1 | FileCheck %s --check-prefix=ADAMWCAP
// RUN: lipt-run %t/adamw-cap.mlir --data %S/Inputs/tiny-corpus.txt --out %t/adamw-cap-ref --cpu-threads 2 --optimizer-backend=reference 2>&1 | FileCheck %s --check-prefix=ADAMWCAP
// RUN: %python -c "import json,sys; a=json.load(open('%t/adamw-cap/report.json'))['history']; b=json.load(open('%t/adamw-cap-ref/report.json'))['history']; sys.exit(not (len(a) == 2 and all(abs(x['val_loss'] - y['val_loss']) <= 2e-3 for x, y in zip(a, b))))"

// ADAMW: step 20/20 train_loss
// ADAMW: certificate: none (the model contains layer_norm
// ADAMWCAP: step 20/20 train_loss
// ADAMWCAP: certificate: (c) empirical

// TRAIN-NOT: error
// TRAIN: 2 threads, OpenBLAS {{[A-Za-z]+}} kernels
// TRAIN: step 10/40 train_loss
// TRAIN: step 40/40 train_loss
// TRAIN: certificate: (c) empirical {{.*}} <= (a) sound {{.*}} [reference variant {{.*}}] <= (b) caps
// TRAIN: report: {{.*}}report.json

// INDEPENDENT: PASS names and shapes
// INDEPENDENT-NEXT: PASS val loss
// INDEPENDENT-NEXT: PASS bound (a)
// INDEPENDENT-NEXT: PASS (c) <= (a) <= (b)

// STOP: step 20/40
// STOP-NOT: step 30/40
// STOP: stopped after step 20 of 40 as asked

// RESUME: (resuming at 20)
// RESUME-NOT: step 20/40
// RESUME: step 30/40
// RESUME: step 40/40
// RESUME: certificate:

// CERT: "applicable": true,
// CERT: "holds": true,
