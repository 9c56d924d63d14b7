"""Core vocabulary throughput: resident-ID protection and document-number parsing.

Imports of 100,000 beneficiaries encrypt and digest every ID number; this measures that
cost against a baseline measured in the same run (validation alone), so the figure is
a ratio, not a wall-clock promise.  ``--json`` prints one JSON object as the last line.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qzgov.settings")

import django  # noqa: E402

django.setup()

from apps.core import resident_id  # noqa: E402
from apps.core.docnumbers import DocumentNumber  # noqa: E402


def rate(fn, items) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ids = [resident_id.compose("330802", "19800101", i) for i in range(args.n)]
    validate = rate(resident_id.validate, ids)
    protect = rate(lambda v: (resident_id.encrypt(v), resident_id.digest(v)), ids)
    numbers = ["衢政发[2020]16 号", "衢环发〔2020〕66号", "衢食药监市(2014)1号"] * (args.n // 3)
    parse = rate(DocumentNumber.parse, numbers)
    result = {
        "ids": args.n,
        "validate_per_s": round(validate),
        "encrypt_digest_per_s": round(protect),
        "ratio_protect_to_validate": round(protect / validate, 3),
        "docnumbers_per_s": round(parse),
    }
    print(f"resident IDs validated: {validate:,.0f}/s")
    print(f"resident IDs encrypted + digested: {protect:,.0f}/s "
          f"({result['ratio_protect_to_validate']} of validation speed)")
    print(f"document numbers parsed: {parse:,.0f}/s")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
