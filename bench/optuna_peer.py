"""The peer side of `npm run bench:strategies`: the same test functions,
minimised with Optuna's RandomSampler and QMCSampler (scrambled Sobol), run
with Debian's python3-optuna. Prints one JSON object on stdout."""
import argparse
import json
import math
import os
import tempfile
import time

import optuna

HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
H3_A = [[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]]
H3_P = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
H6_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
H6_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann(a, p, x):
    return -sum(HARTMANN_ALPHA[i] * math.exp(-sum(a[i][j] * (x[j] - p[i][j] * 1e-4) ** 2 for j in range(len(x))))
                for i in range(4))


def branin(x):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2 + 10 * (1 - t) * math.cos(x[0]) + 10


def camel(x):
    return (4 - 2.1 * x[0] ** 2 + x[0] ** 4 / 3) * x[0] ** 2 + x[0] * x[1] + (-4 + 4 * x[1] ** 2) * x[1] ** 2


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    n = len(x)
    return (-20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / n))
            - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / n) + 20 + math.e)


FUNCTIONS = {
    "Branin": ([(-5, 10), (0, 15)], 0.397887357729738, branin),
    "SixHumpCamel": ([(-3, 3), (-2, 2)], -1.031628453489877, camel),
    "Hartmann3": ([(0, 1)] * 3, -3.86277978733266, lambda x: hartmann(H3_A, H3_P, x)),
    "Hartmann6": ([(0, 1)] * 6, -3.32236801141551, lambda x: hartmann(H6_A, H6_P, x)),
    "Rosenbrock4": ([(-5, 10)] * 4, 0.0, rosenbrock),
    "Ackley5": ([(-32.768, 32.768)] * 5, 0.0, ackley),
}

SAMPLERS = {
    "optuna-Random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
    "optuna-QMC": lambda seed: optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed),
}


def run(bounds, fn, sampler, trials, checkpoints, storage=None):
    study = optuna.create_study(direction="minimize", sampler=sampler, storage=storage)

    def objective(trial):
        return fn([trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)])

    started = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    elapsed = time.perf_counter() - started
    values = [t.value for t in study.trials]
    best = [min(values[:k]) for k in checkpoints]
    return best, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=100)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    checkpoints = [k for k in (10, 30, 100) if k <= args.trials]
    out = {"optuna": optuna.__version__, "results": {}}
    for name, (bounds, minimum, fn) in FUNCTIONS.items():
        for sampler_name, make in SAMPLERS.items():
            bests, seconds = [], 0.0
            for seed in range(args.seeds):
                best, elapsed = run(bounds, fn, make(seed), args.trials, checkpoints)
                bests.append([b - minimum for b in best])
                seconds += elapsed
            out["results"].setdefault(name, {})[sampler_name] = {
                "regrets": bests,
                "trialsPerSecond": args.seeds * args.trials / seconds,
            }
        # Overhead on a SQLite file, like tunekit's storage option; fewer seeds, since only speed is read.
        seconds, runs = 0.0, max(1, args.seeds // 5)
        with tempfile.TemporaryDirectory() as tmp:
            for seed in range(runs):
                url = f"sqlite:///{os.path.join(tmp, f'{seed}.db')}"
                _, elapsed = run(bounds, fn, SAMPLERS["optuna-Random"](seed), args.trials, checkpoints, url)
                seconds += elapsed
        out["results"][name]["optuna-Random@sqlite"] = {"regrets": [], "trialsPerSecond": runs * args.trials / seconds}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
