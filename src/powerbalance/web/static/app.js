// powerbalance lab: the browser side. It only draws what the API returns; every number
// comes from the library. All text from the server is written with textContent (d3's
// .text()), never as HTML, so a name like "<script>" shows as text.
/* global d3, topojson */
import { clear, el } from "./dom.js";

const $ = (sel) => document.querySelector(sel);
const WAR_KINDS = new Set(["war_won", "war_lost", "war_joined", "death", "hegemony_reached",
  "hegemony_lost"]);
// Milliseconds per year when playing.
const PLAY_MS = 80;
// Most actors in the outcome chart (besides "anyone").
const MAX_OUTCOME_ROWS = 12;
const POLARITY = {
  "unipolar": "#EE8866", "unipolar with great powers": "#EEDD88",
  "bipolar": "#77AADD", "multipolar": "#AAAA00",
};

// ------------------------------------------------------------------ helpers

function errorText(body, status) {
  if (!body) return `HTTP ${status}`;
  const d = body.detail;
  if (Array.isArray(d)) {
    return d.map((x) => `${(x.loc || []).filter((p) => p !== "body").join(".")}: ${x.msg}`)
      .join("; ");
  }
  return typeof d === "string" ? d : `HTTP ${status}`;
}

async function api(path, options = {}) {
  const opts = { ...options };
  if (opts.json !== undefined) {
    opts.method = opts.method || "POST";
    opts.headers = { "Content-Type": "application/json" };
    opts.body = JSON.stringify(opts.json);
    delete opts.json;
  }
  const res = await fetch(path, opts);
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(errorText(body, res.status));
  return body;
}

function setStatus(node, text, error = false) {
  node.textContent = text;
  node.classList.toggle("error", error);
}

function fmt(x, digits = 3) {
  if (x === null || x === undefined) return "–";
  if (typeof x === "number") return Number.isInteger(x) ? String(x) : x.toFixed(digits);
  return String(x);
}

function size(svg) {
  const r = svg.node().getBoundingClientRect();
  return [Math.max(r.width, 200), Math.max(r.height, 120)];
}

const tooltip = {
  show(ev, text) {
    const t = $("#tooltip");
    t.textContent = text;
    t.hidden = false;
    t.style.left = `${ev.clientX + 12}px`;
    t.style.top = `${ev.clientY + 12}px`;
  },
  hide() { $("#tooltip").hidden = true; },
};

// A packed matrix of the API ({dtype, shape, base64}: little-endian bytes) as a typed array
// with row access; one decode instead of parsing a number at a time.
const TYPED = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array,
  float64: Float64Array };
function unpack(p) {
  if (!p) return null;
  const bin = atob(p.base64);
  const bytes = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
  const data = new TYPED[p.dtype](bytes.buffer);
  const cols = p.shape[1];
  return { rows: p.shape[0], cols, data, row: (i) => data.subarray(i * cols, (i + 1) * cols) };
}

// Milliseconds since the Run click, by phase: what the benchmark reads off the page.
const timing = {
  start() { this.t0 = performance.now(); this.marks = {}; },
  mark(name) { if (this.t0 !== undefined) this.marks[name] = Math.round(performance.now() - this.t0); },
};

function downloadLink(parent, href, label) {
  const a = el("a", label);
  a.href = href;
  a.setAttribute("download", "");
  parent.appendChild(a);
}

// Follow a job by server-sent events until it is final; resolves with the final snapshot.
function follow(kind, id, onProgress) {
  return new Promise((resolve) => {
    const es = new EventSource(`/api/${kind}/${encodeURIComponent(id)}/events`);
    es.addEventListener("progress", (e) => {
      const snap = JSON.parse(e.data);
      onProgress(snap);
      if (["done", "failed", "cancelled"].includes(snap.status)) {
        es.close();
        resolve(snap);
      }
    });
    es.onerror = () => { es.close(); resolve({ status: "failed", error: "connection lost" }); };
  });
}

// ------------------------------------------------------------------ routing
function showPage() {
  const page = (location.hash || "#lab").slice(1);
  for (const p of ["lab", "compare", "history"]) {
    $(`#page-${p}`).hidden = p !== page;
    document.querySelector(`nav a[data-page=${p}]`).classList.toggle("active", p === page);
  }
  if (page === "compare") Compare.init();
  if (page === "history") History.init();
}

// ------------------------------------------------------------------ map drawing
let worldAtlas = null;
function atlas() {  // one fetch, shared by every map (started early: see Lab.init)
  if (!worldAtlas) {
    worldAtlas = fetch("/static/vendor/countries-110m.json").then((r) => r.json())
      .then((topo) => topojson.feature(topo, topo.objects.countries));
  }
  return worldAtlas;
}

// The default scenario of the picker.
const DEFAULT_SCENARIO = "warring-states";

// A province's name in a map payload (its id where the scenario names none).
function provinceLabel(map, i) {
  const P = map.provinces;
  return P.name && P.name[i] ? P.name[i] : P.id[i];
}

