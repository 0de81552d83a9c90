"""The classic test functions for the Python peers of the benchmarks, the same
as bench/functions.ts: FUNCTIONS maps a name to (bounds, known minimum, f)."""
import math

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


def rastrigin(x):
    return sum(v * v - 10 * math.cos(2 * math.pi * v) + 10 for v in x)


SCHWEFEL_PEAK = 418.98288727243295  # max of x sin(sqrt|x|) on [-500, 500], at x = 420.968748785...


def schwefel(x):
    return 418.9829 * len(x) - sum(v * math.sin(math.sqrt(abs(v))) for v in x)


def ackley(x):
    n = len(x)
    return (-20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / n))
            - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / n) + 20 + math.e)


def shifted(fn, shift):
    """fn evaluated at x - shift (BBOB/CEC style): same bounds and minimum, reached at x = shift."""
    return lambda x: fn([v - s for v, s in zip(x, shift, strict=True)])


# The shifts of bench/functions.ts (SHIFTS), the same numbers: each coordinate lo + u (hi - lo) rounded to 3 decimals,
# u from random.Random(20261201).uniform(0.1, 0.9) in this order, drawn again while |u - 0.5| < 0.1.
SHIFTS = {
    "Ackley5Shifted": [-18.779, 24.495, -18.408, -16.087, 25.872],
    "Ackley10Shifted": [-22.671, 22.482, -14.178, -9.318, 20.27, 17.179, 17.907, -21.144, 14.788, 18.893],
    "Rastrigin5Shifted": [3.75, -1.397, 2.805, -2.032, 3.451],
    "Rastrigin10Shifted": [-3.87, 1.891, -1.544, 2.981, 3.185, -3.813, -2.639, -2.819, 3.776, 1.083],
}

FUNCTIONS = {
    "Branin": ([(-5, 10), (0, 15)], 0.397887357729738, branin),
    "SixHumpCamel": ([(-3, 3), (-2, 2)], -1.031628453489877, camel),
    "Hartmann3": ([(0, 1)] * 3, -3.86277978733266, lambda x: hartmann(H3_A, H3_P, x)),
    "Hartmann6": ([(0, 1)] * 6, -3.32236801141551, lambda x: hartmann(H6_A, H6_P, x)),
    "Rosenbrock4": ([(-5, 10)] * 4, 0.0, rosenbrock),
    "Ackley5": ([(-32.768, 32.768)] * 5, 0.0, ackley),
    "Ackley10": ([(-32.768, 32.768)] * 10, 0.0, ackley),
    "Rastrigin5": ([(-5.12, 5.12)] * 5, 0.0, rastrigin),
    "Rastrigin10": ([(-5.12, 5.12)] * 10, 0.0, rastrigin),
    "Schwefel5": ([(-500, 500)] * 5, 5 * (418.9829 - SCHWEFEL_PEAK), schwefel),
    "Schwefel10": ([(-500, 500)] * 10, 10 * (418.9829 - SCHWEFEL_PEAK), schwefel),
}
for _name in ("Ackley5", "Ackley10", "Rastrigin5", "Rastrigin10"):
    _bounds, _minimum, _fn = FUNCTIONS[_name]
    FUNCTIONS[f"{_name}Shifted"] = (_bounds, _minimum, shifted(_fn, SHIFTS[f"{_name}Shifted"]))

