"""Run every benchmark script in this folder (each prints its own ratios); ``explain_page.py``
is a tool for one page's plan, not a benchmark. The PostgreSQL ones read
``BENCH_DATABASE_URL`` and say "skipped" without it."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("*.py")):
        if script.name in {"run_all.py", "__init__.py", "explain_page.py"} or script.name.startswith("_"):
            continue
        print(f"== {script.name}", flush=True)
        failed += subprocess.call([sys.executable, str(script)], cwd=HERE.parent) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