// Draw provinces of a map payload into svg once; returns {paint(owners)}, which only
// changes the fills (a year on the slider costs one attribute per province).
async function drawMap(svg, map, colorOf, tip) {
  svg.selectAll("*").remove();
  const [w, h] = size(svg);
  const gBase = svg.append("g");
  const gCells = svg.append("g");
  const gLinks = svg.append("g");
  const P = map.provinces;
  const n = P.province.length;
  const shapes = [];
  const centres = [];
  if (map.geo) {
    const pts = { type: "MultiPoint", coordinates: P.lon.map((lon, i) => [lon, P.lat[i]]) };
    const projection = d3.geoMercator().fitExtent([[30, 30], [w - 30, h - 30]], pts);
    const path = d3.geoPath(projection);
    const land = await atlas();
    gBase.selectAll("path").data(land.features).join("path")
      .attr("class", "land").attr("d", path);
    const coords = pts.coordinates;
    // Each province a small circle: half the distance to its nearest neighbour, capped
    // near the typical spacing so that a lone province does not swallow the map.
    const nearest = coords.map((c, i) => d3.min(coords, (o, j) => (j === i ? Infinity : d3.geoDistance(c, o))));
    const typical = d3.median(nearest.filter(Number.isFinite)) || 0.02;
    for (let i = 0; i < n; i++) {
      const rad = Math.min(Number.isFinite(nearest[i]) ? nearest[i] * 0.5 : typical, typical * 0.7);
      const deg = Math.min(Math.max(rad * 180 / Math.PI, 0.2), 6);
      shapes.push(path(d3.geoCircle().center(coords[i]).radius(deg)()));
      centres.push(projection(coords[i]));
    }
  } else {
    const xs = d3.extent(P.x);
    const ys = d3.extent(P.y);
    const spanX = (xs[1] - xs[0]) || 1;
    const spanY = (ys[1] - ys[0]) || 1;
    const k = Math.min((w - 40) / spanX, (h - 40) / spanY);
    const ox = (w - k * spanX) / 2;
    const oy = (h - k * spanY) / 2;
    for (let i = 0; i < n; i++) centres.push([ox + k * (P.x[i] - xs[0]), h - oy - k * (P.y[i] - ys[0])]);
    const vor = d3.Delaunay.from(centres).voronoi([ox - 20, oy - 20, w - ox + 20, h - oy + 20]);
    for (let i = 0; i < n; i++) shapes.push(vor.renderCell(i));
  }
  const links = map.links;
  gLinks.selectAll("line").data(d3.range(links.a.length)).join("line")
    .attr("class", (i) => `link ${links.kind[i]}`)
    .attr("x1", (i) => centres[links.a[i]][0]).attr("y1", (i) => centres[links.a[i]][1])
    .attr("x2", (i) => centres[links.b[i]][0]).attr("y2", (i) => centres[links.b[i]][1]);
  const cells = gCells.selectAll("path").data(d3.range(n)).join("path")
    .attr("class", "province").attr("d", (i) => shapes[i])
    .attr("data-province", (i) => P.id[i])
    .on("mousemove", (ev, i) => tooltip.show(ev, tip(i)))
    .on("mouseleave", () => tooltip.hide());
  if (P.initial_capital_of) {
    svg.append("g").selectAll("circle").data(d3.range(n).filter((i) => P.initial_capital_of[i]))
      .join("circle").attr("class", "capital").attr("r", 2.5)
      .attr("cx", (i) => centres[i][0]).attr("cy", (i) => centres[i][1]);
  }
  const nodes = cells.nodes();
  const shown = new Array(n).fill(null);
  const paint = (owners) => {  // touch only the provinces whose colour changed
    for (let i = 0; i < n; i++) {
      const c = colorOf(owners ? owners[i] : null, i);
      if (shown[i] !== c) { nodes[i].setAttribute("fill", c); shown[i] = c; }
    }
  };
  paint(null);
  return { paint };
}

// ------------------------------------------------------------------ charts
function axes(g, x, y, w, h, m, yLabel) {
  g.append("g").attr("class", "axis").attr("transform", `translate(0,${h - m.b})`)
    .call(d3.axisBottom(x).ticks(6).tickFormat(d3.format("d")));
  g.append("g").attr("class", "axis").attr("transform", `translate(${m.l},0)`)
    .call(d3.axisLeft(y).ticks(5));
  if (yLabel) {
    g.append("text").attr("class", "axis").attr("x", m.l + 4).attr("y", m.t - 4)
      .attr("font-size", 10).attr("fill", "#5b6475").text(yLabel);
  }
}

function lineChart(svg, years, series, opts = {}) {
  svg.selectAll("*").remove();
  const [w, h] = size(svg);
  const m = { l: 40, r: 10, t: 14, b: opts.band ? 40 : 22 };
  const x = d3.scaleLinear().domain(d3.extent(years)).range([m.l, w - m.r]);
  const yMax = opts.yMax ?? d3.max(series, (s) => d3.max(s.values)) ?? 1;
  const y = d3.scaleLinear().domain([0, yMax || 1]).nice().range([h - m.b, m.t]);
  if (opts.band) {  // polarity band under the axis: one rect per run of equal polarity
    const runs = [];
    for (let i = 0; i < years.length; i++) {
      if (runs.length && runs[runs.length - 1].p === opts.band[i]) runs[runs.length - 1].to = i;
      else runs.push({ p: opts.band[i], from: i, to: i });
    }
    const right = (i) => (i < years.length - 1 ? x(years[i + 1]) : x(years[i]));
    svg.append("g").selectAll("rect").data(runs).join("rect")
      .attr("x", (r) => x(years[r.from])).attr("width", (r) => right(r.to) - x(years[r.from]) + 0.5)
      .attr("y", h - 14).attr("height", 10)
      .attr("fill", (r) => POLARITY[r.p] || "#ccc")
      .on("mousemove", (ev, r) => tooltip.show(ev, `${years[r.from]}–${years[r.to]}: ${r.p}`))
      .on("mouseleave", () => tooltip.hide());
  }
  for (const s of series) {
    svg.append("path").attr("fill", "none").attr("stroke", s.color)
      .attr("stroke-width", s.width || 1.6).attr("stroke-dasharray", s.dash || null)
      .attr("d", d3.line().defined((v) => v !== null).x((v, i) => x(years[i])).y((v) => y(v))(s.values))
      .on("mousemove", (ev) => tooltip.show(ev, s.label))
      .on("mouseleave", () => tooltip.hide());
  }
  axes(svg, x, y, w, h, m, opts.yLabel);
  if (opts.band) {
    const seen = [...new Set(opts.band)];
    const lg = svg.append("g").attr("class", "axis");
    seen.forEach((p, k) => {
      lg.append("rect").attr("x", w - m.r - 150).attr("y", m.t + 12 * k).attr("width", 9)
        .attr("height", 9).attr("fill", POLARITY[p] || "#ccc");
      lg.append("text").attr("x", w - m.r - 137).attr("y", m.t + 8 + 12 * k).attr("font-size", 10)
        .attr("fill", "#5b6475").text(p);
    });
  }
  const cursor = svg.append("line").attr("class", "cursor").attr("y1", m.t).attr("y2", h - m.b);
  return { moveTo(year) { cursor.attr("x1", x(year)).attr("x2", x(year)); } };
}

function legend(node, names, colors) {
  clear(node);
  for (const n of names) {
    const item = el("span");
    const sw = el("span", null, "swatch");
    sw.style.background = colors[n];
    item.appendChild(sw);
    item.appendChild(document.createTextNode(n));
    node.appendChild(item);
  }
}

