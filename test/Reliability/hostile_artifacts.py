#!/usr/bin/env python3
"""Hostile artifacts: shared libraries whose manifest lies or is malformed,
and files that only look like artifacts, each run with lipt-run.

  hostile_artifacts.py LIPT_RUN GOOD_ARTIFACT WORKDIR

Builds one library per case with `cc -shared` (a manifest string and an
entry point, in C), runs `lipt-run CASE.so --function=f` and prints
`CASE rc=N: <first line of stderr>`. Every case must be a clean error (exit
1..127, a message); loading an artifact runs its code, as with any shared
library, so what is tested is that a wrong manifest cannot make lipt-run
read or allocate past what it checked.
"""
import json
import os
import subprocess
import sys


def manifest(**change):
    m = {"format": "lipt-artifact", "abi": 1, "target": "cpu",
         "cpu": "x86-64-v3",
         "functions": [{"name": "f", "entry": "lipt_call_f",
                        "inputs": ["2x3xf32"], "outputs": ["2x3xf32"]}]}
    m.update(change)
    return json.dumps(m)


def function(**change):
    f = {"name": "f", "entry": "lipt_call_f", "inputs": ["2x3xf32"],
         "outputs": ["2x3xf32"]}
    f.update(change)
    return [f]


def c_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


CASES = {
    "huge-output": manifest(functions=function(
        outputs=["1000000000x1000000000xf32"])),
    "overflowing-shape": manifest(functions=function(
        inputs=["4611686018427387904x4xf32"])),
    "negative-dim": manifest(functions=function(inputs=["-1x3xf32"])),
    "bad-dtype": manifest(functions=function(inputs=["2x3xi16"])),
    "other-abi": manifest(abi=2),
    "other-target": manifest(target="tpu"),
    "cuda-without-gpu-field": manifest(target="cuda"),
    "cuda-bad-tf32": manifest(target="cuda", gpu="sm_90", tf32="yes"),
    "missing-entry": manifest(functions=function(entry="lipt_call_g")),
    "no-functions": manifest(functions=7),
    "malformed-json": manifest()[:-5],
    "deep-json": '{"a":' * 10000 + "1" + "}" * 10000,
    "not-json": "\x01\x02 garbage",
}


def run(lipt_run, path):
    p = subprocess.run([lipt_run, path, "--function=f",
                        "--input=2x3xf32=1"], capture_output=True, text=True)
    line = (p.stderr.strip().splitlines() or [""])[0]
    return p.returncode, line


def main():
    lipt_run, good, workdir = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    for name, text in CASES.items():
        src = os.path.join(workdir, name + ".c")
        lib = os.path.join(workdir, name + ".so")
        with open(src, "w") as f:
            f.write("const char lipt_artifact_manifest[] = %s;\n"
                    "void lipt_call_f(void **args) { (void)args; }\n"
                    % c_string(text))
        subprocess.run(["cc", "-shared", "-fPIC", "-o", lib, src], check=True)
        rc, line = run(lipt_run, lib)
        print(f"{name} rc={rc}: {line}")
    # Files that start like an ELF library but are not one, or not lipt's.
    data = open(good, "rb").read()
    for name, content in {"truncated": data[:200],
                          "elf-header-only": data[:64]}.items():
        path = os.path.join(workdir, name + ".so")
        open(path, "wb").write(content)
        rc, line = run(lipt_run, path)
        print(f"{name} rc={rc}: {line}")


if __name__ == "__main__":
    main()
