"""A scikit-learn tree model as a SageMaker script-mode training job: 5-fold cross-validated accuracy of a
decision tree (or, with --model forest, a random forest of 10 trees) on a dataset that ships with
scikit-learn, nothing downloaded. Fractional min_samples_split / min_samples_leaf and max_features make much
of the space score exactly the same (the same few splits), which is what this example tunes over."""
import argparse
import json
import os

from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

parser = argparse.ArgumentParser()
parser.add_argument("--model", choices=["tree", "forest"], default="tree")
parser.add_argument("--dataset", choices=["breast_cancer", "wine"], default="breast_cancer")
parser.add_argument("--max_depth", type=int, default=None)
parser.add_argument("--min_samples_split", type=float, default=2)
parser.add_argument("--min_samples_leaf", type=float, default=1)
parser.add_argument("--max_features", type=float, default=1.0)
parser.add_argument("--criterion", default="gini")
args = parser.parse_args()

x, y = (load_breast_cancer if args.dataset == "breast_cancer" else load_wine)(return_X_y=True)
params = dict(max_depth=args.max_depth, min_samples_split=args.min_samples_split,
              min_samples_leaf=args.min_samples_leaf, max_features=args.max_features, criterion=args.criterion,
              random_state=0)
model = DecisionTreeClassifier(**params) if args.model == "tree" else RandomForestClassifier(n_estimators=10, **params)
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
accuracy = cross_val_score(model, x, y, cv=folds).mean()
print(f"cv_accuracy={accuracy:.6f}", flush=True)
with open(os.path.join(os.environ.get("SM_MODEL_DIR", "/opt/ml/model"), "params.json"), "w") as f:
    json.dump(params, f)