function table(node, rows, cols) {
  clear(node);
  const thead = node.appendChild(el("thead"));
  const tr = thead.appendChild(el("tr"));
  for (const c of cols) tr.appendChild(el("th", c.label));
  const tbody = node.appendChild(el("tbody"));
  for (const r of rows) {
    const row = tbody.appendChild(el("tr"));
    for (const c of cols) {
      const v = c.value ? c.value(r) : r[c.key];
      row.appendChild(el("td", fmt(v, c.digits ?? 3), typeof v === "number" ? "num" : null));
    }
  }
}

// ------------------------------------------------------------------ Lab
const Lab = {
  registry: [], scenario: null, job: null, summary: null, world: null, mapView: null,
  timer: null, charts: {},

  async init() {
    // Everything the first view needs at once: lists, the default scenario, the basemap.
    this.prefetched = { [DEFAULT_SCENARIO]: api(`/api/scenarios/${DEFAULT_SCENARIO}`) };
    this.prefetched[DEFAULT_SCENARIO].catch(() => null);  // an error shows when it is used
    atlas().catch(() => { worldAtlas = null; });
    const [scen, params] = await Promise.all([api("/api/scenarios"), api("/api/params")]);
    this.registry = params.params;
    this.history = scen.history;
    const sel = $("#scenario");
    for (const s of scen.scenarios) {
      const o = el("option", s.name);
      o.value = s.name;
      sel.appendChild(o);
    }
    sel.value = scen.scenarios.some((s) => s.name === DEFAULT_SCENARIO) ? DEFAULT_SCENARIO
      : scen.scenarios[0].name;
    sel.addEventListener("change", () => this.pick(sel.value));
    $("#run").addEventListener("click", () => this.run());
    $("#cancel").addEventListener("click", () => this.cancel());
    $("#params-filter").addEventListener("input", () => this.filterParams());
    $("#params-reset").addEventListener("click", () => this.renderParams());
    $("#year").addEventListener("input", () => this.setYear(+$("#year").value));
    $("#play").addEventListener("click", () => this.togglePlay());
    $("#world").addEventListener("change", () => this.openWorld(+$("#world").value));
    $("#log-kind").addEventListener("change", () => this.renderLog());
    await this.pick(sel.value);
  },

  async pick(spec, years) {
    if (![...$("#scenario").options].some((o) => o.value === spec)) {
      const o = el("option", spec);
      o.value = spec;
      $("#scenario").appendChild(o);
    }
    $("#scenario").value = spec;
    setStatus($("#status"), "loading scenario…");
    try {
      const early = this.prefetched[spec];
      delete this.prefetched[spec];
      this.scenario = await (early || api(`/api/scenarios/${encodeURIComponent(spec)}`));
    } catch (e) {
      setStatus($("#status"), e.message, true);
      return;
    }
    const s = this.scenario;
    $("#scenario-summary").textContent = s.description.split("\n")[0];
    $("#scenario-description").textContent = s.description;
    const ul = $("#scenario-sources");
    clear(ul);
    for (const src of s.sources) ul.appendChild(el("li", src));
    $("#scenario-actors").textContent =
      `${s.actors.length} actors: ${s.actors.map((a) => `${a.name} (${a.strategy})`).join(", ")}`;
    $("#years").value = years || s.years;
    this.renderParams();
    const names = s.actors.map((a) => a.name);
    await drawMap(d3.select("#preview-map"), s.map,
      (o, i) => (s.owners[i] >= 0 ? s.colors[names[s.owners[i]]] : s.unowned),
      (i) => `${provinceLabel(s.map, i)}: ${s.owners[i] >= 0 ? names[s.owners[i]] : "unowned"}`);
    setStatus($("#status"), "");
  },

  renderParams() {
    const box = $("#params");
    clear(box);
    const values = this.scenario.params;
    for (const p of this.registry) {
      const row = el("div", null, "param");
      row.dataset.name = p.name;
      const label = el("label");
      label.appendChild(el("span", p.name, "name"));
      let input;
      if (p.kind === "bool") {
        input = el("input");
        input.type = "checkbox";
        input.checked = Boolean(values[p.name]);
      } else if (p.kind === "choice") {
        input = el("select");
        for (const c of p.choices) {
          const o = el("option", c);
          o.value = c;
          input.appendChild(o);
        }
        input.value = values[p.name];
      } else {
        input = el("input");
        input.type = "number";
        input.step = "any";
        if (p.lo !== null) input.min = p.lo;
        if (p.hi !== null) input.max = p.hi;
        input.value = values[p.name];
      }
      input.dataset.param = p.name;
      input.dataset.initial = p.kind === "bool" ? String(input.checked) : String(input.value);
      input.addEventListener("change", () => this.markChanged());
      label.appendChild(input);
      row.appendChild(label);
      row.title = `${p.doc}\n\nallowed: ${p.allowed}; default ${p.default}\nsource: ${p.source}`;
      box.appendChild(row);
    }
    this.markChanged();
    this.filterParams();
  },

  overrides() {
    const out = {};
    for (const input of document.querySelectorAll("#params [data-param]")) {
      const now = input.type === "checkbox" ? String(input.checked) : String(input.value);
      if (now === input.dataset.initial) continue;
      const p = this.registry.find((r) => r.name === input.dataset.param);
      out[p.name] = p.kind === "bool" ? input.checked : p.kind === "choice" ? input.value
        : Number(input.value);
    }
    return out;
  },

  markChanged() {
    const changed = this.overrides();
    for (const row of document.querySelectorAll("#params .param")) {
      row.classList.toggle("changed", row.dataset.name in changed);
    }
    const k = Object.keys(changed).length;
    $("#params-changed").textContent = k ? `(${k} changed)` : "";
  },

  filterParams() {
    const q = $("#params-filter").value.trim().toLowerCase();
    for (const row of document.querySelectorAll("#params .param")) {
      row.hidden = Boolean(q) && !row.dataset.name.includes(q) && !row.title.toLowerCase().includes(q);
    }
  },

  async run() {
    this.stop();
    timing.start();
    delete $("#results").dataset.run;
    const body = {
      scenario: $("#scenario").value, params: this.overrides(),
      worlds: +$("#worlds").value, years: +$("#years").value, seed: +$("#seed").value,
    };
    $("#run").disabled = true;
    setStatus($("#status"), "submitting…");
    let job;
    try {
      job = await api("/api/runs", { json: body });
    } catch (e) {
      setStatus($("#status"), e.message, true);
      $("#run").disabled = false;
      return;
    }
    this.job = job;
    timing.mark("submitted");
    $("#cancel").disabled = job.status === "done";
    const started = performance.now();
    const snap = job.status === "done" ? job : await follow("runs", job.id, (s) => {
      $("#progress").value = s.total ? s.done / s.total : 0;
      setStatus($("#status"), s.status === "queued" ? "queued…"
        : `simulating: ${s.done}/${s.total || "?"} years`);
    });
    $("#run").disabled = false;
    $("#cancel").disabled = true;
    if (snap.status !== "done") {
      setStatus($("#status"), `${snap.status}${snap.error ? `: ${snap.error}` : ""}`,
        snap.status === "failed");
      return;
    }
    $("#progress").value = 1;
    timing.mark("simulated");
    await this.show(job.id, job.first_world);
    timing.mark("drawn");
    $("#results").dataset.timings = JSON.stringify(timing.marks);
    const secs = ((performance.now() - started) / 1000).toFixed(2);
    setStatus($("#status"), `done in ${secs} s${job.cached ? " (from the cache)" : ""}`);
    $("#results").dataset.run = job.id;  // for tests and scripts: this run is on screen
  },

  async cancel() {
    if (this.job) await api(`/api/runs/${this.job.id}`, { method: "DELETE" });
  },

  async show(id, firstWorld = 0) {
    // The summary, the map and the first world are independent: ask for all three at once.
    const [res, mapData, world] = await Promise.all([
      api(`/api/runs/${id}`), api(`/api/runs/${id}/map`), this.fetchWorld(id, firstWorld)]);
    timing.mark("fetched");
    this.summary = res.summary;
    this.jobInfo = res;
    const sm = res.summary;
    $("#results").hidden = false;
    $("#cli").textContent = res.cli;
    $("#cli-note").textContent = res.cli_note || "";
    const dl = $("#downloads");
    clear(dl);
    for (const t of sm.tables) {
      for (const f of ["parquet", "csv"]) downloadLink(dl, `/api/runs/${id}/tables/${t}.${f}`, `${t}.${f}`);
    }
    this.figureLinks = el("span");
    dl.appendChild(this.figureLinks);
    const ws = $("#world");
    clear(ws);
    const F = sm.final;
    for (let k = 0; k < F.world.length; k++) {
      const o = el("option", `world ${F.world[k]}: ${F.leader_name[k]} leads (${fmt(F.largest_share[k], 2)}), ${F.live_actors[k]} left, ${F.polarity[k]}`);
      o.value = F.world[k];
      ws.appendChild(o);
    }
    legend($("#legend"), sm.actors, sm.colors);
    // A run of the same map (same scenario, another seed or setting) keeps the drawn paths;
    // only the colours (the run's actors) are looked up afresh.
    const key = JSON.stringify(mapData);
    if (key !== this.mapKey) {
      this.mapKey = key;
      this.mapData = mapData;
      const colorOf = (o) => (o === null || o === undefined || o < 0 ? this.summary.unowned
        : this.summary.colors[this.summary.actors[o]]);
      this.mapView = await drawMap(d3.select("#map"), mapData, colorOf,
        (i) => this.provinceTip(i));
    }
    this.renderEnsemble();
    this.showWorld(world);
  },

  async fetchWorld(id, world) {
    const W = await api(`/api/runs/${id}/worlds/${world}`);
    W.shares = unpack(W.shares);
    W.alive = unpack(W.alive);
    W.owners = unpack(W.owners);
    const A = W.alliances;
    W.alliances = { year: unpack(A.year).data, actor: unpack(A.actor).data,
      ally: unpack(A.ally).data };
    return W;
  },

  // "Name: owner" of a province in the year on the slider (its id where it has no name).
  provinceTip(i) {
    const o = this.world && this.world.owners ? this.world.owners.row(this.yearIndex())[i] : -1;
    return `${provinceLabel(this.mapData, i)}: ${o >= 0 ? this.summary.actors[o] : "unowned"}`;
  },

  async openWorld(world) {
    setStatus($("#status"), `loading world ${world}…`);
    delete $("#map").dataset.world;
    this.showWorld(await this.fetchWorld(this.jobInfo.id, world));
    setStatus($("#status"), "");
  },

  showWorld(W) {
    const id = this.jobInfo.id;
    const world = W.world;
    this.world = W;
    this.stop();
    $("#world").value = world;
    const sm = this.summary;
    const years = W.years;
    $("#year").max = years[years.length - 1];
    $("#year").min = years[0];
    const series = sm.actors.map((n, a) => ({ label: n, color: sm.colors[n],
      values: Array.from({ length: W.shares.rows }, (_, i) => W.shares.data[i * W.shares.cols + a]) }));
    this.charts.shares = lineChart(d3.select("#shares"), years, series, { yMax: 1, yLabel: "share" });
    const S = W.system;
    this.charts.polarity = lineChart(d3.select("#polarity"), years, [
      { label: "CON (concentration)", color: "#0072B2", values: S.con },
      { label: "largest share", color: "#E69F00", values: S.largest_share, dash: "4 2" },
    ], { yMax: 1, band: S.polarity, yLabel: "CON, largest share; band: polarity" });
    clear(this.figureLinks);
    for (const f of ["png", "svg"]) downloadLink(this.figureLinks, `/api/runs/${id}/figure/${world}.${f}`, `world ${world}.${f}`);
    this.network = null;  // rebuilt for this world's actors on the next year drawn
    this.drawYear(years[years.length - 1]);
    $("#map").dataset.world = String(world);
  },

  yearIndex() {
    const years = this.world.years;
    const y = +$("#year").value;
    const i = years.indexOf(y);
    return i >= 0 ? i : years.length - 1;
  },

  // The slider's input: the label at once, the drawing on the next animation frame (a fast
  // drag draws once per frame, not once per event).
  setYear(year) {
    $("#year").value = year;
    $("#year-label").textContent = String(year);
    this.pendingYear = year;
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = null;
        this.drawYear(this.pendingYear);
      });
    }
  },

  drawYear(year) {
    $("#year").value = year;
    $("#year-label").textContent = String(year);
    $("#network-year").textContent = String(year);
    const i = this.yearIndex();
    if (this.world.owners) this.mapView.paint(this.world.owners.row(i));
    this.charts.shares.moveTo(year);
    this.charts.polarity.moveTo(year);
    this.renderNetwork(year, i);
    this.renderLog();
    $("#map").dataset.year = String(year);  // for tests: this year is painted
  },

  // Play: one year per PLAY_MS on animation frames (paused with the tab hidden).
  togglePlay() {
    if (this.playing) { this.stop(); return; }
    const years = this.world.years;
    if (+$("#year").value >= years[years.length - 1]) this.drawYear(years[0]);
    $("#play").textContent = "Pause";
    this.playing = true;
    let last = performance.now();
    const step = (now) => {
      if (!this.playing) return;
      if (now - last >= PLAY_MS) {
        last = now;
        const y = +$("#year").value + 1;
        if (y > years[years.length - 1]) { this.stop(); return; }
        this.drawYear(y);
      }
      this.timer = requestAnimationFrame(step);
    };
    this.timer = requestAnimationFrame(step);
  },

  stop() {
    if (this.timer) cancelAnimationFrame(this.timer);
    this.timer = null;
    this.playing = false;
    $("#play").textContent = "Play";
  },

  // The alliance network: nodes built once per world, then per year only their sizes and
  // colours and the set of edges change.
  renderNetwork(year, i) {
    const svg = d3.select("#network");
    const sm = this.summary;
    const n = sm.actors.length;
    if (!this.network) {
      svg.selectAll("*").remove();
      const [w, h] = size(svg);
      const r = Math.min(w, h) / 2 - 40;
      const pos = sm.actors.map((_, k) => [w / 2 + r * Math.cos(2 * Math.PI * k / n - Math.PI / 2),
        h / 2 + r * Math.sin(2 * Math.PI * k / n - Math.PI / 2)]);
      const gEdges = svg.append("g");
      const g = svg.append("g").selectAll("g").data(d3.range(n)).join("g")
        .attr("transform", (k) => `translate(${pos[k][0]},${pos[k][1]})`);
      const circles = g.append("circle").attr("stroke", "#1d2330").attr("stroke-width", 0.5)
        .on("mousemove", (ev, k) => {
          const j = this.yearIndex();
          const alive = this.world.alive.row(j)[k];
          tooltip.show(ev, `${sm.actors[k]}: share ${fmt(this.world.shares.row(j)[k])}${alive ? "" : " (dead)"}`);
        })
        .on("mouseleave", () => tooltip.hide());
      const labels = n <= 40 ? g.append("text").attr("class", "node-label")
        .attr("text-anchor", "middle").text((k) => sm.actors[k]) : null;
      // Alliances by year, indexed once.
      const A = this.world.alliances;
      const byYear = new Map();
      for (let k = 0; k < A.year.length; k++) {
        if (!byYear.has(A.year[k])) byYear.set(A.year[k], []);
        byYear.get(A.year[k]).push([A.actor[k], A.ally[k]]);
      }
      this.network = { pos, gEdges, circles, labels, byYear };
    }
    const { pos, gEdges, circles, labels, byYear } = this.network;
    gEdges.selectAll("line").data(byYear.get(year) || []).join("line").attr("class", "edge")
      .attr("x1", (e) => pos[e[0]][0]).attr("y1", (e) => pos[e[0]][1])
      .attr("x2", (e) => pos[e[1]][0]).attr("y2", (e) => pos[e[1]][1]);
    const alive = this.world.alive.row(i);
    const share = this.world.shares.row(i);
    circles.attr("r", (k) => 4 + 22 * Math.sqrt(share[k]))
      .attr("fill", (k) => (alive[k] ? sm.colors[sm.actors[k]] : "#eee"));
    if (labels) labels.attr("dy", (k) => -(8 + 22 * Math.sqrt(share[k])));
  },

  renderLog() {
    if (!this.world) return;
    const L = this.world.log;
    const year = +$("#year").value;
    const all = $("#log-kind").value === "all";  // else wars and deaths only
    const rows = [];
    for (let k = L.year.length - 1; k >= 0 && rows.length < 300; k--) {
      if (L.year[k] > year) continue;
      if (!all && !WAR_KINDS.has(L.kind[k])) continue;
      rows.push(k);
    }
    const tbody = $("#log tbody");
    const frag = document.createDocumentFragment();
    for (const k of rows) {
      const tr = el("tr", null, L.year[k] === year ? "current" : null);
      for (const v of [L.year[k], L.kind[k].replaceAll("_", " "), L.actor_name[k], L.other_name[k]]) tr.appendChild(el("td", v === "-" ? "" : v));
      frag.appendChild(tr);
    }
    clear(tbody);
    tbody.appendChild(frag);
  },

  renderEnsemble() {
    const sm = this.summary;
    // Outcome distribution: unification share per actor with its interval.
    const svg = d3.select("#outcomes");
    svg.selectAll("*").remove();
    const [w, h] = size(svg);
    // Many actors (a COW year has dozens): the ones that unified some world, most first,
    // up to MAX_OUTCOME_ROWS, and "anyone"; the table download has them all.
    let rows = sm.unification;
    if (rows.length > MAX_OUTCOME_ROWS + 1) {
      const anyone = rows[rows.length - 1];  // the library's last row
      rows = rows.slice(0, -1).filter((r) => r.worlds > 0)
        .sort((a, b) => b.worlds - a.worlds).slice(0, MAX_OUTCOME_ROWS).concat([anyone]);
    }
    const m = { l: 110, r: 50, t: 8, b: 22 };
    const y = d3.scaleBand().domain(rows.map((r) => r.actor)).range([m.t, h - m.b]).padding(0.2);
    const x = d3.scaleLinear().domain([0, 1]).range([m.l, w - m.r]);
    svg.append("g").selectAll("rect").data(rows).join("rect")
      .attr("x", m.l).attr("y", (r) => y(r.actor)).attr("height", y.bandwidth())
      .attr("width", (r) => x(r.share) - m.l)
      .attr("fill", (r) => sm.colors[r.actor] || "#999")
      .on("mousemove", (ev, r) => tooltip.show(ev, `${r.actor}: ${r.worlds} of ${sm.worlds} worlds (${fmt(r.ci_low)}–${fmt(r.ci_high)})`))
      .on("mouseleave", () => tooltip.hide());
    svg.append("g").selectAll("line").data(rows).join("line").attr("stroke", "#1d2330")
      .attr("x1", (r) => x(r.ci_low)).attr("x2", (r) => x(r.ci_high))
      .attr("y1", (r) => y(r.actor) + y.bandwidth() / 2).attr("y2", (r) => y(r.actor) + y.bandwidth() / 2);
    svg.append("g").selectAll("text").data(rows).join("text").attr("class", "node-label")
      .attr("x", (r) => x(r.ci_high) + 4).attr("y", (r) => y(r.actor) + y.bandwidth() / 2 + 4)
      .text((r) => `${r.worlds}`);
    svg.append("g").attr("class", "axis").attr("transform", `translate(${m.l},0)`).call(d3.axisLeft(y));
    svg.append("g").attr("class", "axis").attr("transform", `translate(0,${h - m.b})`).call(d3.axisBottom(x).ticks(5, "%"));
    // Fan chart of the largest share across worlds.
    const fan = sm.fans.largest_share;
    const fsvg = d3.select("#fan");
    fsvg.selectAll("*").remove();
    const [fw, fh] = size(fsvg);
    const fm = { l: 40, r: 10, t: 14, b: 22 };
    const fx = d3.scaleLinear().domain(d3.extent(fan.years)).range([fm.l, fw - fm.r]);
    const fy = d3.scaleLinear().domain([0, 1]).range([fh - fm.b, fm.t]);
    const q = fan.quantiles.length;
    for (let k = 0; k < Math.floor(q / 2); k++) {
      fsvg.append("path").attr("fill", "#0072B2").attr("fill-opacity", 0.18 + 0.17 * k)
        .attr("d", d3.area().x((v, i) => fx(fan.years[i])).y0((v) => fy(v[k])).y1((v) => fy(v[q - 1 - k]))(fan.values))
        .on("mousemove", (ev) => tooltip.show(ev, `${fan.quantiles[k] * 100}–${fan.quantiles[q - 1 - k] * 100}% of worlds`))
        .on("mouseleave", () => tooltip.hide());
    }
    fsvg.append("path").attr("fill", "none").attr("stroke", "#1d2330").attr("stroke-width", 1.5)
      .attr("d", d3.line().x((v, i) => fx(fan.years[i])).y((v) => fy(v[Math.floor(q / 2)]))(fan.values));
    axes(fsvg, fx, fy, fw, fh, fm, `median and bands, ${sm.worlds} worlds`);
  },
};

