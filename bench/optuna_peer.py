"""The peer side of `npm run bench:strategies`: the same test functions,
minimised with Optuna's RandomSampler and QMCSampler (scrambled Sobol), run
with Debian's python3-optuna. Prints one JSON object on stdout."""
import argparse
import json
import os
import tempfile
import time

import optuna

from test_functions import FUNCTIONS

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
