"""Batches (#18): many books, any executor, one failed job per bad book, resume, order."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import contactguard as cg
from contactguard._cli import main


def card(i: int) -> str:
    return (f"BEGIN:VCARD\nVERSION:3.0\nUID:u{i}\nFN:Person {i}\nN:{i};Person;;;\n"
            f"TEL:+44 20 7946 {i:04d}\nEMAIL:p{i}@example.com\nEND:VCARD\n")


def book(n: int, skip: frozenset[int] = frozenset()) -> str:
    return "".join(card(i) for i in range(n) if i not in skip)


@pytest.fixture
def books(tmp_path: Path) -> Path:
    """Five book folders: two whole restores, one lost contact, one manifest, two copies
    that differ, and one whose manifest is damaged."""
    root = tmp_path / "books"
    for name, files in {
        "ada": {"backup.vcf": book(5), "restored.vcf": book(5)},
        "bob": {"backup.vcf": book(6), "restored.vcf": book(6, frozenset({2}))},
        "cy": {"backup.vcf": book(3), "restored-phone.vcf": book(3),
               "restored-tablet.vcf": book(3)},
        "dee": {"copy-a.vcf": book(4), "copy-b.vcf": book(4, frozenset({0})),
                "notes.txt": "not a role: ignored"},
        "eve": {"manifest.cgm": "this is no manifest\n", "copy.vcf": book(2)},
    }.items():
        folder = root / name
        folder.mkdir(parents=True)
        for fname, text in files.items():
            (folder / fname).write_text(text, encoding="utf-8")
    snap = cg.load(root / "ada" / "backup.vcf")
    (root / "fay").mkdir()
    (root / "fay" / "copy.vcf").write_text(book(5), encoding="utf-8")
    cg.Manifest.build(snap, unkeyed=True).save(root / "fay" / "manifest.cgm")
    return root


def by_name(results: Any) -> dict[str, cg.JobResult]:
    return {r.name: r for r in results}


def test_find_jobs_reads_the_roles_of_each_folder(books: Path) -> None:
    jobs = {j.name: j for j in cg.find_jobs(books)}
    assert sorted(jobs) == ["ada", "bob", "cy", "dee", "eve", "fay"]
    assert jobs["ada"].kind == "restore"
    assert jobs["ada"].reference == str(books / "ada" / "backup.vcf")
    assert [Path(p).name for p in jobs["cy"].checked] == ["restored-phone.vcf",
                                                           "restored-tablet.vcf"]
    assert jobs["dee"].kind == "copies" and len(jobs["dee"].checked) == 2
    assert jobs["fay"].kind == "manifest"


def test_a_reference_without_anything_to_check_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "backup.vcf").write_text(book(1), encoding="utf-8")
    with pytest.raises(cg.UsageError, match="no restored"):
        cg.find_jobs(tmp_path)


def test_jobs_are_validated() -> None:
    job = cg.Job("a", "restore", [Path("r.vcf")], reference=Path("b.vcf"))  # type: ignore[arg-type]
    assert (job.reference, job.checked) == ("b.vcf", ("r.vcf",))
    with pytest.raises(cg.UsageError, match="needs its backup"):
        cg.Job("a", "restore", ("r.vcf",))
    with pytest.raises(cg.UsageError, match="two copies"):
        cg.Job("a", "copies", ("r.vcf",))
    with pytest.raises(cg.UsageError, match="unknown kind"):
        cg.Job("a", "sync", ("r.vcf",))
    with pytest.raises(cg.UsageError, match="named 'a'"):
        list(cg.verify_many([cg.Job("a", "copies", ("x", "y"))] * 2))


def test_one_bad_book_is_one_failed_job_on_the_process_pool(books: Path) -> None:
    results = by_name(cg.verify_many(cg.find_jobs(books), workers=2))
    assert {n: r.status for n, r in results.items()} == {
        "ada": "ok", "bob": "problems", "cy": "ok", "dee": "problems", "eve": "failed",
        "fay": "ok"}
    assert results["bob"].counts["missing"] == 1
    assert results["bob"].counts["intact"] == 5
    assert results["cy"].counts["intact"] == 6  # two restores of three contacts
    assert results["dee"].counts["differing_pairs"] == 1
    assert results["fay"].counts["intact"] == 5
    eve = results["eve"]
    assert eve.error and "manifest" in eve.error.lower()
    assert eve.summary.startswith("not checked: ")
    summary = cg.summarize(results.values())
    assert summary.statuses == {"ok": 3, "problems": 2, "failed": 1}
    assert not summary.ok


def test_a_missing_input_from_a_job_list_fails_that_job_only(tmp_path: Path) -> None:
    (tmp_path / "b.vcf").write_text(book(2), encoding="utf-8")
    (tmp_path / "jobs.jsonl").write_text(
        '# one per line\n'
        '{"name": "good", "backup": "b.vcf", "restored": ["b.vcf"]}\n\n'
        '{"name": "gone", "backup": "b.vcf", "restored": "nowhere.vcf", "region": "GB"}\n',
        encoding="utf-8")
    jobs = cg.read_jobs(tmp_path / "jobs.jsonl")
    assert jobs[1].region == "GB" and jobs[1].checked == (str(tmp_path / "nowhere.vcf"),)
    results = by_name(cg.verify_many(jobs, executor=_threads(2)))
    assert results["good"].status == "ok"
    assert results["gone"].status == "failed"
    assert "nowhere.vcf" in (results["gone"].error or "")


@pytest.mark.parametrize(("line", "message"), [
    ('{"name": "a", "copies": ["x", "y"], "colour": 1}', "unknown key 'colour'"),
    ('{"copies": ["x", "y"]}', "needs a \"name\""),
    ('{"name": "a", "backup": 3, "restored": ["x"]}', "is a path"),
    ('{"name": "a", ', "at line 1, column"),
])
def test_job_list_errors_say_the_line(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "jobs.jsonl").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(cg.UsageError, match=message):
        cg.read_jobs(tmp_path / "jobs.jsonl")


class ReversingExecutor(Executor):
    """Holds ``n`` submissions, then completes them last first, on a timer thread."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.held: list[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.held.append((future, fn, args))
        if len(self.held) == self.n:
            # later, so that the caller has registered its callback on the last one too
            threading.Timer(0.3, self._finish).start()
        return future

    def _finish(self) -> None:
        for future, fn, args in reversed(self.held):
            future.set_result(fn(*args))


