"""Writes the tree-model tables of bench:bayesian's plateau problems (bench/plateau/*.json): the 5-fold
cross-validated accuracy of a scikit-learn tree model at every cell of a grid over its hyperparameters, on a
dataset that ships with scikit-learn. Fractional min_samples_split / min_samples_leaf and max_features are
continuous ranges whose cells are equal slices of the range (the value used is the cell's centre); depth is an
integer range; criterion is categorical. Much of each table is flat: large minimum leaf or split sizes leave
the same few splits, hence the same score, over a wide region.

    /usr/bin/python3 bench/plateau/make_tables.py   # scikit-learn 1.2 (Debian python3-sklearn), about 2 CPU-minutes
    npx biome format --write bench/plateau           # the committed layout
"""
import itertools
import json
import os
import sys

import sklearn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

# name: (dataset loader, model, grid). Continuous ranges: (low, high, cells); integers: (low, high); categorical: values.
TABLES = {
    "tree-breast-cancer": (
        load_breast_cancer,
        lambda **p: DecisionTreeClassifier(random_state=0, **p),
        {
            "max_depth": ("integer", 1, 10),
            "min_samples_split": ("continuous", 0.0, 1.0, 10),
            "min_samples_leaf": ("continuous", 0.0, 0.5, 10),
            "max_features": ("continuous", 0.0, 1.0, 5),
            "criterion": ("categorical", ["gini", "entropy"]),
        },
    ),
}


def axis_values(spec):
    kind = spec[0]
    if kind == "integer":
        return list(range(spec[1], spec[2] + 1))
    if kind == "continuous":
        low, high, cells = spec[1:]
        return [low + (high - low) * (i + 0.5) / cells for i in range(cells)]
    return list(spec[1])


def main():
    out_dir = os.path.dirname(os.path.abspath(__file__))
    only = sys.argv[1:] or list(TABLES)
    for name in only:
        load, model, grid = TABLES[name]
        x, y = load(return_X_y=True)
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        axes = [axis_values(spec) for spec in grid.values()]
        values = []
        for combo in itertools.product(*axes):
            params = dict(zip(grid.keys(), combo))
            values.append(round(float(cross_val_score(model(**params), x, y, cv=folds).mean()), 6))
        spec = {k: list(v) for k, v in grid.items()}
        with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
            json.dump({"name": name, "sklearn": sklearn.__version__, "ranges": spec,
                       "order": "row-major over ranges, the last varying fastest", "values": values}, f)
            f.write("\n")
        print(name, len(values), "cells, best", max(values), "distinct", len(set(values)), flush=True)


if __name__ == "__main__":
    main()
