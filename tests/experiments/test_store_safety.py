"""The sweep store is safe to query and to hand to the readers: read-only SQL (no other
file, no write, no extension), corrupt files give one line, and a secured Dask cluster."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from powerbalance.cli import main
from powerbalance.experiments.store import SweepStore
from powerbalance.experiments.sweep import run_sweep

from .conftest import DASK_TIMEOUT, TINY, assert_same, write_spec


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(root.rglob("*"))}


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("store")
    spec = write_spec(base / "s.toml", dict(TINY, years=5))
    out = base / "sweep"
    run_sweep(spec, out)
    return out


def test_query_reads_the_store(sweep: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(sweep), "SELECT count(*) AS n FROM runs", "--format",
                 "csv"]) == 0
    assert capsys.readouterr().out.split() == ["n", "8"]
    assert SweepStore(sweep).query("EXPLAIN SELECT * FROM wars").shape[0] >= 1


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('{sweep}/../../../../../etc/passwd')",
    "COPY runs TO '{sweep}/summaries/p00000-r000000.parquet' (FORMAT parquet)",
    "COPY (SELECT 1) TO '{tmp}/leak.csv'",
    "SELECT 1; COPY runs TO '{tmp}/leak.csv'",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "ATTACH '{sweep}/catalog.duckdb' AS cat",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SELECT * FROM read_parquet('https://example.org/x.parquet')",
    "SET enable_external_access = true",
    "CREATE TABLE t AS SELECT 1",
    "DROP VIEW runs",
    "PRAGMA version",
    "",
    "   ;  ",
    "SELEC nothing",
])
def test_query_is_read_only(sql: str, sweep: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(sweep)
    text = sql.format(sweep=sweep, tmp=tmp_path)
    assert main(["query", str(sweep), text]) == 2
    line = one_error_line(capsys)
    assert "root:" not in line  # nothing of the password database reaches the terminal
    assert snapshot(sweep) == before
    assert list(tmp_path.iterdir()) == []
    assert SweepStore(sweep).query("SELECT count(*) AS n FROM runs")["n"].item() == 8


def test_corrupt_store_files_give_one_line(sweep: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(sweep, bad)
    victim = sorted((bad / "summaries").glob("p*.parquet"))[0]
    victim.write_bytes(victim.read_bytes()[:40])  # truncated
    assert main(["query", str(bad), "SELECT count(*) FROM runs"]) == 2
    one_error_line(capsys)
    assert main(["sweep-report", str(bad)]) == 2
    one_error_line(capsys)
    assert main(["report", str(bad), "--out", str(tmp_path / "r.html")]) == 2
    one_error_line(capsys)
    assert not (tmp_path / "r.html").exists()
    (bad / "sweep.json").write_text('{"name": "x", "spec_ha')  # truncated manifest
    for argv in (["query", str(bad), "SELECT 1"], ["sweep-report", str(bad)]):
        assert main(argv) == 2
        one_error_line(capsys)
    (bad / "sweep.json").write_text("[]")
    assert main(["query", str(bad), "SELECT 1"]) == 2
    one_error_line(capsys)


def test_corrupt_run_folders_give_one_line(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    assert main(["run", "security-dilemma", "--worlds", "2", "--years", "3", "--out",
                 str(run)]) == 0
    capsys.readouterr()
    commands = [["show", str(run)], ["analyze", str(run)],
                ["report", str(run), "--out", str(tmp_path / "r.html")],
                ["animate", str(run), "--out", str(tmp_path / "m.gif")]]
    manifest = (run / "manifest.json").read_bytes()
    actors = (run / "actors.parquet").read_bytes()
    for damage in ("truncated manifest", "manifest not an object", "corrupt parquet",
                   "missing table"):
        (run / "manifest.json").write_bytes(manifest)
        (run / "actors.parquet").write_bytes(actors)
        if damage == "truncated manifest":
            (run / "manifest.json").write_bytes(manifest[: len(manifest) // 2])
        elif damage == "manifest not an object":
            (run / "manifest.json").write_text("[1, 2]")
        elif damage == "corrupt parquet":
            (run / "actors.parquet").write_bytes(b"PAR1 this is not parquet PAR1")
        else:
            (run / "actors.parquet").unlink()
        for argv in commands:
            rc = main(argv)
            if damage == "manifest not an object" and argv[0] in ("analyze", "report"):
                # these readers do not need the manifest's contents; they must not crash
                assert rc in (0, 2), (damage, argv)
                capsys.readouterr()
                continue
            assert rc == 2, (damage, argv)
            one_error_line(capsys)
    assert not (tmp_path / "m.gif").exists()


def test_query_never_opens_the_catalog(sweep: Path, tmp_path: Path) -> None:
    """The catalog file is derived data the query does not use: a corrupt one changes no
    answer, and the query leaves it as it is."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(sweep, copy)
    (copy / "catalog.duckdb").write_bytes(b"garbage")
    assert SweepStore(copy).query("SELECT count(*) AS n FROM runs")["n"].item() == 8
    assert (copy / "catalog.duckdb").read_bytes() == b"garbage"


