"""OCR on the task queue (rq on Redis, queue ``moa``): one job per scanned page, with progress.

A job only reads the PDF and writes the page's text to the OCR cache (var/moa-ocr/<sha256>/), so any worker can
run it — ``make worker``'s, or the burst workers ``run_ocr`` starts when none is running. The caller reads the
cache afterwards and stores the text. Without Redis the pages are read in this process, one after another.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from g287.moa.choices import OCR_QUEUE
from g287.moa.extract import cached_ocr, ocr_cache_dir, ocr_page


@dataclass(frozen=True)
class Page:
    path: str
    sha256: str
    page: int  # 0-based
    file_name: str


@dataclass
class OcrRun:
    pages: int = 0
    from_cache: int = 0
    seconds: float = 0.0
    via: str = ""  # "task queue" | "this process"
    errors: list[str] = field(default_factory=list)


def ocr_job(path: str, sha256: str, page: int, cache_root: str | None = None) -> int:
    """The rq job: OCR one page into the cache of the installation that queued it (``cache_root``); returns the
    number of characters read."""
    return len(ocr_page(Path(path), sha256, page, cache_root))


def _redis_url() -> str:
    from django.conf import settings

    return settings.RQ_QUEUES[OCR_QUEUE]["URL"]


def _queue():
    from redis import Redis
    from rq import Queue

    conn = Redis.from_url(_redis_url(), socket_connect_timeout=2)
    conn.ping()
    return Queue(OCR_QUEUE, connection=conn)


def run_ocr(pages: list[Page], progress: bool = True, stream=None, workers: int | None = None) -> OcrRun:
    """OCR every page not yet in the cache, through the task queue when Redis answers; waits until done."""
    from tqdm import tqdm

    run = OcrRun()
    todo = [p for p in pages if cached_ocr(p.sha256, p.page) is None]
    run.from_cache = len(pages) - len(todo)
    run.pages = len(todo)
    if not todo:
        return run
    started = time.monotonic()
    bar = tqdm(total=len(todo), desc="OCR (pages)", unit="page", disable=not progress, file=stream or sys.stderr)
    try:
        queue = _queue()
    except Exception as exc:  # no Redis: read here, one page after another
        run.via = f"this process (task queue unavailable: {exc.__class__.__name__})"
        for p in todo:
            try:
                ocr_page(Path(p.path), p.sha256, p.page)
            except Exception as err:  # a page Tesseract cannot read is reported, the others go on
                run.errors.append(f"{p.file_name}: page {p.page + 1}: OCR failed ({err})")
            bar.update(1)
        bar.close()
        run.seconds = time.monotonic() - started
        return run
    run.via = "task queue"
    jobs = {}
    for p in todo:
        where = hashlib.sha1(str(ocr_cache_dir(p.sha256)).encode()).hexdigest()[:8]  # one job per page and cache
        job_id = f"moa-ocr-{p.sha256[:20]}-{p.page}-{where}"
        jobs[job_id] = (p, queue.enqueue(ocr_job, p.path, p.sha256, p.page, str(ocr_cache_dir(p.sha256).parent),
                                         job_id=job_id, result_ttl=3600,
                                         failure_ttl=3600, job_timeout=600))
    n = workers or max(1, min(2, os.cpu_count() or 1))
    from django.conf import settings

    # The workers write to this installation's OCR cache (the same var/ folder), one Tesseract thread each.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "G287_VAR_DIR": str(settings.VAR_DIR), "G287_REDIS_URL": _redis_url()}
    # Burst workers: they take jobs until the queue is empty, then exit (a running `make worker` helps too).
    procs = [subprocess.Popen([sys.executable, "-m", "g287", "rqworker", OCR_QUEUE, "--burst"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(n)]
    pending = dict(jobs)
    try:
        while pending:
            for job_id, (p, job) in list(pending.items()):
                status = job.get_status(refresh=True)
                if status == "finished" or cached_ocr(p.sha256, p.page) is not None:
                    del pending[job_id]
                    bar.update(1)
                elif status in ("failed", "stopped", "canceled"):
                    del pending[job_id]
                    bar.update(1)
                    run.errors.append(f"{p.file_name}: page {p.page + 1}: OCR failed ({status})")
            if pending and all(proc.poll() is not None for proc in procs) and not queue.count:
                # The workers are gone and the queue is empty, yet jobs are unfinished: started elsewhere.
                time.sleep(0.5)
                if all(job.get_status(refresh=True) not in ("queued", "started") for _, job in pending.values()):
                    for p, job in pending.values():
                        run.errors.append(f"{p.file_name}: page {p.page + 1}: OCR did not finish")
                    break
            time.sleep(0.2)
    finally:
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.terminate()
        bar.close()
    run.seconds = time.monotonic() - started
    return run
