"""Optuna's CmaEsSampler with its first mean at a random point instead of the centre of the ranges (its default
x0), on the synthetic functions named: tests whether CMA-ES's lead at 30 trials on Rastrigin and Ackley comes from
starting at their optimum (bench/results/bayesian-2026-12-01-shifted.md). x0 is uniform in the bounds, drawn per
seed from random.Random(1000 + seed); sigma0 is left at its default. The default start runs too, as a check that it
reproduces bench:bayesian's cached CMA-ES runs. Prints median log10 regret after 30 and 100 trials, 20 seeds.

    /usr/bin/python3 bench/cma_random_start.py Rastrigin5,Rastrigin10,Ackley10,Ackley5
"""
import math
import os
import random
import statistics
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optuna  # noqa: E402
from optuna_bayesian_peer import Synthetic, run  # noqa: E402

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)
SEEDS = 20

for name in sys.argv[1].split(","):
    problem = Synthetic(name)
    for start in ("centre", "random"):
        regrets = []
        for seed in range(SEEDS):
            if start == "random":
                draw = random.Random(1000 + seed)
                x0 = {f"x{i}": draw.uniform(lo, hi) for i, (lo, hi) in enumerate(problem.bounds)}
                make = lambda s, x0=x0: optuna.samplers.CmaEsSampler(seed=s, x0=x0)  # noqa: E731
            else:
                make = lambda s: optuna.samplers.CmaEsSampler(seed=s)  # noqa: E731
            regrets.append(run(optuna, problem, make, seed, "seq")[0])
        medians = [statistics.median(math.log10(max(r[k], 1e-12)) for r in regrets) for k in (0, 1)]
        print(f"{name} {start} start: @30 {medians[0]:.2f} @100 {medians[1]:.2f}", flush=True)
