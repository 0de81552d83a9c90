"""A small stand-in for transformers' run_glue.py with the same command line,
so the seed's tuning job (the learning rate of a model fine-tuned on GLUE
MRPC, 30 jobs, 3 in parallel, early stopping Auto) runs end to end on a CPU
in minutes. The full BERT-base fine-tuning script is the seed workload's own.

It really trains, with PyTorch: a bag-of-words classifier over hashed tokens
of both sentences and the tokens they share, optimised by AdamW at the given
learning rate times LR_SCALE (a small model trained from scratch needs larger
steps than BERT's fine-tuning does; the seed's range 5e-6..5e-4 becomes
5e-4..5e-2), mini-batches of --per_gpu_train_batch_size. After each epoch it
prints the dev F1 as run_glue's evaluation does (`'f1_': 0.8...`), which the
tuning job's metric regex reads; the model goes to --output_dir."""
import argparse
import os
import zlib

import torch

parser = argparse.ArgumentParser()
for name in ("model_type", "model_name_or_path", "task_name", "data_dir", "output_dir"):
    parser.add_argument(f"--{name}")
for name in ("num_train_epochs", "per_gpu_train_batch_size", "per_gpu_eval_batch_size", "save_steps", "logging_steps"):
    parser.add_argument(f"--{name}", type=int)
parser.add_argument("--learning_rate", type=float, default=5e-5)
parser.add_argument("--seed", type=int, default=42)
args = parser.parse_args()
torch.manual_seed(args.seed)
torch.set_num_threads(int(os.environ.get("SM_NUM_CPUS", "1")))
BUCKETS = 1 << 15
LR_SCALE = 100.0


def token_ids(a, b):
    shared = set(a) & set(b)
    words = [f"a:{w}" for w in a] + [f"b:{w}" for w in b] + [f"both:{w}" for w in shared]
    words.append(f"overlap:{round(10 * len(shared) / max(1, len(set(a) | set(b))))}")
    return [zlib.crc32(w.encode()) % BUCKETS for w in words]


def read(path):
    labels, ids = [], []
    with open(path, encoding="utf-8-sig") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 5:
                labels.append(int(cols[0]))
                ids.append(token_ids(cols[3].lower().split(), cols[4].lower().split()))
    return torch.tensor(labels), ids


def batches(ids, order, size):
    for start in range(0, len(order), size):
        chosen = [ids[i] for i in order[start:start + size]]
        offsets = torch.tensor([0] + [len(x) for x in chosen[:-1]]).cumsum(0)
        yield order[start:start + size], torch.tensor([t for x in chosen for t in x]), offsets


train_y, train_ids = read(os.path.join(args.data_dir, "train.tsv"))
dev_y, dev_ids = read(os.path.join(args.data_dir, "dev.tsv"))
bag = torch.nn.EmbeddingBag(BUCKETS, 64, mode="mean")
head = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(64, 2))
optimizer = torch.optim.AdamW(list(bag.parameters()) + list(head.parameters()), lr=args.learning_rate * LR_SCALE)
batch = args.per_gpu_train_batch_size or 32

for epoch in range(1, (args.num_train_epochs or 3) + 1):
    for index, tokens, offsets in batches(train_ids, torch.randperm(len(train_ids)).tolist(), batch):
        loss = torch.nn.functional.cross_entropy(head(bag(tokens, offsets)), train_y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        _, tokens, offsets = next(batches(dev_ids, list(range(len(dev_ids))), len(dev_ids)))
        predicted = head(bag(tokens, offsets)).argmax(1)
    tp = int(((predicted == 1) & (dev_y == 1)).sum())
    fp = int(((predicted == 1) & (dev_y == 0)).sum())
    fn = int(((predicted == 0) & (dev_y == 1)).sum())
    f1 = 2 * tp / max(1, 2 * tp + fp + fn)
    acc = float((predicted == dev_y).float().mean())
    print(f"epoch {epoch} loss {loss.item():.4f} {{'acc_': {acc:.4f}, 'f1_': {f1:.4f}}}", flush=True)

os.makedirs(args.output_dir, exist_ok=True)
torch.save({"bag": bag.state_dict(), "head": head.state_dict()}, os.path.join(args.output_dir, "model.pt"))
