"""The peer side of `npm run bench:bayesian`: the same problems, run by
Optuna's TPESampler (Debian's python3-optuna) or, when --optuna-source points
at a checkout of a newer Optuna, its GPSampler. Prints one JSON object per run.

Problems and protocol mirror bench/bayesian.ts and bench/problems.ts: 100
trials; "par3" keeps three trials asked and pending and tells them in the
order asked; regrets are read after 30 and 100 told trials."""
import argparse
import gzip
import json
import math
import random
import sys
import time

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


SYNTHETIC = {
    "Branin": ([(-5, 10), (0, 15)], 0.397887357729738, branin),
    "SixHumpCamel": ([(-3, 3), (-2, 2)], -1.031628453489877, camel),
    "Hartmann3": ([(0, 1)] * 3, -3.86277978733266, lambda x: hartmann(H3_A, H3_P, x)),
    "Hartmann6": ([(0, 1)] * 6, -3.32236801141551, lambda x: hartmann(H6_A, H6_P, x)),
    "Rosenbrock4": ([(-5, 10)] * 4, 0.0, rosenbrock),
    "Ackley5": ([(-32.768, 32.768)] * 5, 0.0, ackley),
}
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
        return min(v for _, v in told) - self.minimum


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


def run(optuna, problem, make_sampler, seed, mode, trials=100):
    study = optuna.create_study(direction=problem.direction, sampler=make_sampler(seed))
    rng = random.Random(seed)
    width = 3 if mode == "par3" else 1
    pending, told, regrets, ask_seconds = [], [], {}, []

    def tell_oldest():
        trial, params = pending.pop(0)
        value = problem.evaluate(params, rng)
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
    parser.add_argument("--sampler", choices=["TPE", "GP"], required=True)
    parser.add_argument("--mode", choices=["seq", "par3"], required=True)
    parser.add_argument("--seeds", required=True, help="comma-separated seeds")
    parser.add_argument("--data-dir", required=True)
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
    else:
        problem = Table(args.problem.removeprefix("hpobench-"), args.data_dir)
    if args.sampler == "TPE":
        make = lambda seed: optuna.samplers.TPESampler(seed=seed)  # noqa: E731
    else:
        make = lambda seed: optuna.samplers.GPSampler(seed=seed)  # noqa: E731
    for seed in (int(s) for s in args.seeds.split(",")):
        regrets, ask_seconds = run(optuna, problem, make, seed, args.mode)
        print(json.dumps({"seed": seed, "regrets": regrets, "askMs": [s * 1000 for s in ask_seconds],
                          "optuna": optuna.__version__}), flush=True)


if __name__ == "__main__":
    main()
