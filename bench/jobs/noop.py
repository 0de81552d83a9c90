# A training script that does nothing but report one metric: what bench:jobs times.
import sys

print(f"loss={0.5} args={len(sys.argv) - 1}")
