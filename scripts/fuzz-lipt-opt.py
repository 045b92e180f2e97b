#!/usr/bin/env python3
"""Mutation fuzzer for lipt-opt: mutates the lit tests' lipt IR (shapes,
numbers, element types, attribute values, deleted characters) and runs the
lowering, custom-call import and export passes on each variant (foreign
dialects allowed, as hosts parse them). An error is fine; a signal, an LLVM crash
banner or a timeout is reported and the input saved to /tmp/fuzz-*.mlir.

  python3 scripts/fuzz-lipt-opt.py [SEED] [ITERATIONS]

Known upstream crash it finds: `array<index>` in any attribute dictionary
(llvm/llvm-project#179045, fixed upstream after Debian's 22.1.8).
"""
import glob, os, random, re, subprocess, sys
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
LIPT_OPT = os.environ.get("LIPT_OPT", os.path.join(ROOT, "build", "bin", "lipt-opt"))
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
files = [f for f in glob.glob(os.path.join(ROOT, 'test', '**', '*.mlir'), recursive=True)
         if 'RUN: %lipt_case' not in open(f).read()]
srcs = []
for f in files:
    for chunk in open(f).read().split('// -----'):
        if 'lipt.' in chunk:
            srcs.append((f, chunk))
subs = [
    (r'\d+x', lambda m: random.choice(['0x', '1x', '?x', '3x', '1000000000x'])),
    (r'= -?\d+\.\d+', lambda m: random.choice(['= 0.0', '= -1.0', '= 1.0e308', '= 0x7FF0000000000000 : f64', '= 1', '= "x"'])),
    (r'= \d+\b', lambda m: random.choice(['= 0', '= -5', '= 9999999999999', '= 1.5'])),
    (r'f32|bf16|f64|f16', lambda m: random.choice(['f32', 'bf16', 'i32', 'f8E4M3FN', 'complex<f32>', 'index'])),  # noqa: E501
    (r'"(muon5|paper6|polar_express5)"', lambda m: random.choice(['"muon5"', '""', '"x"'])),
    (r'tensor<', lambda m: random.choice(['tensor<', 'memref<', 'vector<'])),
    # Custom calls and torch.operator (the import's input).
    (r'"lipt\.\w+"', lambda m: random.choice(['"lipt."', '"lipt.spectral_soft_cap"', '"lipt.muon_step"', '"lipt.embed"', '"torch.lipt.orthogonalize"', '"lipt.power_iteration"'])),  # noqa: E501
    (r': (f16|f32|f64|i32|i64|ui8|si64)\b', lambda m: random.choice([': i1', ': ui64', ': f8E4M3FN', ': index', ': f16', ': si8'])),  # noqa: E501
    (r'backend_config = \{', lambda m: random.choice(['backend_config = {x = [1, 2], ', 'backend_config = "b", x = {', 'backend_config = {schedule = "#lipt.schedule<", '])),  # noqa: E501
    (r'dense<\[[0-9, ]*\]>', lambda m: random.choice(['dense<[0, 1]>', 'dense<[]>', 'dense<[5, 0]>', 'dense<1>'])),  # noqa: E501
    (r'api_version = \d', lambda m: random.choice(['api_version = 0', 'api_version = 4', 'api_version = "x"'])),
    (r'<\{name = ', lambda m: random.choice(['<{name = 3, x = ', '{name = '])),
]
crashes = 0
N = int(sys.argv[2]) if len(sys.argv) > 2 else 300
for it in range(N):
    f, src = random.choice(srcs)
    lines = [l for l in src.split('\n') if not l.strip().startswith('//')]
    text = '\n'.join(lines)
    for _ in range(random.randint(1, 3)):
        pat, rep = random.choice(subs)
        ms = list(re.finditer(pat, text))
        if not ms:
            continue
        m = random.choice(ms)
        text = text[:m.start()] + rep(m) + text[m.end():]
    if random.random() < 0.2 and len(text) > 10:
        i = random.randrange(len(text))
        text = text[:i] + text[i + 1:]
    for passes in (['--lipt-lower-to-linalg'], ['--lipt-cpu-pipeline'], ['--lipt-fuse-polynomials', '--lipt-batch-same-shape'],
                   ['--lipt-import-custom-calls', '--lipt-lower-to-linalg'], ['--lipt-export-custom-calls', '--lipt-import-custom-calls']):
        try:
            p = subprocess.run([LIPT_OPT, '-', '--allow-unregistered-dialect'] + passes, input=text.encode(), capture_output=True, timeout=20)
        except subprocess.TimeoutExpired:
            print('TIMEOUT', f, passes); open(f'/tmp/fuzz-timeout-{it}.mlir', 'w').write(text); crashes += 1; continue
        if p.returncode < 0 or p.returncode > 1 or b'PLEASE submit a bug report' in p.stderr:
            crashes += 1
            path = f'/tmp/fuzz-crash-{it}.mlir'
            open(path, 'w').write(text)
            print('CRASH', p.returncode, f, passes, path, p.stderr.decode()[-300:].replace('\n', ' | '))
print('done', N, 'crashes', crashes)