// ------------------------------------------------------------------ Compare
const Compare = {
  ready: false, job: null,

  async init() {
    if (this.ready) return;
    this.ready = true;
    const [reg, scen] = await Promise.all([api("/api/compare/experiments"), api("/api/scenarios")]);
    this.experiments = reg.experiments;
    this.statistics = reg.statistics;
    const sel = $("#cmp-experiment");
    for (const e of reg.experiments) {
      if (e.needs_data && !reg.data) continue;
      const o = el("option", `${e.claim}. ${e.name}: ${e.title}`);
      o.value = e.name;
      sel.appendChild(o);
    }
    sel.addEventListener("change", () => this.describeExperiment());
    const ss = $("#cmp-scenario");
    for (const s of scen.scenarios) {
      const o = el("option", s.name);
      o.value = s.name;
      ss.appendChild(o);
    }
    ss.value = "warring-states";
    ss.addEventListener("change", () => this.loadActors());
    const st = $("#cmp-statistic");
    for (const s of reg.statistics) {
      const o = el("option", `${s.name}: ${s.description}`);
      o.value = s.name;
      st.appendChild(o);
    }
    st.addEventListener("change", () => this.toggleActor());
    for (const input of document.querySelectorAll("input[name=cmp-mode]")) {
      input.addEventListener("change", () => this.mode());
    }
    $("#cmp-a-add").addEventListener("click", () => this.addRow("#cmp-a"));
    $("#cmp-b-add").addEventListener("click", () => this.addRow("#cmp-b"));
    $("#cmp-run").addEventListener("click", () => this.run());
    $("#cmp-cancel").addEventListener("click", () => this.cancel());
    this.describeExperiment();
    await this.loadActors();
    this.addRow("#cmp-b");
  },

  async cancel() {
    if (!this.job) return;
    $("#cmp-cancel").disabled = true;
    try {
      await api(`/api/compare/${this.job.id}`, { method: "DELETE" });
    } catch (e) {
      setStatus($("#cmp-status"), e.message, true);
    }
  },

  mode() {
    const m = document.querySelector("input[name=cmp-mode]:checked").value;
    $("#cmp-experiment-box").hidden = m !== "experiment";
    $("#cmp-settings-box").hidden = m !== "settings";
    return m;
  },

  describeExperiment() {
    const e = this.experiments.find((x) => x.name === $("#cmp-experiment").value);
    if (!e) return;
    $("#cmp-claim").textContent = e.claim_text;
    const ul = $("#cmp-arms");
    clear(ul);
    for (const a of e.arms) {
      const changes = { ...a.strategies, ...a.overrides };
      const text = Object.entries(changes).map(([k, v]) => `${k}=${v}`).join(", ");
      ul.appendChild(el("li", `${a.label}: ${a.scenario}${text ? ` (${text})` : ""}`));
    }
    $("#cmp-worlds").value = Math.min(e.worlds, 40);
  },

  async loadActors() {
    const s = await api(`/api/scenarios/${encodeURIComponent($("#cmp-scenario").value)}`);
    const sel = $("#cmp-actor");
    clear(sel);
    for (const a of s.actors) {
      const o = el("option", a.name);
      o.value = a.name;
      sel.appendChild(o);
    }
    this.toggleActor();
  },

  toggleActor() {
    const s = this.statistics.find((x) => x.name === $("#cmp-statistic").value);
    $("#cmp-actor-label").hidden = !s.actor;
  },

  addRow(box) {
    const row = el("div", null, "row");
    const sel = el("select");
    for (const p of Lab.registry) {
      const o = el("option", p.name);
      o.value = p.name;
      sel.appendChild(o);
    }
    const input = el("input");
    const sync = () => {
      const p = Lab.registry.find((r) => r.name === sel.value);
      input.value = String(p.default);
      row.title = `${p.doc}\nallowed: ${p.allowed}`;
    };
    sel.addEventListener("change", sync);
    const first = box === "#cmp-b" && !$(box).children.length;
    if (first) sel.value = "conquest_rate";
    sync();
    if (first) input.value = "0.9";  // a setting that differs from A, as an example
    const rm = el("button", "×");
    rm.type = "button";
    rm.addEventListener("click", () => row.remove());
    row.append(sel, input, rm);
    $(box).appendChild(row);
  },

  settings(box) {
    const out = {};
    for (const row of document.querySelectorAll(`${box} .row`)) {
      const name = row.querySelector("select").value;
      const raw = row.querySelector("input").value.trim();
      const p = Lab.registry.find((r) => r.name === name);
      out[name] = p.kind === "number" ? Number(raw) : p.kind === "bool" ? raw === "true" : raw;
    }
    return out;
  },

  async run() {
    const m = this.mode();
    const body = {
      worlds: +$("#cmp-worlds").value, seed: +$("#cmp-seed").value,
      confidence: +$("#cmp-confidence").value,
    };
    if ($("#cmp-years").value) body.years = +$("#cmp-years").value;
    if (m === "experiment") body.experiment = $("#cmp-experiment").value;
    else {
      body.scenario = $("#cmp-scenario").value;
      body.a = this.settings("#cmp-a");
      body.b = this.settings("#cmp-b");
      const st = this.statistics.find((x) => x.name === $("#cmp-statistic").value);
      body.statistic = st.actor ? `${st.name}:${$("#cmp-actor").value}` : st.name;
    }
    $("#cmp-run").disabled = true;
    setStatus($("#cmp-status"), "submitting…");
    try {
      this.job = await api("/api/compare", { json: body });
    } catch (e) {
      setStatus($("#cmp-status"), e.message, true);
      $("#cmp-run").disabled = false;
      return;
    }
    $("#cmp-cancel").disabled = false;
    const snap = this.job.status === "done" ? this.job : await follow("compare", this.job.id, (s) => {
      $("#cmp-progress").value = s.total ? s.done / s.total : 0;
      setStatus($("#cmp-status"), s.status === "running" && s.total > 1
        ? `simulating: ${s.done}/${s.total} years (all arms)` : `${s.status}…`);
    });
    $("#cmp-run").disabled = false;
    $("#cmp-cancel").disabled = true;
    if (snap.status !== "done") {
      setStatus($("#cmp-status"), `${snap.status}${snap.error ? `: ${snap.error}` : ""}`, snap.status === "failed");
      return;
    }
    $("#cmp-progress").value = 1;
    await this.show(this.job.id);
    setStatus($("#cmp-status"), `done${this.job.cached ? " (from the cache)" : ""}`);
    $("#cmp-results").dataset.job = this.job.id;
  },

  async show(id) {
    const res = await api(`/api/compare/${id}`);
    const r = res.result;
    $("#cmp-results").hidden = false;
    $("#cmp-cli").textContent = res.cli;
    $("#cmp-title").textContent = `${res.title}: ${res.claim_text}`;
    const v = $("#cmp-verdict");
    v.textContent = `The claim ${r.verdict} (${r.worlds} worlds per arm, seed ${r.seed}, confidence ${r.confidence})`;
    v.className = `verdict ${r.holds ? "holds" : "fails"}`;
    const dl = $("#cmp-downloads");
    clear(dl);
    for (const t of ["arms", "comparisons", "checks", "per_world"]) {
      for (const f of ["csv", "parquet"]) downloadLink(dl, `/api/compare/${id}/tables/${t}.${f}`, `${t}.${f}`);
    }
    table($("#cmp-arms-table"), r.arms, [
      { label: "arm", key: "arm" }, { label: "statistic", key: "statistic" },
      { label: "mean", key: "mean" }, { label: "low", key: "ci_low" },
      { label: "high", key: "ci_high" }, { label: "worlds", key: "worlds" }]);
    table($("#cmp-diff-table"), r.comparisons, [
      { label: "statistic", key: "statistic" },
      { label: "difference", value: (c) => `${c.high} − ${c.low}` },
      { label: "mean", key: "difference" }, { label: "low", key: "ci_low" },
      { label: "high", key: "ci_high" }, { label: "holds", value: (c) => (c.holds ? "yes" : "no") }]);
    table($("#cmp-checks-table"), r.checks, [
      { label: "check", key: "check" }, { label: "value", key: "value" },
      { label: "holds", value: (c) => (c.holds ? "yes" : "no") }]);
    // Paired differences with their intervals around zero.
    const svg = d3.select("#cmp-chart");
    svg.selectAll("*").remove();
    const rows = r.comparisons;
    if (!rows.length) return;
    const [w, h] = size(svg);
    const m = { l: 160, r: 20, t: 10, b: 24 };
    let lo = Math.min(0, ...rows.map((c) => c.ci_low));
    let hi = Math.max(0, ...rows.map((c) => c.ci_high));
    if (hi - lo < 1e-9) { lo -= 1; hi += 1; }  // no spread at all (every world alike)
    const x = d3.scaleLinear().domain([lo, hi]).nice().range([m.l, w - m.r]);
    const y = d3.scaleBand().domain(rows.map((c, k) => k)).range([m.t, h - m.b]).padding(0.4);
    svg.append("line").attr("class", "cursor").attr("x1", x(0)).attr("x2", x(0)).attr("y1", m.t).attr("y2", h - m.b);
    const g = svg.append("g").selectAll("g").data(rows).join("g");
    g.append("line").attr("stroke", "#1d2330").attr("stroke-width", 2)
      .attr("x1", (c) => x(c.ci_low)).attr("x2", (c) => x(c.ci_high))
      .attr("y1", (c, k) => y(k) + y.bandwidth() / 2).attr("y2", (c, k) => y(k) + y.bandwidth() / 2);
    g.append("circle").attr("r", 5).attr("fill", (c) => (c.holds ? "#117733" : "#B2182B"))
      .attr("cx", (c) => x(c.difference)).attr("cy", (c, k) => y(k) + y.bandwidth() / 2);
    g.append("text").attr("class", "node-label").attr("x", m.l - 6).attr("text-anchor", "end")
      .attr("y", (c, k) => y(k) + y.bandwidth() / 2 + 4).text((c) => `${c.statistic}: ${c.high} − ${c.low}`);
    svg.append("g").attr("class", "axis").attr("transform", `translate(0,${h - m.b})`).call(d3.axisBottom(x).ticks(6));
  },
};

