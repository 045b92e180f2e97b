"""The GPU numerics cases: every constraint op and the optimizer steps, each
as lipt_case.py arguments (test/Execution/lipt_case.py writes the function,
its inputs and the float64 SVD reference). One list for the lit test that
compiles them for CUDA here (test/Cuda/cases.test) and for the GPU check
(scripts/device-check.sh) that runs them on a device.

Each case: (name, lipt_case.py arguments). Tolerances are the CPU tests'
(test/Execution/*.mlir) for the same configurations.
"""

CASES = [
    ("soft_cap", "soft_cap --shape 4x24x12 --attrs 'alpha = 0.1' --tol 1e-5 "
     "--seed 5"),
    ("soft_cap_coupled", "soft_cap --shape 2x24x8 --attrs 'sigma_max = 2.0, "
     "lr = 0.3, wd = 0.01, norm = rms' --range 0.5,6.0 --tol 1e-5 --seed 10"),
    ("soft_cap_f64", "soft_cap --shape 3x20x12 --dtype f64 --attrs "
     "'alpha = 0.1' --tol 1e-12 --seed 7"),
    ("hard_cap", "hard_cap --shape 2x12x20 --attrs 'sigma_max = 1.0' "
     "--range 0.1,5 --tol 1e-4 --seed 2"),
    ("hard_cap_msign_f64", "hard_cap --shape 2x12x20 --dtype f64 --attrs "
     "'sigma_max = 1.0, method = msign' --range 0.1,5 --tol 1e-8 --seed 2"),
    ("hard_cap_f16", "hard_cap --shape 16x48 --dtype f16 --attrs "
     "'sigma_max = 1.0, method = msign' --range 0.1,5 --tol 2e-2 --seed 5"),
    ("normalize", "normalize --shape 12x6 --attrs 'sigma_max = 1.0, "
     "iters = 12' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-4 --seed 4"),
    ("orthogonalize", "orthogonalize --shape 24x10 --attrs "
     "'schedule = polar_express5' --tol 1e-2 --seed 3"),
    ("power_iteration", "power_iteration --shape 2x10x16 --attrs "
     "'iters = 12' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-5 --seed 1"),
    ("rms_project", "rms_project --shape 65x256 --attrs 'axis = 0, "
     "max_rms = 0.5' --range 0.1,20 --tol 1e-6"),
    ("muon_soft_cap", "muon_step --lr-operand f64 --shape 2x10x16 --attrs "
     "'lr = 0.02, wd = 0.1, target_norm = 4.0, nesterov = true, "
     "constraint = soft_cap, sigma_max = 1.0, norm = rms, "
     "schedule = polar_express5' --range 0.1,1.0 --tol 1e-4 --seed 1"),
    ("muon_hard_cap", "muon_step --lr-operand f32 --shape 2x10x16 --attrs "
     "'lr = 0.05, wd = 0.1, nesterov = true, constraint = hard_cap, "
     "sigma_max = 1.0' --range 0.1,1.0 --tol 1e-5 --seed 2"),
    ("muon_normalize", "muon_step --shape 12x6 --attrs 'lr = 0.05, "
     "beta = 0.95, constraint = normalize, sigma_max = 1.0, iters = 12' "
     "--sigmas 3,1.5,1,0.5,0.2 --tol 1e-4 --seed 4"),
    ("muon_f64", "muon_step --lr-operand f64 --shape 8x8 --dtype f64 "
     "--attrs 'lr = 0.05, constraint = none, schedule = paper6' "
     "--tol 1e-10 --seed 5"),
    ("adamw_hard_cap", "adamw_step --shape 2x10x16 --attrs 'lr = 0.02, "
     "step = 7.0, beta = 0.8, beta2 = 0.95, constraint = hard_cap, "
     "sigma_max = 1.0, hard_cap_method = polynomial' --range 0.1,1.0 "
     "--tol 1e-4 --seed 1"),
    ("row_normalized", "row_normalized_step --shape 2x20x16 --attrs "
     "'lr = 0.05, wd = 0.1, target_norm = 2.0, beta = 0.95, "
     "max_inflation = 4.0, max_rms = 0.5' --range 0.1,3.0 --tol 1e-5 "
     "--seed 1"),
]
