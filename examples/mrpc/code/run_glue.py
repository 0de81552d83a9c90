"""Fine-tunes a sequence classifier on GLUE MRPC with the command line of
transformers' examples/run_glue.py (the script the seed tuning job ran), so
the seed's hyperparameters reach it unchanged.

With --model_name_or_path naming a Hugging Face model (a hub name such as
bert-base-uncased, or a local directory) and the `transformers` package
installed, it fine-tunes that model with AdamW and run_glue's linear schedule.
Without `transformers` it says so and trains a small model of its own in
PyTorch from scratch (PairClassifier below), so the whole workflow runs on a
machine that can neither install transformers nor download BERT.

Unlike the original, it evaluates on dev.tsv after every epoch and prints each
evaluation as `{'acc_': 0.84..., 'f1_': 0.88...}`, once per epoch: the seed's
metric regex reads those values, and early stopping needs them while the job
runs (the original prints them once, at the end, which makes early stopping a
no-op). The model and a results file go to --output_dir.

Booleans arrive as values, the way SageMaker passes hyperparameters
(`--do_train True`); a bare `--do_train` works too.
"""
import argparse
import csv
import json
import math
import os
import random
import re
import sys
import zlib

import torch


def str2bool(value):
    if isinstance(value, bool):
        return value
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected a boolean (True/False), got {value!r}")