// ------------------------------------------------------------------ History
const History = {
  ready: false,

  async init() {
    if (this.ready) return;
    this.ready = true;
    if (!Lab.history) {
      setStatus($("#hist-status"), "The server was started without --data: start it with " +
        "'powerbalance serve --data DIR' (a folder of your COW downloads) to see the history.");
      return;
    }
    setStatus($("#hist-status"), "loading the COW data…");
    let h;
    try {
      h = await api("/api/history");
    } catch (e) {
      setStatus($("#hist-status"), e.message, true);
      return;
    }
    setStatus($("#hist-status"), "");
    $("#hist-body").hidden = false;
    const T = h.table;
    $("#hist-span").textContent = `${T.year[0]}–${T.year[T.year.length - 1]}`;
    $("#hist-year").min = T.year[0];
    $("#hist-year").max = T.year[T.year.length - 1];
    const dl = $("#hist-downloads");
    for (const f of ["csv", "parquet"]) downloadLink(dl, `/api/history/table.${f}`, `history.${f}`);
    for (const f of ["png", "svg"]) downloadLink(dl, `/api/history/figure.${f}`, `history.${f}`);
    const series = [{ label: "CON, all states", color: "#0072B2", values: T.con }];
    if (T.mp_con) series.push({ label: "CON, major powers", color: "#CC79A7", values: T.mp_con, dash: "4 2" });
    series.push({ label: "leader's share", color: "#009E73", values: T.leader_share, dash: "1 2" });
    const con = lineChart(d3.select("#hist-con"), T.year, series, { yMax: 1, band: T.polarity, yLabel: "CON; band: polarity" });
    const P = h.powers;
    const names = [...new Set(P.power)];
    const colors = {};
    names.forEach((n, k) => { colors[n] = d3.schemeTableau10[k % 10]; });
    const byPower = names.map((n) => ({
      label: n, color: colors[n],
      values: T.year.map((yr) => {
        for (let k = 0; k < P.year.length; k++) if (P.year[k] === yr && P.power[k] === n) return P.share[k];
        return null;
      }),
    }));
    const pow = lineChart(d3.select("#hist-powers"), T.year, byPower, { yMax: 1, yLabel: "share" });
    legend($("#hist-legend"), names, colors);
    const ul = $("#hist-transitions");
    for (const t of h.transitions) {
      ul.appendChild(el("li", `${t.year}: ${t.challenger_abb || t.challenger} overtakes ${t.dominant_abb || t.dominant}`));
    }
    const info = () => {
      const yr = +$("#hist-year").value;
      const k = T.year.indexOf(yr);
      con.moveTo(yr);
      pow.moveTo(yr);
      $("#hist-year-info").textContent = k < 0 ? "no data for that year"
        : `${T.polarity[k]}, CON ${fmt(T.con[k])}, leader ${T.leader_abb[k]} (${fmt(T.leader_share[k])})`;
    };
    $("#hist-year").addEventListener("input", info);
    info();
    $("#hist-simulate").addEventListener("click", async () => {
      location.hash = "#lab";
      await Lab.pick(`cow:${+$("#hist-year").value}`, 50);
    });
  },
};

