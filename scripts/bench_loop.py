"""Time the contract loop's verbs as medians over several runs, and print a table.

Usage: python scripts/bench_loop.py [--runs N] [--recipes pact verify ...]
Each run is a fresh `just RECIPE` process, so figures include interpreter and pytest start-up.
Gates are timed one by one (check-drift, check-pacts-against-spec, pact, verify), then the
demo and the whole `just ci`; `just pact` runs first so the gates that read pacts/ have them.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RECIPES = ("pact", "verify", "check-drift", "check-pacts-against-spec", "demo", "ci")


def time_recipe(recipe: str) -> float:
    """Seconds one `just RECIPE` takes; raise if it fails, since a failing run times nothing."""
    started = time.perf_counter()
    result = subprocess.run(["just", recipe], cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        said = result.stdout[-2000:] + result.stderr[-2000:]
        raise RuntimeError(f"`just {recipe}` failed:\n{said}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Print median, min and max wall time per recipe."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--recipes", nargs="+", default=list(DEFAULT_RECIPES))
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    rows = []
    for recipe in args.recipes:
        times = [time_recipe(recipe) for _ in range(args.runs)]
        rows.append((f"just {recipe}", statistics.median(times), min(times), max(times)))
        print(f"  timed just {recipe}", file=sys.stderr, flush=True)
    width = max(len(name) for name, *_ in rows)
    print(f"{'recipe':<{width}}  {'median s':>8}  {'min s':>6}  {'max s':>6}   (runs: {args.runs})")
    for name, median, fastest, slowest in rows:
        print(f"{name:<{width}}  {median:>8.2f}  {fastest:>6.2f}  {slowest:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
