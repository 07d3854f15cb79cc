// powerbalance lab, Game page: lead a power one turn a year. Every number comes from the
// server (the library's Game); text is written with textContent only, never as HTML.
/* global d3 */
import { clear, el } from "./dom.js";

const $ = (sel) => document.querySelector(sel);
const TARGETS = ["attack", "offer", "pay", "pressure", "subvert"];
const LABELS = {
  spend: "Military spending", attack: "Demand provinces of", offer: "Offer an alliance to",
  accept: "Accept offers", leave: "Leave all alliances", defend: "Defend attacked allies with",
  join_offence: "Join allies' attacks with", pay: "Pay to stay out", pressure: "Pressure",
  subvert: "Subvert",
};

let setup = null;
let game = null; // the last view


async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(path, opts);
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const d = data && data.detail;
    const text = Array.isArray(d) ? d.map((x) => x.msg).join("; ") : (d || `HTTP ${res.status}`);
    throw new Error(text);
  }
  return data;
}

function status(text, error = false) {
  const s = $("#game-status");
  s.textContent = text;
  s.classList.toggle("error", error);
}

function option(select, value, label) {
  const o = el("option", label ?? value);
  o.value = value;
  select.appendChild(o);
}

// ------------------------------------------------------------------ setup
async function init() {
  if (setup) return;
  setup = await api("/api/game/setup");
  const scen = $("#game-scenario");
  for (const row of setup.scenarios) option(scen, row.name);
  for (const level of setup.levels) option($("#game-level"), level);
  $("#game-level").value = "intermediate";
  scen.addEventListener("change", powers);
  powers();
  $("#game-start").addEventListener("click", start);
  $("#game-play").addEventListener("click", playTurn);
  $("#game-escalate").addEventListener("click", () => answer("escalate"));
  $("#game-backdown").addEventListener("click", () => answer("back_down"));
  $("#game-load").addEventListener("change", resume);
}

function powers() {
  const row = setup.scenarios.find((r) => r.name === $("#game-scenario").value);
  const sel = $("#game-power");
  clear(sel);
  for (const p of row.powers) option(sel, p);
  sel.value = row.suggested;
}

async function start() {
  status("starting…");
  try {
    show(await api("/api/game", {
      scenario: $("#game-scenario").value, player: $("#game-power").value,
      level: $("#game-level").value, seed: Number($("#game-seed").value),
      years: Number($("#game-years").value),
    }));
    status("");
  } catch (e) { status(e.message, true); }
}

async function resume(ev) {
  const file = ev.target.files[0];
  if (!file) return;
  status("replaying the saved game…");
  try {
    const record = JSON.parse(await file.text());
    show(await api("/api/game/load", record));
    status("resumed");
  } catch (e) { status(e.message, true); }
}

// ------------------------------------------------------------------ a turn
function leverInputs(view) {
  const box = $("#game-levers");
  clear(box);
  const names = view.names.filter((n, i) => n !== view.player && view.alive[i]);
  const make = (name, build) => {
    const label = el("label", LABELS[name]);
    const input = build();
    input.id = `game-lever-${name}`;
    label.appendChild(input);
    box.appendChild(label);
  };
  make("spend", () => {
    const s = document.createElement("select");
    for (const x of view.spend_levels) option(s, x, `${Math.round(x * 100)}% of wealth`);
    s.value = String(view.passive.spend);
    return s;
  });
  for (const name of TARGETS) {
    make(name, () => {
      const s = document.createElement("select");
      option(s, "", "nobody");
      for (const n of names) option(s, n);
      return s;
    });
  }
  for (const name of ["accept", "leave"]) {
    make(name, () => {
      const c = document.createElement("input");
      c.type = "checkbox";
      c.checked = Boolean(view.passive[name]);
      return c;
    });
  }
  for (const name of ["defend", "join_offence"]) {
    make(name, () => {
      const s = document.createElement("select");
      for (const x of view.join_levels) option(s, x, `${Math.round(x * 100)}% of forces`);
      s.value = String(view.passive[name]);
      return s;
    });
  }
}

function readMove() {
  const move = {};
  const v = (name) => $(`#game-lever-${name}`);
  move.spend = Number(v("spend").value);
  for (const name of TARGETS) move[name] = v(name).value || null;
  for (const name of ["accept", "leave"]) move[name] = v(name).checked;
  for (const name of ["defend", "join_offence"]) move[name] = Number(v(name).value);
  return move;
}

async function playTurn() {
  const challenge = $("#game-challenge").value || null;
  $("#game-play").disabled = true;
  try {
    show(await api(`/api/game/${game.id}/turn`, { move: readMove(), challenge }));
    status("");
  } catch (e) { status(e.message, true); } finally { $("#game-play").disabled = false; }
}

async function answer(what) {
  try {
    show(await api(`/api/game/${game.id}/answer`, { answer: what }));
    status("");
  } catch (e) { status(e.message, true); }
}