// ------------------------------------------------------------------ SVG and PNG downloads
// Every chart card gets "svg" and "png" links that save the chart as the browser drew it.
// The page's stylesheet does not travel with a file: the styles that draw (fills, strokes,
// fonts) are copied onto each element of the copy.
const DRAWN_STYLES = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray",
  "stroke-opacity", "opacity", "font-family", "font-size", "font-weight", "text-anchor",
  "dominant-baseline", "visibility"];

function standaloneSvg(svg) {
  const copy = svg.cloneNode(true);
  const from = svg.querySelectorAll("*");
  const to = copy.querySelectorAll("*");
  for (let k = 0; k < from.length; k++) {
    const cs = getComputedStyle(from[k]);
    for (const prop of DRAWN_STYLES) to[k].style.setProperty(prop, cs.getPropertyValue(prop));
  }
  const [w, h] = size(d3.select(svg));
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", w);
  copy.setAttribute("height", h);
  copy.style.setProperty("font-family", getComputedStyle(svg).getPropertyValue("font-family"));
  return { text: new XMLSerializer().serializeToString(copy), w, h };
}

function saveBlob(blob, name) {
  const link = el("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// The chart drawn onto a white canvas at twice its size, saved as PNG.
function savePng(svg, name) {
  const { text, w, h } = standaloneSvg(svg);
  const img = new Image();
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  img.onload = () => {
    const canvas = document.createElement("canvas");
    canvas.width = 2 * w;
    canvas.height = 2 * h;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    URL.revokeObjectURL(url);
    canvas.toBlob((blob) => saveBlob(blob, name), "image/png");
  };
  img.src = url;
}

function svgLinks() {
  for (const svg of document.querySelectorAll("svg.chart, svg.map:not(.preview)")) {
    const card = svg.closest(".card");
    if (!card || card.querySelector("a.svg-download")) continue;
    const bar = card.querySelector("h3, .toolbar");
    if (!bar) continue;
    const stem = svg.id || "chart";
    const svgLink = el("a", "svg", "svg-download");
    svgLink.href = "#";
    svgLink.addEventListener("click", (ev) => {
      ev.preventDefault();
      saveBlob(new Blob([standaloneSvg(svg).text], { type: "image/svg+xml" }), `${stem}.svg`);
    });
    const pngLink = el("a", "png", "svg-download png-download");
    pngLink.href = "#";
    pngLink.addEventListener("click", (ev) => {
      ev.preventDefault();
      savePng(svg, `${stem}.png`);
    });
    const links = el("span", null, "chart-downloads");
    links.append(svgLink, pngLink);
    bar.append(links);
  }
}

// ------------------------------------------------------------------ start
window.addEventListener("hashchange", showPage);
window.addEventListener("DOMContentLoaded", async () => {
  try {
    await Lab.init();
  } catch (e) {
    setStatus($("#status"), e.message, true);
  }
  showPage();
  svgLinks();
  performance.mark("lab-ready");  // what the benchmark reads: ms from navigation start
  document.body.dataset.ready = "true";
});