def arguments(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model_type", default="bert")
    p.add_argument("--model_name_or_path", default="")
    p.add_argument("--task_name", default="MRPC")
    glue_dir = os.environ.get("GLUE_DIR")
    p.add_argument("--data_dir", default=os.path.join(glue_dir, "MRPC") if glue_dir else None,
                   help="the directory with train.tsv and dev.tsv (default $GLUE_DIR/MRPC)")
    p.add_argument("--output_dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    p.add_argument("--learning_rate", type=float, default=5e-5)
    p.add_argument("--num_train_epochs", type=float, default=3.0)
    p.add_argument("--per_gpu_train_batch_size", type=int, default=8)
    p.add_argument("--per_gpu_eval_batch_size", type=int, default=8)
    p.add_argument("--weight_decay", type=float, default=0.0)
    p.add_argument("--adam_epsilon", type=float, default=1e-8)
    p.add_argument("--warmup_steps", type=int, default=0)
    p.add_argument("--max_seq_length", type=int, default=128)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--save_steps", type=int, default=500)
    p.add_argument("--logging_steps", type=int, default=500)
    p.add_argument("--max_train_examples", type=int, default=0, help="train on the first N pairs only (0: all)")
    for flag in ("do_train", "do_eval", "do_lower_case", "overwrite_output_dir", "evaluate_during_training"):
        p.add_argument(f"--{flag}", type=str2bool, nargs="?", const=True, default=True)
    args = p.parse_args(argv)
    if not args.data_dir:
        p.error("--data_dir is required when $GLUE_DIR is not set")
    if args.task_name.lower() != "mrpc":
        p.error(f"this script runs MRPC only, got --task_name {args.task_name}")
    return args


def read_mrpc(path, limit=0):
    """(label, sentence 1, sentence 2) rows of a GLUE MRPC file; it starts with a byte-order mark."""
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for cols in reader:
            if len(cols) >= 5:
                rows.append((int(cols[0]), cols[3], cols[4]))
    return rows[:limit] if limit else rows


def scores(predicted, gold):
    tp = sum(1 for p, g in zip(predicted, gold) if p == 1 and g == 1)
    fp = sum(1 for p, g in zip(predicted, gold) if p == 1 and g == 0)
    fn = sum(1 for p, g in zip(predicted, gold) if p == 0 and g == 1)
    acc = sum(1 for p, g in zip(predicted, gold) if p == g) / len(gold)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"acc_": acc, "f1_": f1, "acc_and_f1_": (acc + f1) / 2}


def linear_schedule(optimizer, warmup, total):
    """run_glue's schedule: linear warm-up, then linear decay to 0."""
    def factor(step):
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


# ---- the small model trained from scratch -------------------------------------------------
BUCKETS = 1 << 15
# The embeddings' initial scale. Behind LayerNorm their scale cancels out, so it sets the learning
# rate at which a few epochs train them: at 0.002 that is the top of the seed's BERT fine-tuning
# range (5e-6..5e-4), which a model trained from scratch in 3 epochs wants.
EMBEDDING_STD = 0.002
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")


def words(text):
    return WORD.findall(text.lower())


def pair_tokens(a, b):
    """Hashed tokens of a sentence pair: each side's words, the words both share, and the
    words only one side has, so that the bag says what the sentences have in common."""
    wa, wb = words(a), words(b)
    sa, sb = set(wa), set(wb)
    tokens = [f"a:{w}" for w in wa] + [f"b:{w}" for w in wb]
    tokens += [f"both:{w}" for w in sa & sb] + [f"one:{w}" for w in sa ^ sb]
    return [zlib.crc32(t.encode()) % BUCKETS for t in tokens]


def pair_features(a, b):
    """Dense overlap features: shared unigrams and bigrams, length and number agreement."""
    wa, wb = words(a), words(b)
    sa, sb = set(wa), set(wb)
    ba, bb = set(zip(wa, wa[1:])), set(zip(wb, wb[1:]))
    na = {w for w in sa if w[0].isdigit()}
    nb = {w for w in sb if w[0].isdigit()}
    jaccard = lambda x, y: len(x & y) / max(1, len(x | y))
    return [
        jaccard(sa, sb),
        jaccard(ba, bb),
        len(sa & sb) / max(1, len(sa)),
        len(sa & sb) / max(1, len(sb)),
        abs(len(wa) - len(wb)) / max(len(wa), len(wb), 1),
        float(na == nb),
        jaccard(na, nb) if na | nb else 1.0,
    ]


class PairClassifier(torch.nn.Module):
    """A bag of hashed pair tokens (EmbeddingBag, mean) normalised by LayerNorm, beside dense
    overlap features, then a linear layer with BERT's N(0, 0.02) initialisation. With Adam each
    weight moves by about the learning rate per step, so over 3 epochs of batches of 64 (172 steps)
    the small end of the seed's range leaves the model near where it started, predicting mostly
    one class, and F1 rises with the learning rate to about 0.83-0.84 at the range's top."""

    def __init__(self, features, dim=64):
        super().__init__()
        self.bag = torch.nn.EmbeddingBag(BUCKETS, dim, mode="mean")
        self.norm = torch.nn.LayerNorm(dim)
        self.head = torch.nn.Linear(dim + features, 2)
        torch.nn.init.normal_(self.bag.weight, std=EMBEDDING_STD)
        torch.nn.init.normal_(self.head.weight, std=0.02)
        torch.nn.init.zeros_(self.head.bias)

    def forward(self, tokens, offsets, dense):
        return self.head(torch.cat([torch.relu(self.norm(self.bag(tokens, offsets))), dense], dim=1))


def encode(rows):
    ids = [pair_tokens(a, b) for _, a, b in rows]
    dense = torch.tensor([pair_features(a, b) for _, a, b in rows], dtype=torch.float32)
    labels = torch.tensor([label for label, _, _ in rows])
    return ids, dense, labels


def batch(ids, dense, index):
    chosen = [ids[i] for i in index]
    offsets = torch.tensor([0] + [len(x) for x in chosen[:-1]]).cumsum(0)
    return torch.tensor([t for x in chosen for t in x]), offsets, dense[index]


def train_from_scratch(args, train_rows, dev_rows):
    train_ids, train_dense, train_y = encode(train_rows)
    dev_ids, dev_dense, dev_y = encode(dev_rows)
    model = PairClassifier(train_dense.shape[1])
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias")]
    decay = [p for n, p in model.named_parameters() if not n.endswith("bias")]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.learning_rate, eps=args.adam_epsilon)
    size = args.per_gpu_train_batch_size
    epochs = math.ceil(args.num_train_epochs)
    total = math.ceil(len(train_rows) / size) * epochs
    scheduler = linear_schedule(optimizer, args.warmup_steps, total)
    results = []
    step = 0
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(train_rows)).tolist()
        for start in range(0, len(order), size):
            index = order[start:start + size]
            loss = torch.nn.functional.cross_entropy(model(*batch(train_ids, train_dense, index)), train_y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            step += 1
            if args.logging_steps and step % args.logging_steps == 0:
                print(f"step {step}: loss {loss.item():.4f} lr {scheduler.get_last_lr()[0]:.3g}", flush=True)
        model.eval()
        with torch.no_grad():
            logits = model(*batch(dev_ids, dev_dense, list(range(len(dev_rows)))))
        result = scores(logits.argmax(1).tolist(), dev_y.tolist())
        results.append(result)
        print(f"epoch {epoch}: eval {result}", flush=True)
    os.makedirs(args.output_dir, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(args.output_dir, "pytorch_model.bin"))
    return results


def fine_tune_transformers(args, train_rows, dev_rows):
    """The seed's path: a pretrained model from the hub or a directory, fine-tuned as run_glue does."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(args.model_name_or_path, do_lower_case=args.do_lower_case)
    model = AutoModelForSequenceClassification.from_pretrained(args.model_name_or_path, num_labels=2)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model.to(device)

    def encoded(rows):
        e = tokenizer([a for _, a, _ in rows], [b for _, _, b in rows], truncation=True,
                      max_length=args.max_seq_length, padding="max_length", return_tensors="pt")
        return e, torch.tensor([label for label, _, _ in rows])

    (train_x, train_y), (dev_x, dev_y) = encoded(train_rows), encoded(dev_rows)
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
         "weight_decay": args.weight_decay},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.learning_rate, eps=args.adam_epsilon)
    size = args.per_gpu_train_batch_size * max(1, torch.cuda.device_count())
    epochs = math.ceil(args.num_train_epochs)
    scheduler = linear_schedule(optimizer, args.warmup_steps, math.ceil(len(train_rows) / size) * epochs)
    results = []
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(train_rows)).tolist()
        for start in range(0, len(order), size):
            index = order[start:start + size]
            inputs = {k: v[index].to(device) for k, v in train_x.items()}
            loss = model(**inputs, labels=train_y[index].to(device)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
        model.eval()
        predicted = []
        with torch.no_grad():
            for start in range(0, len(dev_rows), args.per_gpu_eval_batch_size):
                chunk = {k: v[start:start + args.per_gpu_eval_batch_size].to(device) for k, v in dev_x.items()}
                predicted += model(**chunk).logits.argmax(-1).tolist()
        result = scores(predicted, dev_y.tolist())
        results.append(result)
        print(f"epoch {epoch}: eval {result}", flush=True)
    os.makedirs(args.output_dir, exist_ok=True)
    model.save_pretrained(args.output_dir)
    tokenizer.save_pretrained(args.output_dir)
    return results


def main(argv=None):
    args = arguments(argv)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(int(os.environ.get("SM_NUM_CPUS", "1")))
    train_rows = read_mrpc(os.path.join(args.data_dir, "train.tsv"), args.max_train_examples)
    dev_rows = read_mrpc(os.path.join(args.data_dir, "dev.tsv"))
    print(f"MRPC: {len(train_rows)} training pairs, {len(dev_rows)} dev pairs; learning rate {args.learning_rate}", flush=True)
    try:
        import transformers  # noqa: F401
        have_transformers = True
    except ImportError:
        have_transformers = False
    if args.model_name_or_path and have_transformers:
        results = fine_tune_transformers(args, train_rows, dev_rows)
    else:
        if args.model_name_or_path:
            print(f"transformers is not installed: training a small model from scratch instead of "
                  f"fine-tuning {args.model_name_or_path}", file=sys.stderr, flush=True)
        results = train_from_scratch(args, train_rows, dev_rows)
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, "eval_results.json"), "w") as f:
        json.dump({"per_epoch": results, "final": results[-1]}, f, indent=1)


if __name__ == "__main__":
    main()
