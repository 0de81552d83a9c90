"""The peer side of `npm run bench:bayesian`: the same problems, run by
Optuna's TPESampler (Debian's python3-optuna) or, when --optuna-source points
at a checkout of a newer Optuna, its GPSampler. Prints one JSON object per run.

Problems and protocol mirror bench/bayesian.ts and bench/problems.ts: 100
trials; "par3" keeps three trials asked and pending and tells them in the
order asked; regrets are read after 30 and 100 told trials."""
import argparse
import gzip
import json
import random
import sys
import time

from test_functions import FUNCTIONS as SYNTHETIC
TABLE_CHOICES = [("alpha", 10), ("batch_size", 10), ("depth", 3), ("learning_rate_init", 10), ("width", 10)]


class Synthetic:
    direction = "minimize"

    def __init__(self, name):
        self.bounds, self.minimum, self.fn = SYNTHETIC[name]

    def params(self, trial):
        return [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(self.bounds)]

    def evaluate(self, params, rng):
        return self.fn(params)

    def regret(self, told):
        # With noise, the true value of the configuration with the best observed value (the first of equals).
        params, _ = min(told, key=lambda kv: kv[1])
        return self.fn(params) - self.minimum


class Table:
    direction = "maximize"

    def __init__(self, dataset, data_dir):
        with gzip.open(f"{data_dir}/hpo-tabular/hpobench_{dataset}.json.gz", "rt") as f:
            self.table = json.load(f)
        self.means = {k: sum(v) / len(v) for k, v in self.table.items()}
        self.best = max(self.means.values())

    def params(self, trial):
        return "".join(str(trial.suggest_int(name, 0, k - 1)) for name, k in TABLE_CHOICES)

    def evaluate(self, key, rng):
        return rng.choice(self.table[key])

    def regret(self, told):
        key, _ = max(told, key=lambda kv: kv[1])  # the first of equal values, as max() keeps it
        return self.best - self.means[key]


class PlateauTable:
    """A tree model's tabulated accuracy (bench/plateau/NAME.json, bench/plateau-tables.ts): continuous ranges
    score as the equal cell they fall in, integers and categories index their own axes."""
    direction = "maximize"

    def __init__(self, name):
        import os
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "plateau", f"{name}.json")) as f:
            data = json.load(f)
        self.ranges = list(data["ranges"].items())
        self.values = data["values"]
        self.best = max(self.values)

    def params(self, trial):
        index = 0
        for name, spec in self.ranges:
            if spec[0] == "integer":
                i, size = trial.suggest_int(name, spec[1], spec[2]) - spec[1], spec[2] - spec[1] + 1
            elif spec[0] == "categorical":
                i, size = spec[1].index(trial.suggest_categorical(name, spec[1])), len(spec[1])
            else:
                low, high, size = spec[1], spec[2], spec[3]
                i = min(size - 1, max(0, int((trial.suggest_float(name, low, high) - low) / (high - low) * size)))
            index = index * size + i
        return index

    def evaluate(self, index, rng):
        return self.values[index]

    def regret(self, told):
        return self.best - max(value for _, value in told)


def run(optuna, problem, make_sampler, seed, mode, trials=100, noise=None):
    study = optuna.create_study(direction=problem.direction, sampler=make_sampler(seed))
    rng = random.Random(seed)
    width = 3 if mode == "par3" else 1
    pending, told, regrets, ask_seconds = [], [], {}, []

    def tell_oldest():
        trial, params = pending.pop(0)
        value = problem.evaluate(params, rng)
        if noise is not None:
            value += noise[len(told)]
        study.tell(trial, value)
        told.append((params, value))
        if len(told) in (30, 100):
            regrets[len(told)] = problem.regret(told)

    for _ in range(trials):
        started = time.perf_counter()
        trial = study.ask()
        params = problem.params(trial)
        ask_seconds.append(time.perf_counter() - started)
        pending.append((trial, params))
        if len(pending) >= width:
            tell_oldest()
    while pending:
        tell_oldest()
    return [regrets[30], regrets[100]], ask_seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--problem", required=True)
    parser.add_argument("--sampler", choices=["TPE", "CMAES", "GP"], required=True)
    parser.add_argument("--mode", choices=["seq", "par3"], required=True)
    parser.add_argument("--seeds", required=True, help="comma-separated seeds")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--noise-file", help="JSON: seed -> the noise added to each observation, in order")
    parser.add_argument("--optuna-source", help="a checkout of Optuna with GPSampler, put first on sys.path")
    args = parser.parse_args()
    if args.optuna_source:
        sys.path.insert(0, args.optuna_source)
    import optuna
    import warnings
    warnings.filterwarnings("ignore")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    if args.problem in SYNTHETIC:
        problem = Synthetic(args.problem)
    elif args.problem.startswith("plateau-"):
        problem = PlateauTable(args.problem.removeprefix("plateau-"))
    else:
        problem = Table(args.problem.removeprefix("hpobench-"), args.data_dir)
    if args.sampler == "TPE":
        make = lambda seed: optuna.samplers.TPESampler(seed=seed)  # noqa: E731
    elif args.sampler == "CMAES":
        make = lambda seed: optuna.samplers.CmaEsSampler(seed=seed)  # noqa: E731
    else:
        make = lambda seed: optuna.samplers.GPSampler(seed=seed)  # noqa: E731
    noise = None
    if args.noise_file:
        with open(args.noise_file) as f:
            noise = {int(k): v for k, v in json.load(f).items()}
    for seed in (int(s) for s in args.seeds.split(",")):
        regrets, ask_seconds = run(optuna, problem, make, seed, args.mode, noise=noise[seed] if noise else None)
        print(json.dumps({"seed": seed, "regrets": regrets, "askMs": [s * 1000 for s in ask_seconds],
                          "optuna": optuna.__version__}), flush=True)


if __name__ == "__main__":
    main()
