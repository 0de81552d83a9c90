// The Node.js no-op training script for bench:jobs.
console.log(`loss=0.5 args=${process.argv.length - 2}`);