# ---------------------------------------------------------------- Dask


#: A plain client (no certificate) tries the scheduler over TCP and over TLS, in a process of
#: its own: a Client that fails to connect stays this process's default client, loop and all.
PLAIN_PROBE = """
import sys
from distributed import Client
for address in sys.argv[1:]:
    try:
        Client(address, timeout="3s")
    except (OSError, TypeError, TimeoutError, ValueError) as exc:
        print("refused", type(exc).__name__)
    else:
        print("connected")
"""


@pytest.mark.timeout(DASK_TIMEOUT)
def test_local_cluster_is_secured_and_results_identical(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    import distributed.client

    from powerbalance.experiments.executors import DaskExecutor

    spec = write_spec(tmp_path / "s.toml", dict(TINY, years=5))
    ref = tmp_path / "ref"
    run_sweep(spec, ref)
    with DaskExecutor(workers=1) as ex:
        address = ex._cluster.scheduler_address
        assert address.startswith("tls://127.0.0.1:")
        # the scheduler's HTTP server serves nothing: no dashboard, metrics or proxy
        import urllib.error
        import urllib.request

        server = ex._cluster.scheduler.http_server
        host, port = next(iter(server._sockets.values())).getsockname()[:2]
        assert host == "127.0.0.1"
        for path in ("/status", "/metrics", "/health", "/json/identity.json", "/proxy/1/x"):
            with pytest.raises(urllib.error.HTTPError, match="404"):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
        # a plain client (no certificate) cannot talk to the scheduler, over TCP or TLS
        probe = subprocess.run([sys.executable, "-c", PLAIN_PROBE,
                                address.replace("tls://", "tcp://"), address],
                               capture_output=True, text=True, timeout=120)
        assert probe.returncode == 0, probe.stderr
        answers = probe.stdout.split("\n")[:2]
        assert len(answers) == 2 and all(a.startswith("refused ") for a in answers), answers
        # the executor watches its futures on its own client's loop, whatever the default
        # client of this process (a failed plain client in this process was: a hang)
        def no_default_client() -> None:
            raise AssertionError("the executor asked for the default client")

        monkeypatch.setattr(distributed.client, "default_client", no_default_client)
        out = tmp_path / "dask"
        run_sweep(spec, out, executor=ex)
        monkeypatch.undo()
    assert_same(ref, out)


@pytest.mark.timeout(DASK_TIMEOUT)
def test_dashboard_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    import urllib.request

    from powerbalance.experiments import executors

    def listening(port: int) -> bool:
        with socket.socket() as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", port)) == 0

    busy = listening(8787)  # another program may hold it; then only the link is checked
    with executors.DaskExecutor(workers=1) as ex:
        assert ex.dashboard_link is None
        assert busy or not listening(8787)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    monkeypatch.setattr(executors, "DASHBOARD_ADDRESS", f"127.0.0.1:{free}")
    with executors.DaskExecutor(workers=1, dashboard=True) as ex:
        assert ex.dashboard_link and str(free) in ex.dashboard_link
        assert urllib.request.urlopen(f"http://127.0.0.1:{free}/status", timeout=10).status \
            == 200


def test_sweep_json_is_not_mixed_with_a_foreign_folder(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.toml", dict(TINY, years=5))
    out = tmp_path / "only-hidden"
    out.mkdir()
    (out / ".tmp-mine").write_text("a user's hidden file that looks temporary")
    run_sweep(spec, out)
    assert (out / ".tmp-mine").read_text().startswith("a user's")
    assert json.loads((out / "sweep.json").read_text())["name"] == "tiny"
    assert os.stat(out / "sweep.json").st_mode & 0o044  # readable by others: the umask
