"""Measure the letter renderer and intake screening: time per format, PDF pages and size, and
byte-stability of the output across processes.

Run: .venv/bin/python benchmarks/render_bench.py   (prints a Markdown report; ~30 s on 2 cores)
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "letters"))

from test_render import make_determination  # noqa: E402  (the hand-built test determinations)

from openimr.intake import load_case, screen  # noqa: E402
from openimr.letters.render import render_letter  # noqa: E402

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)
warnings.filterwarnings("ignore")

REPEATS = {"text": 50, "html": 50, "json": 50, "pdf": 5}


def timed(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def pdf_pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def digest_in_subprocess(fmt: str) -> str:
    code = (
        "import sys, hashlib, logging; sys.path.insert(0, 'tests/letters');"
        "logging.disable(logging.WARNING);"
        "from test_render import make_determination;"
        "from openimr.letters.render import render_letter;"
        f"out = render_letter(make_determination(n_items=3), {fmt!r});"
        "out = out.encode() if isinstance(out, str) else out;"
        "print(hashlib.sha256(out).hexdigest())"
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def main() -> None:
    print("## Letter rendering (hand-built determinations)\n")
    print("| items | format | median ms | output | pages |")
    print("|---|---|---|---|---|")
    for n_items in (1, 6):
        det = make_determination(n_items=n_items)
        render_letter(det, "pdf")  # warm-up: fonts and WeasyPrint import
        for fmt, repeats in REPEATS.items():
            ms = timed(lambda det=det, fmt=fmt: render_letter(det, fmt), repeats)
            out = render_letter(det, fmt)
            size = f"{len(out):,} {'bytes' if isinstance(out, bytes) else 'chars'}"
            pages = str(pdf_pages(out)) if fmt == "pdf" else ""
            print(f"| {n_items} | {fmt} | {ms:.1f} | {size} | {pages} |")

    print("\n## Same input, same bytes (two separate processes)\n")
    for fmt in ("text", "html", "json", "pdf"):
        first, second = digest_in_subprocess(fmt), digest_in_subprocess(fmt)
        print(f"- {fmt}: {'identical' if first == second else 'DIFFERENT'} ({first[:12]})")

    examples = sorted((REPO / "examples" / "cases").glob("*.yaml"))
    cases = [load_case(p) for p in examples]
    ms = timed(lambda: [screen(c, dt.date(2026, 1, 15)) for c in cases], 50) / len(cases)
    print(f"\n## Intake screening\n\n- {len(cases)} example cases, median {ms:.3f} ms per case")
    eligible = sum(screen(c).eligible for c in cases)
    print(f"- eligible: {eligible} of {len(cases)}")

    print("\n## Example cases through the pipeline (draft letters)\n")
    try:
        from openimr.engine.pipeline import decide_case
    except ImportError as exc:  # the engine is another package; report, do not fail
        print(f"- engine not importable: {exc}")
        return
    print("| case | items | outcomes | PDF pages | PDF ms |")
    print("|---|---|---|---|---|")
    for path, case in zip(examples, cases, strict=True):
        try:
            det = decide_case(case, today=dt.date(2026, 1, 15))
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            print(f"| {path.stem} | - | pipeline error: {type(exc).__name__}: {exc} | - | - |")
            continue
        start = time.perf_counter()
        pdf = render_letter(det, "pdf")
        ms = (time.perf_counter() - start) * 1000
        outcomes = ", ".join(item.outcome for item in det.items)
        print(f"| {path.stem} | {len(det.items)} | {outcomes} | {pdf_pages(pdf)} | {ms:.0f} |")


if __name__ == "__main__":
    main()