// ------------------------------------------------------------------ drawing a view
function show(view) {
  const fresh = !game || game.id !== view.id || game.year !== view.year;
  game = view;
  $("#game-body").hidden = false;
  $("#game-title").textContent = `${view.player} in ${view.scenario} (${view.level})`;
  $("#game-year").textContent = `Year ${view.year} of ${view.years}`;
  const last = view.history[view.history.length - 1];
  $("#game-share").textContent = last.share.toFixed(3);
  $("#game-prestige").textContent = (last.prestige >= 0 ? "+" : "") + last.prestige.toFixed(3);
  const d = $("#game-defcon");
  d.textContent = `DEFCON ${view.defcon}`;
  d.classList.toggle("tense", view.defcon < 5 && view.defcon > 1);
  d.classList.toggle("war", view.defcon === 1);
  const save = $("#game-save");
  save.href = `/api/game/${view.id}/record`;
  save.hidden = false;

  const c = view.crisis;
  const mine = c && !c.outcome && c.to_move === view.player;
  $("#game-crisis").hidden = !c;
  if (c) {
    $("#game-crisis-text").textContent = `${c.challenger} questions ${c.initiator}'s ` +
      `${c.issue === "attack" ? "demand on" : "pressure on"} ${c.target}. DEFCON ${c.defcon}.` +
      (mine ? " Your answer?" : "");
    const steps = $("#game-crisis-steps");
    clear(steps);
    for (const [who, move, level] of c.history) {
      steps.appendChild(el("li", `${who} ${move === "escalate" ? "escalates" : "backs down"}` +
        ` (DEFCON ${level})`));
    }
  }
  $("#game-escalate").disabled = !mine;
  $("#game-backdown").disabled = !mine;
  $("#game-turn").hidden = Boolean(view.over) || Boolean(mine);
  if (fresh && !view.over) leverInputs(view);

  const log = $("#game-log");
  clear(log);
  for (const line of view.transcript) log.appendChild(el("li", line));
  log.scrollTop = log.scrollHeight;

  const body = $("#game-advisor tbody");
  clear(body);
  const challenge = $("#game-challenge");
  clear(challenge);
  option(challenge, "", "nobody");
  $("#game-warnings").textContent = "";
  if (view.advice) {
    for (const r of view.advice.rivals) {
      const tr = document.createElement("tr");
      const likely = Object.entries(r.likely).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`);
      const tag = r.allied ? " (ally)" : r.neighbour ? " (neighbour)" : "";
      for (const cell of [r.name + tag, r.perceived_share.toFixed(3), r.threat.toFixed(3),
        r.my_odds.toFixed(2), r.their_odds.toFixed(2), likely.join(", ") || "–"]) {
        tr.appendChild(el("td", cell));
      }
      body.appendChild(tr);
    }
    const warn = view.advice.war_risk.map((w) => `${w.rival} is likely to ` +
      `${w.issue === "attack" ? "make a demand on" : "pressure"} ${w.target}`);
    $("#game-warnings").textContent = warn.join("; ");
    for (const w of view.advice.war_risk) option(challenge, w.rival, `${w.rival} (${w.issue} on ${w.target})`);
  }
  $("#game-summary").hidden = !view.over;
  if (view.over) summary(view);
  document.body.dataset.gameYear = String(view.year);
}

async function summary(view) {
  const s = await api(`/api/game/${view.id}/summary?worlds=16`);
  const e = s.ensemble;
  const end = s.mine[s.mine.length - 1];
  const how = { nuclear_war: "The world ended in nuclear war.", eliminated: "Your power was destroyed.",
    unified: "The system was unified.", completed: "You reached the last year." }[view.over] || "";
  $("#game-summary-text").textContent = `${how} Your share at the end: ${end.toFixed(3)}. ` +
    `Without you, in ${16} AI-only worlds from the same start, the median was ` +
    `${e.median[e.median.length - 1].toFixed(3)} (10–90%: ${e.p10[e.p10.length - 1].toFixed(3)}` +
    `–${e.p90[e.p90.length - 1].toFixed(3)}); your power survived in ` +
    `${Math.round(e.survived * 100)}% of them.`;
  const svg = d3.select("#game-chart");
  svg.selectAll("*").remove();
  const r = svg.node().getBoundingClientRect();
  const [w, h, m] = [Math.max(r.width, 300), Math.max(r.height, 160), 32];
  const x = d3.scaleLinear().domain([0, Math.max(e.year.length - 1, 1)]).range([m, w - 8]);
  const top = d3.max([...e.p90, ...s.mine]) || 1;
  const y = d3.scaleLinear().domain([0, top * 1.05]).range([h - m, 8]);
  svg.append("g").attr("transform", `translate(0,${h - m})`).call(d3.axisBottom(x).ticks(6));
  svg.append("g").attr("transform", `translate(${m},0)`).call(d3.axisLeft(y).ticks(5));
  svg.append("path").attr("fill", "#cfe0f0").attr("d", d3.area()
    .x((_, i) => x(i)).y0((_, i) => y(e.p10[i])).y1((_, i) => y(e.p90[i]))(e.year));
  svg.append("path").attr("fill", "none").attr("stroke", "#0072B2").attr("stroke-dasharray", "4 3")
    .attr("d", d3.line().x((_, i) => x(i)).y((v) => y(v))(e.median));
  svg.append("path").attr("fill", "none").attr("stroke", "#B2182B").attr("stroke-width", 2)
    .attr("d", d3.line().x((_, i) => x(i)).y((v) => y(v))(s.mine));
  svg.append("text").attr("x", m + 6).attr("y", 18).attr("font-size", 12)
    .text("your share (red) against the AI-only worlds: median (dashed), 10–90% (band)");
  document.body.dataset.gameSummary = "true";
}

// ------------------------------------------------------------------ routing
function route() {
  const on = location.hash === "#game";
  $("#page-game").hidden = !on;
  document.querySelector("nav a[data-page=game]").classList.toggle("active", on);
  if (on) init().catch((e) => status(e.message, true));
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", route);
