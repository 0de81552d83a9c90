// A small in-process tuning run: logistic regression with polynomial features
// on a noisy two-class problem, trained by gradient descent, tuned for
// validation log-loss over learning rate, L2 penalty and feature degree.
// Run it with `npx tsx examples/ask-tell.ts`; it stores the study where `tunekit list` finds it.
import {
  CategoricalParameter,
  ContinuousParameter,
  createOptimizer,
  createRng,
  defaultStorePath,
  IntegerParameter,
} from "../src/index.js";

type Point = { x: number; y: number; label: 0 | 1 };

function makeData(n: number, seed: number): Point[] {
  const rng = createRng(seed, "quickstart-data");
  return Array.from({ length: n }, () => {
    const x = rng.next() * 4 - 2;
    const y = rng.next() * 4 - 2;
    const inside = x * x + 0.6 * y * y + 0.4 * x * y < 1.6;
    const flip = rng.next() < 0.1;
    return { x, y, label: (inside !== flip ? 1 : 0) as 0 | 1 };
  });
}

function features(p: Point, degree: number): number[] {
  const out = [1];
  for (let d = 1; d <= degree; d++) for (let i = 0; i <= d; i++) out.push(p.x ** (d - i) * p.y ** i);
  return out;
}

function validationLoss(
  train: Point[],
  valid: Point[],
  hp: { lr: number; l2: number; degree: number; epochs: number },
) {
  const w = new Float64Array(features(train[0] as Point, hp.degree).length);
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const predict = (f: number[]) => sigmoid(f.reduce((s, v, i) => s + v * (w[i] as number), 0));
  for (let epoch = 0; epoch < hp.epochs; epoch++) {
    const grad = new Float64Array(w.length);
    for (const p of train) {
      const f = features(p, hp.degree);
      const err = predict(f) - p.label;
      f.forEach((v, i) => {
        grad[i] = (grad[i] as number) + (err * v) / train.length;
      });
    }
    w.forEach((wi, i) => {
      w[i] = wi - hp.lr * ((grad[i] as number) + hp.l2 * wi);
    });
  }
  let loss = 0;
  for (const p of valid) {
    const q = Math.min(1 - 1e-12, Math.max(1e-12, predict(features(p, hp.degree))));
    loss -= p.label ? Math.log(q) : Math.log(1 - q);
  }
  return loss / valid.length;
}

const data = makeData(600, 1);
const train = data.slice(0, 400);
const valid = data.slice(400);
const name = `ask-tell-${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;
const storage = defaultStorePath();

const optimizer = await createOptimizer({
  name,
  strategy: "Sobol",
  objective: "Minimize",
  seed: 42,
  storage,
  ranges: {
    lr: new ContinuousParameter(1e-3, 10, "Logarithmic"),
    l2: new ContinuousParameter(1e-6, 1, "Logarithmic"),
    degree: new IntegerParameter(1, 4),
    epochs: new CategoricalParameter([50, 100]),
  },
});

console.log(`tuning ${name}: 32 trials, 4 at a time, stored in ${storage}`);
const best = await optimizer.optimize(
  async (hp) => {
    const loss = validationLoss(train, valid, hp as { lr: number; l2: number; degree: number; epochs: number });
    await new Promise((resolve) => setImmediate(resolve));
    return loss;
  },
  { maxTrials: 32, maxParallel: 4 },
);
const trials = await optimizer.trials();
console.log(`${trials.filter((t) => t.state === "Completed").length} trials completed`);
console.log(`best validation log-loss ${best?.value.toFixed(4)} with`, best?.hyperparameters);
console.log(`\nnext: npx tunekit describe ${name}`);
await optimizer.close();
