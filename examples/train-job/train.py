"""A small SageMaker-style training script: logistic regression on word-overlap
features of GLUE MRPC sentence pairs, standard library only. It reads its
hyperparameters as --key value arguments and its data from the `training`
channel, prints dev F1 and accuracy after every epoch as the seed's metric
regex expects ('f1_': 0.81...), and saves the model to SM_MODEL_DIR."""
import argparse
import json
import math
import os
import random


def read_pairs(path):
    with open(path, encoding="utf-8-sig") as f:
        next(f)  # header
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 5:
                yield int(cols[0]), cols[3].lower().split(), cols[4].lower().split()


def features(a, b):
    sa, sb = set(a), set(b)
    overlap = len(sa & sb) / max(1, len(sa | sb))
    return [1.0, overlap, overlap * overlap, abs(len(a) - len(b)) / max(len(a), len(b), 1),
            len(sa & sb) / max(1, min(len(sa), len(sb)))]


def f1_and_accuracy(weights, data):
    tp = fp = fn = correct = 0
    for label, x in data:
        predicted = 1 if sum(w * v for w, v in zip(weights, x)) > 0 else 0
        correct += predicted == label
        tp += predicted == 1 and label == 1
        fp += predicted == 1 and label == 0
        fn += predicted == 0 and label == 1
    f1 = 2 * tp / max(1, 2 * tp + fp + fn)
    return f1, correct / len(data)


parser = argparse.ArgumentParser()
parser.add_argument("--learning_rate", type=float, default=0.1)
parser.add_argument("--num_train_epochs", type=int, default=5)
parser.add_argument("--l2", type=float, default=0.0)
parser.add_argument("--seed", type=int, default=42)
args = parser.parse_args()

data_dir = os.environ.get("SM_CHANNEL_TRAINING", "/opt/ml/input/data/training")
train = [(y, features(a, b)) for y, a, b in read_pairs(os.path.join(data_dir, "train.tsv"))]
dev = [(y, features(a, b)) for y, a, b in read_pairs(os.path.join(data_dir, "dev.tsv"))]
random.seed(args.seed)
weights = [0.0] * len(train[0][1])
for epoch in range(1, args.num_train_epochs + 1):
    random.shuffle(train)
    loss = 0.0
    for label, x in train:
        z = sum(w * v for w, v in zip(weights, x))
        p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
        loss -= math.log(p if label else 1 - p + 1e-12) if p > 0 else 0
        for i, v in enumerate(x):
            weights[i] -= args.learning_rate * ((p - label) * v + args.l2 * weights[i])
    f1, accuracy = f1_and_accuracy(weights, dev)
    print(f"epoch {epoch} train_loss {loss / len(train):.4f} {{'f1_': {f1:.4f}, 'acc_': {accuracy:.4f}}}", flush=True)

with open(os.path.join(os.environ.get("SM_MODEL_DIR", "/opt/ml/model"), "model.json"), "w") as f:
    json.dump({"weights": weights}, f)
