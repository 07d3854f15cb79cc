"""The web lab's API: limits, scenario names, escaping, security headers, cache, cancel,
progress, downloads, and agreement with the library's own results."""

from __future__ import annotations

import html.parser
import io
import json
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

import powerbalance as pb
from powerbalance.experiments import claims
from powerbalance.web.app import CSP, static_dir
from powerbalance.web.schemas import MAP_WORLDS, MAX_ACTORS, MAX_WORLDS, MAX_YEARS

from .conftest import CHINESE_NAME, SCRIPT_NAME, TestClient, data_folder, unpacked


def wait(client: Any, job: dict[str, Any], kind: str = "runs",
         timeout: float = 120) -> dict[str, Any]:
    """Poll a job until it is final; return its last state."""
    deadline = time.monotonic() + timeout
    while True:
        state = client.get(f"/api/{kind}/{job['id']}").json()
        if state["status"] in ("done", "failed", "cancelled"):
            return state
        assert time.monotonic() < deadline, f"job {job['id']} still {state['status']}"
        time.sleep(0.05)


def submit(client: Any, **body: Any) -> dict[str, Any]:
    r = client.post("/api/runs", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def messages(response: Any) -> str:
    return json.dumps(response.json()["detail"])


# ------------------------------------------------------------------ limits and names

@pytest.mark.parametrize("body, field", [
    ({"worlds": MAX_WORLDS + 1}, "worlds"),
    ({"worlds": 0}, "worlds"),
    ({"years": MAX_YEARS + 1}, "years"),
    ({"seed": -1}, "seed"),
    ({"scenario": f"random:actors={MAX_ACTORS + 1}"}, "actors"),
    ({"scenario": "random:actors=200,provinces=50"}, "provinces"),
    ({"scenario": "random:actors=200,provinces=2", "worlds": 2000, "years": 1000}, "memory"),
    ({"params": {"not_a_parameter": 1}}, "not_a_parameter"),
    ({"params": {"sea_cost": -3}}, "sea_cost"),
    ({"params": {"gradient": "<b>x</b>"}}, "gradient"),
    ({"surprise": 1}, "surprise"),
])
def test_limits_are_refused_with_422_before_anything_runs(client, body, field):
    r = client.post("/api/runs", json={"scenario": "warring-states", **body})
    assert r.status_code == 422, r.text
    assert field in messages(r)
    assert client.app.state.lab.pool.pending() == 0


@pytest.mark.parametrize("spec", ["no-such-scenario", "../warring-states", "x.toml",
                                  "/etc/passwd", "warring-states:x", "cow:1914",
                                  "cow:1914,data=/tmp", "random:mix=../../x"])
def test_unknown_scenarios_and_paths_are_refused(client, spec):
    r = client.post("/api/runs", json={"scenario": spec, "years": 2})
    assert r.status_code == 422, r.text
    assert client.app.state.lab.pool.pending() == 0


def test_cow_scenarios_need_the_servers_data_folder(client):
    r = client.get("/api/scenarios/cow:1914")
    assert r.status_code == 422
    assert "--data" in messages(r)


def test_scenarios_and_params_come_from_the_registries(client):
    names = [s["name"] for s in client.get("/api/scenarios").json()["scenarios"]]
    assert {"warring-states", "cold-war-1950", "random", "escape-test"} <= set(names)
    detail = client.get("/api/scenarios/warring-states").json()
    scen = pb.load_scenario("warring-states")
    assert detail["description"] == scen.description.strip()
    assert detail["sources"] == list(scen.sources)
    assert [a["name"] for a in detail["actors"]] == list(scen.names)
    assert len(detail["map"]["provinces"]["id"]) == scen.province_map.n
    # Province names from the file (for tooltips); a generated map has ids only.
    assert detail["map"]["provinces"]["name"] == list(scen.province_names)
    assert scen.province_names[0] == "Xianyang 咸陽"
    assert "name" not in client.get("/api/scenarios/random").json()["map"]["provinces"]
    assert detail["params"] == json.loads(json.dumps(
        __import__("dataclasses").asdict(scen.make_params())))
    rows = {p["name"]: p for p in client.get("/api/params").json()["params"]}
    assert set(rows) == {f.name for f in pb.Params.fields()}
    assert rows["sea_cost"]["lo"] == 0 and rows["gradient"]["kind"] == "choice"
    assert rows["sea_cost"]["source"].startswith("Mearsheimer")


# ------------------------------------------------------------------ escaping and headers

def test_names_round_trip_exactly_and_in_utf8(client):
    detail = client.get("/api/scenarios/escape-test")
    assert detail.headers["content-type"].startswith("application/json")
    names = [a["name"] for a in detail.json()["actors"]]
    assert names == [SCRIPT_NAME, CHINESE_NAME]
    assert CHINESE_NAME.encode("utf-8") in detail.content
    state = wait(client, submit(client, scenario="escape-test", years=5))
    assert state["summary"]["actors"] == [SCRIPT_NAME, CHINESE_NAME]
    assert SCRIPT_NAME in state["summary"]["colors"]


class _Scripts(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [k for k, _ in attrs if k.startswith("on")]
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_script = True
        if tag == "style" or any(k == "style" for k, _ in attrs):
            self.inline.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


def test_every_response_has_the_csp_and_the_page_has_no_inline_code(client):
    for path in ("/", "/static/app.js", "/api/params", "/api/scenarios/nope"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert "script-src 'self'" in CSP and "connect-src 'self'" in CSP
    page = _Scripts()
    page.feed(client.get("/").text)
    assert page.scripts and all(s.get("src", "").startswith("/static/") for s in page.scripts)
    assert page.inline == [] and page.handlers == []


def test_the_front_end_writes_text_never_html():
    scripts = sorted(static_dir().glob("*.js"))
    assert {p.name for p in scripts} >= {"app.js", "dom.js", "game.js"}
    for path in scripts:
        js = path.read_text(encoding="utf-8")
        for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", ".html(", "eval(",
                       "document.write", "new Function"):
            assert unsafe not in js, (path.name, unsafe)


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/%2e%2e/app.py",
                                  "/static/..%2fapp.py", "/etc/passwd", "/app.py",
                                  "/static/vendor/../../app.py", "/static//etc/passwd"])
def test_only_its_own_files_are_served(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert b"create_app" not in r.content and b"root:" not in r.content


def test_vendored_libraries_are_local_small_and_licensed():
    vendor = static_dir() / "vendor"
    files = {p.name: p.stat().st_size for p in vendor.iterdir()}
    assert {"d3.min.js", "topojson-client.min.js", "countries-110m.json"} <= set(files)
    for lib in ("d3", "topojson-client", "world-atlas"):
        assert f"{lib}.LICENSE" in files
    assert sum(p.stat().st_size for p in static_dir().rglob("*") if p.is_file()) < 2 * 2**20
    for p in static_dir().glob("*.*"):
        text = p.read_text(encoding="utf-8")
        assert "http://" not in text.replace("http://www.w3.org", "")
        assert "https://" not in text, p


def test_a_host_header_naming_another_host_is_refused():
    from powerbalance.cli.serve import LOOPBACK_NAMES
    from powerbalance.web.app import create_app

    app = create_app(allowed_hosts=LOOPBACK_NAMES)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/api/params").status_code == 200
        assert c.get("/api/params", headers={"host": "evil.example"}).status_code == 400


# ------------------------------------------------------------------ runs

def test_a_run_agrees_with_the_library(client):
    job = submit(client, scenario="warring-states", worlds=3, years=20, seed=5,
                 params={"conquest_rate": 0.7})
    assert job["cli"] == ("powerbalance run warring-states --worlds 3 --years 20 --seed 5 "
                          "--set conquest_rate=0.7")
    state = wait(client, job)
    assert state["status"] == "done"
    ref = pb.run("warring-states", worlds=3, years=20, seed=5, overrides={"conquest_rate": 0.7},
                 map_worlds=3)
    summary = state["summary"]
    final = ref.final()
    assert summary["final"]["leader_name"] == final["leader_name"].astype(str).tolist()
    np.testing.assert_allclose(summary["final"]["largest_share"],
                               final["largest_share"].to_numpy(), atol=1e-5)
    world = client.get(f"/api/runs/{job['id']}/worlds/1").json()
    share = ref.actors[ref.actors["world"] == 1].pivot(index="year", columns="actor",
                                                       values="share")
    np.testing.assert_allclose(unpacked(world["shares"]), share.to_numpy(), atol=1e-6)
    alive = ref.actors[ref.actors["world"] == 1].pivot(index="year", columns="actor",
                                                       values="alive")
    np.testing.assert_array_equal(unpacked(world["alive"]), alive.to_numpy().astype(np.uint8))
    owners = ref.provinces[ref.provinces["world"] == 1].pivot(index="year", columns="province",
                                                              values="owner")
    np.testing.assert_array_equal(unpacked(world["owners"]), owners.to_numpy())
    assert world["owners"]["dtype"] == "int8"  # seven actors: one byte per province-year
    pacts = ref.alliances[ref.alliances["world"] == 1]
    for column in ("year", "actor", "ally"):
        np.testing.assert_array_equal(unpacked(world["alliances"][column]),
                                      pacts[column].to_numpy())
    assert set(world["log"]["kind"]) <= {"war_won", "war_lost", "war_joined", "death",
                                         "alliance_formed", "alliance_broken",
                                         "hegemony_reached", "hegemony_lost"}


def test_a_world_beyond_the_recorded_maps_is_re_run_bit_identical(client):
    worlds = MAP_WORLDS + 2
    job = submit(client, scenario="warring-states", worlds=worlds, years=15, seed=3)
    state = wait(client, job)
    assert state["summary"]["map_worlds"] == list(range(MAP_WORLDS))
    ref = pb.run("warring-states", worlds=worlds, years=15, seed=3, map_worlds=worlds)
    k = worlds - 1
    world = client.get(f"/api/runs/{job['id']}/worlds/{k}").json()
    owners = ref.provinces[ref.provinces["world"] == k].pivot(index="year", columns="province",
                                                              values="owner")
    np.testing.assert_array_equal(unpacked(world["owners"]), owners.to_numpy())
    assert client.get(f"/api/runs/{job['id']}/worlds/{worlds}").status_code == 404


def test_the_same_request_is_answered_from_the_cache(client):
    body = {"scenario": "warring-states", "worlds": 2, "years": 10, "seed": 11}
    first = wait(client, submit(client, **body))
    assert first["cached"] is False
    again = submit(client, **body)
    assert again["cached"] is True and again["status"] == "done"
    pool = client.app.state.lab.pool
    assert pool.get(again["id"]).result is pool.get(first["id"]).result
    # The same parameters written differently are the same run; another seed is not.
    same = submit(client, **{**body, "params": {"sea_cost": 5.0}})
    assert same["cached"] is True
    other = submit(client, **{**body, "seed": 12})
    assert other["cached"] is False
    wait(client, other)


def test_a_running_and_a_queued_run_can_be_cancelled(client):
    long = submit(client, scenario="warring-states", worlds=200, years=1000, seed=1)
    queued = submit(client, scenario="warring-states", worlds=200, years=1000, seed=2)
    assert queued["status"] == "queued"  # one worker: the second waits
    r = client.delete(f"/api/runs/{queued['id']}")
    assert r.json()["status"] == "cancelled"
    deadline = time.monotonic() + 60
    while client.get(f"/api/runs/{long['id']}").json()["done"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    client.delete(f"/api/runs/{long['id']}")
    state = wait(client, long)
    assert state["status"] == "cancelled" and state["done"] < state["total"]
    assert client.get(f"/api/runs/{long['id']}/map").status_code == 409
    lab = client.app.state.lab
    assert len(lab.pool.cache) == 0 and lab.pool.pending() == 0


def test_a_full_queue_is_refused_with_503():
    from powerbalance.web.app import create_app

    with TestClient(create_app(workers=1, max_pending=1)) as c:
        first = submit(c, scenario="warring-states", worlds=100, years=1000, seed=1)
        r = c.post("/api/runs", json={"scenario": "warring-states", "seed": 2})
        assert r.status_code == 503 and r.headers["retry-after"]
        c.delete(f"/api/runs/{first['id']}")


def test_progress_streams_as_server_sent_events(client):
    job = submit(client, scenario="warring-states", worlds=2, years=60, seed=9)
    with client.stream("GET", f"/api/runs/{job['id']}/events") as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [json.loads(line[5:]) for line in r.iter_lines() if line.startswith("data:")]
    assert events[-1]["status"] == "done"
    done = [e["done"] for e in events]
    assert done == sorted(done) and done[-1] == 60


def test_large_payloads_are_compressed_and_the_stream_is_not(client):
    job = wait(client, submit(client, scenario="warring-states", worlds=1, years=60, seed=9))
    world = client.get(f"/api/runs/{job['id']}/worlds/0", headers={"Accept-Encoding": "gzip"})
    assert world.headers["content-encoding"] == "gzip"
    assert int(world.headers["content-length"]) < len(world.content) / 2
    assert world.json()["owners"]["shape"] == [61, 45]
    plain = client.get(f"/api/runs/{job['id']}/worlds/0", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == world.content
    scripts = client.get("/static/vendor/d3.min.js", headers={"Accept-Encoding": "gzip"})
    assert scripts.headers["content-encoding"] == "gzip"  # static files through the middleware
    with client.stream("GET", f"/api/runs/{job['id']}/events",
                       headers={"Accept-Encoding": "gzip"}) as r:
        assert "content-encoding" not in r.headers


def test_tables_and_figures_download(client):
    job = wait(client, submit(client, scenario="warring-states", worlds=2, years=8, seed=2))
    ref = pb.run("warring-states", worlds=2, years=8, seed=2)
    r = client.get(f"/api/runs/{job['id']}/tables/system.parquet")
    assert "attachment" in r.headers["content-disposition"]
    got = pd.read_parquet(io.BytesIO(r.content))
    pd.testing.assert_frame_equal(got, ref.system, check_categorical=False)
    csv = pd.read_csv(io.BytesIO(client.get(f"/api/runs/{job['id']}/tables/events.csv").content))
    assert len(csv) == len(ref.events)
    png = client.get(f"/api/runs/{job['id']}/figure/0.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(f"/api/runs/{job['id']}/figure/1.svg")
    assert b"<svg" in svg.content[:400]
    for bad in ("tables/manifest.parquet", "tables/system.exe", "figure/0.gif"):
        assert client.get(f"/api/runs/{job['id']}/{bad}").status_code == 404


# ------------------------------------------------------------------ compare

def test_two_settings_are_compared_by_the_librarys_paired_difference(client):
    body = {"scenario": "warring-states", "a": {}, "b": {"conquest_rate": 0.9},
            "statistic": "wars_fought_by:Qin", "worlds": 6, "years": 25, "seed": 4}
    job = client.post("/api/compare", json=body)
    assert job.status_code == 200, job.text
    state = wait(client, job.json(), "compare")
    assert state["status"] == "done", state
    assert state["cli"] == ("powerbalance run warring-states --worlds 6 --years 25 --seed 4 && "
                            "powerbalance run warring-states --worlds 6 --years 25 --seed 4 "
                            "--set conquest_rate=0.9")
    result = state["result"]
    (comp,) = result["comparisons"]
    assert (comp["low"], comp["high"]) == ("A", "B")
    # The same experiment through the library directly gives the same numbers.
    stat = claims.wars_fought_by("Qin")
    exp = claims.Experiment(
        name="x", claim=0, title="", claim_text="",
        arms=(claims.Arm("A", "warring-states"),
              claims.Arm("B", "warring-states", overrides={"conquest_rate": 0.9})),
        statistics={"s": ("", stat)}, comparisons=(claims.Comparison("s", "A", "B"),))
    ref = claims.run_experiment(exp, worlds=6, years=25, seed=4, keep_runs=False)
    assert comp["difference"] == pytest.approx(float(ref.comparisons["difference"][0]))
    assert comp["ci_low"] == pytest.approx(float(ref.comparisons["ci_low"][0]))
    assert result["verdict"] == ref.verdict()
    per_world = pd.read_csv(io.BytesIO(client.get(
        f"/api/compare/{state['id']}/tables/per_world.csv").content))
    assert len(per_world) == 6


def test_a_comparison_streams_its_years_and_can_be_cancelled(client):
    body = {"scenario": "warring-states", "a": {}, "b": {"conquest_rate": 0.9},
            "worlds": 4, "years": 30, "seed": 8}
    # Both arms run beside their null arms (nobody balancing): four simulations of 30 years.
    arms = (claims.Arm("A", "warring-states"),
            claims.Arm("B", "warring-states", overrides={"conquest_rate": 0.9}))
    exp = claims.Experiment(name="x", claim=0, title="", claim_text="", arms=arms,
                            statistics={"s": ("", claims.wars_fought_by("Qin"))},
                            comparisons=(claims.Comparison("s", "A", "B"),))
    runs = len(arms) + len(claims.null_arms(exp)[0])
    job = client.post("/api/compare", json=body).json()
    with client.stream("GET", f"/api/compare/{job['id']}/events") as r:
        events = [json.loads(line[5:]) for line in r.iter_lines() if line.startswith("data:")]
    assert events[-1]["status"] == "done"
    # Years over both arms: the stream passes through the middle, never backwards.
    assert [e["done"] for e in events] == sorted(e["done"] for e in events)
    assert events[-1]["total"] == 30 * runs and any(0 < e["done"] < 30 * runs for e in events)
    long = client.post("/api/compare", json={**body, "worlds": 200, "years": 1000}).json()
    deadline = time.monotonic() + 60
    while client.get(f"/api/compare/{long['id']}").json()["done"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert client.delete(f"/api/compare/{long['id']}").status_code == 200
    state = wait(client, long, "compare")
    assert state["status"] == "cancelled" and 0 < state["done"] < state["total"] == 1000 * runs
    assert "result" not in state
    assert client.app.state.lab.pool.pending() == 0


def test_an_experiment_of_the_registry_runs_with_its_arms(client):
    exp = claims.get("stopping-power-of-water")
    job = client.post("/api/compare", json={"experiment": exp.name, "worlds": 4, "years": 20})
    state = wait(client, job.json(), "compare")
    assert state["status"] == "done", state
    assert {r["arm"] for r in state["result"]["arms"]} == {a.label for a in exp.arms}
    assert state["result"]["verdict"] in ("holds", "does not hold")
    assert state["cli"].startswith("powerbalance experiment stopping-power-of-water --worlds 4")
    listing = client.get("/api/compare/experiments").json()
    assert {e["name"] for e in listing["experiments"]} == set(claims.EXPERIMENTS)


def test_an_arena_experiment_runs_without_data_and_only_data_experiments_need_it(client):
    listing = client.get("/api/compare/experiments").json()["experiments"]
    needs = {e["name"] for e in listing if e["needs_data"]}
    assert needs == {e.name for e in claims.EXPERIMENTS.values() if e.reads_data}
    assert {"polarity-from-data", "polarity-forward"} <= needs
    assert "market-balance" not in needs and "expedients-seen-through" not in needs
    job = client.post("/api/compare", json={"experiment": "market-balance", "worlds": 4,
                                            "years": 10, "seed": 3})
    assert job.status_code == 200, job.text
    state = wait(client, job.json(), "compare")
    assert state["status"] == "done", state
    ref = claims.run_experiment("market-balance", worlds=4, years=10, seed=3, keep_runs=False)
    assert state["result"]["verdict"] == ref.verdict()
    exp = claims.get("market-balance")
    assert {a.label for a in exp.arms} <= {r["arm"] for r in state["result"]["arms"]}


@pytest.mark.parametrize("body", [
    {"scenario": "warring-states", "experiment": "nuclear-peace"},
    {},
    {"experiment": "no-such"},
    {"scenario": "warring-states", "statistic": "unified_by:Nobody"},
    {"scenario": "warring-states", "statistic": "unified_by"},
    {"scenario": "warring-states", "a": {"sea_cost": "far"}},
    {"scenario": "escape-test"},
    {"experiment": "nuclear-peace", "worlds": 1},
    {"experiment": "polarity-from-data"},
])
def test_bad_comparisons_are_refused(client, body):
    r = client.post("/api/compare", json=body)
    assert r.status_code == 422, r.text
    assert client.app.state.lab.pool.pending() == 0


# ------------------------------------------------------------------ history

def test_history_without_data_says_how_to_give_it(client):
    r = client.get("/api/history")
    assert r.status_code == 404 and "--data" in r.json()["detail"]
    assert client.get("/api/scenarios").json()["history"] is False


@pytest.mark.realdata
@pytest.mark.skipif(data_folder() is None, reason="needs the licensed COW data in ../shared/data")
def test_history_from_the_servers_data_folder():
    from powerbalance.analysis.cow import detect_files, load_nmc
    from powerbalance.analysis.history import yearly_measures
    from powerbalance.web.app import create_app

    folder = data_folder()
    with TestClient(create_app(folder)) as c:
        h = c.get("/api/history").json()
        ref = yearly_measures(load_nmc(detect_files(folder).require("nmc", folder)))
        assert h["table"]["year"][0] == 1816 and h["table"]["year"][-1] >= 2016
        np.testing.assert_allclose(h["table"]["con"], ref["con"].to_numpy(), atol=1e-5)
        assert h["table"]["polarity"] == ref["polarity"].tolist()
        powers_1816 = {p for p, y in zip(h["powers"]["power"], h["powers"]["year"],
                                         strict=True) if y == 1816}
        assert len(powers_1816) == 5  # majors2016: five great powers in 1816
        detail = c.get("/api/scenarios/cow:1914").json()
        assert detail["name"].startswith("cow") and len(detail["actors"]) > 20
        assert detail["map"]["geo"] is True  # capitals (degrees): drawn on the world map
        assert c.get("/api/history/figure.png").content[:4] == b"\x89PNG"
        # A simulation started from 1914 reads the server's folder, never the browser's.
        job = c.post("/api/runs", json={"scenario": "cow:1914", "worlds": 2, "years": 5}).json()
        state = wait(c, job)
        assert state["status"] == "done", state
        assert len(state["summary"]["actors"]) == len(detail["actors"])
        assert "POWERBALANCE_DATA" in state["cli_note"]


def test_static_files_are_cached_by_etag_and_the_vendored_ones_kept():
    from powerbalance.web.app import create_app

    with TestClient(create_app(workers=1)) as c:
        own = c.get("/static/app.js")
        assert own.headers["cache-control"] == "no-cache" and own.headers["etag"]
        again = c.get("/static/app.js", headers={"If-None-Match": own.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["content-security-policy"] == CSP
        assert own.content == (static_dir() / "app.js").read_bytes()
        vendor = c.get("/static/vendor/d3.min.js", headers={"Accept-Encoding": "identity"})
        assert "max-age" in vendor.headers["cache-control"]
        assert vendor.content == (static_dir() / "vendor" / "d3.min.js").read_bytes()
        assert c.get("/").headers["content-type"].startswith("text/html")
        assert c.head("/static/app.js").status_code == 200


def test_world_matrices_are_pandas_pivots():
    from powerbalance.web.routers.runs import _matrix

    frame = pd.DataFrame({"year": [2, 1, 1, 2], "actor": [0, 1, 0, 2],
                          "v": np.array([0.5, 0.25, 1.0, 2.0], dtype=np.float32)})
    wide = frame.pivot(index="year", columns="actor", values="v").sort_index().to_numpy()
    np.testing.assert_array_equal(unpacked(_matrix(frame, "v", "year", "actor", -1, "float32")),
                                  np.where(np.isnan(wide), -1, wide))
    with pytest.raises(ValueError, match="duplicate"):
        _matrix(pd.concat([frame, frame]), "v", "year", "actor", 0, "float32")