def test_results_stream_in_completion_order_and_the_summary_is_sorted(books: Path) -> None:
    jobs = cg.find_jobs(books)
    streamed = [r.name for r in cg.verify_many(jobs, executor=ReversingExecutor(len(jobs)))]
    assert streamed == [j.name for j in reversed(jobs)]
    summary = cg.summarize(cg.verify_many(jobs, executor=ReversingExecutor(len(jobs))))
    assert [r.name for r in summary.results] == sorted(streamed)


_POOLS: list[ThreadPoolExecutor] = []


def _threads(workers: int) -> ThreadPoolExecutor:
    """A thread pool shut down when the test ends (no thread left for the next tests)."""
    pool = ThreadPoolExecutor(workers)
    _POOLS.append(pool)
    return pool


@pytest.fixture(autouse=True)
def _no_pool_left() -> Iterator[None]:
    yield
    while _POOLS:
        _POOLS.pop().shutdown(wait=True)


class ExplodingExecutor(ThreadPoolExecutor):
    """A worker that dies on the job named ``bob``."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if args and getattr(args[0], "name", None) == "bob":
            future: Future[Any] = Future()
            future.set_exception(RuntimeError("worker lost"))
            return future
        return super().submit(fn, *args, **kwargs)


def test_a_dead_worker_fails_its_job_and_the_batch_goes_on(books: Path) -> None:
    with ExplodingExecutor(2) as pool:
        results = by_name(cg.verify_many(cg.find_jobs(books), executor=pool))
    assert results["bob"].status == "failed"
    assert results["bob"].error == "the worker running it stopped (RuntimeError: worker lost)"
    assert results["ada"].status == "ok"


def test_resume_skips_finished_jobs_with_unchanged_inputs(books: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.jsonl"
    jobs = cg.find_jobs(books)
    first = by_name(cg.verify_many(jobs, executor=_threads(2), state=state))
    assert not any(r.resumed for r in first.values())
    # bob's restore is fixed (its size and mtime change); eve failed, so it runs again
    restored = books / "bob" / "restored.vcf"
    restored.write_text(book(6), encoding="utf-8")
    os.utime(restored, ns=(1, 1))
    again = by_name(cg.verify_many(jobs, executor=_threads(2), state=state,
                                   resume=True))
    assert {n for n, r in again.items() if not r.resumed} == {"bob", "eve"}
    assert again["bob"].status == "ok"
    # the stored result, as it was (its time rounded to the millisecond in the file)
    assert again["ada"] == replace(first["ada"], resumed=True, seconds=again["ada"].seconds)
    assert abs(again["ada"].seconds - first["ada"].seconds) < 0.001
    third = by_name(cg.verify_many(jobs, executor=_threads(2), state=state,
                                   resume=True))
    assert {n for n, r in third.items() if not r.resumed} == {"eve"}
    # without resume the state starts afresh and everything runs
    fresh = by_name(cg.verify_many(jobs, executor=_threads(2), state=state))
    assert not any(r.resumed for r in fresh.values())


def test_resume_needs_a_state_file() -> None:
    with pytest.raises(cg.UsageError, match="state"):
        cg.verify_many([], resume=True)


def test_a_torn_state_line_only_reruns_that_job(books: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.jsonl"
    jobs = cg.find_jobs(books)
    list(cg.verify_many(jobs, executor=_threads(1), state=state))
    lines = state.read_text(encoding="utf-8").splitlines()
    torn = json.loads(lines[0])["result"]["name"]
    state.write_text("\n".join([lines[0][:20], *lines[1:]]) + "\n", encoding="utf-8")
    again = by_name(cg.verify_many(jobs, executor=_threads(1), state=state,
                                   resume=True))
    assert {n for n, r in again.items() if not r.resumed} == {torn, "eve"} - {""}


def test_results_are_small_and_pickle(books: Path) -> None:
    import pickle

    for result in cg.verify_many(cg.find_jobs(books), executor=_threads(2)):
        data = pickle.dumps(result)
        assert len(data) < 2000
        assert pickle.loads(data) == result  # noqa: S301 - our own bytes


def test_a_batch_on_a_dask_local_cluster(books: Path) -> None:
    distributed = pytest.importorskip("distributed")
    jobs = cg.find_jobs(books)
    serial = cg.summarize(cg.verify_many(jobs, executor=_threads(1)))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster, timeout="30s") as client:
        summary = cg.summarize(cg.verify_many(jobs, executor=client.get_executor()))
    strip = [(r.name, r.status, dict(r.counts), r.summary, r.error) for r in summary.results]
    assert strip == [(r.name, r.status, dict(r.counts), r.summary, r.error)
                     for r in serial.results]
    assert summary.statuses == {"ok": 3, "problems": 2, "failed": 1}


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[Any], str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_the_batch_command_streams_json_lines_and_writes_the_report(
        books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    code, lines, err = run_cli(["batch", str(books), "-j", "2", "--format", "json",
                                "-O", str(report)], capsys)
    assert code == 1
    assert [line["type"] for line in lines] == ["book"] * 6 + ["summary"]
    assert {line["name"]: line["status"] for line in lines[:-1]}["eve"] == "failed"
    assert lines[-1]["statuses"] == {"ok": 3, "problems": 2, "failed": 1}
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["command"] == "batch"
    assert [b["name"] for b in doc["books"]] == ["ada", "bob", "cy", "dee", "eve", "fay"]
    assert err == ("FAIL 6 books: 3 ok, 2 with problems, 1 failed; 2 contacts missing, "
                   "0 changed\n")


def test_the_batch_command_resumes_and_renders_every_format(
        books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "state.jsonl"
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text(json.dumps({"name": "ada", "backup": str(books / "ada" / "backup.vcf"),
                                "restored": [str(books / "ada" / "restored.vcf")]}) + "\n",
                    encoding="utf-8")
    code, lines, _ = run_cli(["batch", "--jobs", str(jobs), "--state", str(state), "-q"],
                             capsys)
    assert code == 0 and lines[0]["resumed"] is False
    for fmt, needle in [("text", "OK   ada: "), ("markdown", "| ada | ok |"),
                        ("junit", 'tests="1" failures="0" errors="0"'),
                        ("html", "<td>ada</td><td class=ok>ok</td>")]:
        out = tmp_path / f"report.{fmt}"
        code, lines, _ = run_cli(["batch", "--jobs", str(jobs), "--state", str(state),
                                  "--resume", "-q", "--format", fmt, "-O", str(out)], capsys)
        assert code == 0 and lines[0]["resumed"] is True
        assert needle in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("argv", "message"), [
    (["batch"], "one of them"),
    (["batch", "DIR", "--resume"], "--resume needs --state"),
    (["batch", "{books}", "-O", "{books}/report.txt"], "inside the books"),
])
def test_the_batch_command_refuses_bad_usage(
        books: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([a.format(books=books) for a in argv])
    assert code == 2
    assert message in capsys.readouterr().err


def test_the_batch_command_runs_on_a_dask_scheduler(
        books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None, host="127.0.0.1",
                                  protocol="tcp") as cluster:
        code, lines, _ = run_cli(["batch", str(books), "--dask", cluster.scheduler_address],
                                 capsys)
    assert code == 1
    assert lines[-1]["statuses"] == {"ok": 3, "problems": 2, "failed": 1}


def test_a_dead_worker_process_fails_the_jobs_in_flight_and_a_fresh_pool_runs_the_rest(
        books: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from contactguard._batch import many

    made: list[str] = []

    def pools(workers: int | None = None) -> ProcessPoolExecutor:
        if not made:  # the first pool's worker dies as it starts
            made.append("dying")
            return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=os._exit, initargs=(3,))
        made.append("fresh")
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))

    monkeypatch.setattr(many, "default_executor", pools)
    results = list(cg.verify_many(cg.find_jobs(books), window=1))
    assert made == ["dying", "fresh"]
    assert results[0].status == "failed"
    assert (results[0].error or "").startswith("the worker running it stopped "
                                               "(BrokenProcessPool")
    assert [r.status for r in results[1:]] == ["problems", "ok", "problems", "failed", "ok"]
