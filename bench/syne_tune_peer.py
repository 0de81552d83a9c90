"""The peer side of `npm run bench:jobs`: Syne Tune's LocalBackend running the
no-op script as 200 trials, 8 at a time, with its tuner loop not sleeping.
Run from a Syne Tune source checkout on Debian's Python packages. Prints JSON."""
import argparse
import json
import logging
import os
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--script", required=True)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    sys.path.insert(0, args.source)
    os.environ["PYTHONPATH"] = args.source + os.pathsep + os.environ.get("PYTHONPATH", "")
    logging.disable(logging.WARNING)
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.baselines import RandomSearch

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SYNETUNE_FOLDER"] = tmp
        tuner = Tuner(
            trial_backend=LocalBackend(entry_point=args.script),
            scheduler=RandomSearch({"x": uniform(0, 1)}, metrics=["loss"], do_minimize=True),
            stop_criterion=StoppingCriterion(max_num_trials_started=args.trials),
            wait_trial_completion_when_stopping=True,
            n_workers=args.workers,
            sleep_time=0,
            print_update_interval=3600,
            save_tuner=False,
        )
        started = time.perf_counter()
        tuner.run()
        wall = time.perf_counter() - started
        started_trials = tuner.trial_backend.new_trial_id()
    print(json.dumps({"wallSeconds": wall, "trials": started_trials}))


if __name__ == "__main__":
    main()
