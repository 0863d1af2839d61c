// Interlog's console: plain JavaScript, no build step, no external origin. Every piece of
// interaction data is rendered as text (el() makes text nodes; nothing is parsed as HTML).
"use strict";

const store = window.sessionStorage;
const main = () => document.getElementById("main");
let stream = null; // the open live stream's AbortController
let onChange = null; // what the open view does with an `interaction` event

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "style") Object.assign(node.style, value); // CSSOM: allowed by the CSP
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(...nodes) {
  main().replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined));
  main().focus();
}

// ---- credentials: kept in session storage, sent as a header, never in a URL ----

function session() {
  const tenant = store.getItem("interlog.tenant");
  const auth = store.getItem("interlog.auth");
  return tenant && auth ? { tenant, auth } : null;
}

function authorization(credential) {
  const value = credential.trim();
  const jwt = value.split(".").length === 3;
  if (!jwt && value.includes(":")) return "Basic " + btoa(value); // key id:secret
  return jwt ? "Bearer " + value : "Token " + value; // a token, or a key's secret alone
}

async function api(path, options = {}) {
  const s = session();
  const response = await fetch(`/api/v1/tenants/${encodeURIComponent(s.tenant)}${path}`, {
    ...options,
    headers: { Authorization: s.auth, ...(options.headers || {}) },
  });
  if (response.status === 401) {
    signOut("Your credential was refused; sign in again.");
    throw new Error("unauthorized");
  }
  if (!response.ok) {
    let message = response.statusText;
    try { message = (await response.json()).message || message; } catch (_) { /* not JSON */ }
    throw new Error(`${response.status}: ${message}`);
  }
  return response;
}

const json = async (path) => (await api(path)).json();

function signOut(message) {
  store.removeItem("interlog.tenant");
  store.removeItem("interlog.auth");
  if (stream) stream.abort();
  stream = null;
  signIn(message);
}

function signIn(message) {
  document.getElementById("nav").hidden = true;
  const tenant = el("input", { id: "tenant", name: "tenant", required: true, autocomplete: "off" });
  const credential = el("input", { id: "credential", name: "credential", type: "password", required: true, autocomplete: "off" });
  const form = el("form", { class: "signin", "aria-labelledby": "signin-title", onsubmit: async (e) => {
    e.preventDefault();
    store.setItem("interlog.tenant", tenant.value.trim());
    store.setItem("interlog.auth", authorization(credential.value));
    try {
      await json("/interactions?limit=1");
      start();
    } catch (error) {
      if (error.message !== "unauthorized") signOut(error.message);
    }
  } },
  el("h1", { id: "signin-title" }, "Sign in"),
  el("label", { for: "tenant" }, "Tenant", tenant),
  el("label", { for: "credential" }, "Token, API key secret, or key id:secret", credential),
  el("button", { type: "submit" }, "Sign in"),
  message ? el("p", { class: "error", role: "alert" }, message) : null);
  show(form);
  tenant.focus();
}

// ---- the live stream: fetch with a streamed body (EventSource cannot send a header) ----

async function listen() {
  if (stream) return;
  stream = new AbortController();
  const live = document.getElementById("live");
  let last = null;
  while (stream && !stream.signal.aborted) {
    try {
      const headers = last ? { "Last-Event-ID": last } : {};
      const response = await api("/stream", { headers, signal: stream.signal });
      live.textContent = "● live";
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = { data: "" };
          for (const line of block.split("\n")) {
            const at = line.indexOf(":");
            if (at <= 0) continue;
            const field = line.slice(0, at);
            const text = line.slice(at + 1).replace(/^ /, "");
            if (field === "data") event.data += text; else event[field] = text;
          }
          if (event.id) last = event.id;
          if (event.event === "interaction" && onChange) onChange(JSON.parse(event.data));
          if (event.event === "reset" && onChange) route();
        }
      }
    } catch (error) {
      if (stream && stream.signal.aborted) return;
    }
    live.textContent = "○ reconnecting";
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

// ---- formatting ----

const time = (t) => (t ? new Date(t).toLocaleString() : "");
const seconds = (s) => (s === null || s === undefined ? "" : `${Math.round(s)} s`);
const link = (href, text) => el("a", { href }, text);

// ---- interactions list ----

const FILTERS = ["q", "channel", "status", "queue", "agent", "from", "to"];

function listRow(item, fresh) {
  return el("tr", { "data-id": item.interactionId, class: fresh ? "fresh" : null },
    el("td", {}, time(item.startTimestamp)),
    el("td", {}, link(`#/interaction/${encodeURIComponent(item.interactionId)}`, item.interactionId)),
    el("td", {}, item.channelType || ""),
    el("td", {}, item.direction || ""),
    el("td", {}, item.status),
    el("td", {}, (item.queues || []).map((q) => (typeof q === "string" ? q : q.queueId || q.queueName || "")).join(", ")),
    el("td", {}, (item.agents || []).map((a) => (typeof a === "string" ? a : a.agentId)).join(", ")),
    el("td", {}, seconds(item.statistics && item.statistics.interactionTime)));
}

function table(caption, headings, body) {
  return el("table", {}, el("caption", { class: "muted" }, caption),
    el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col" }, h)))), body);
}

async function interactions(params, title, path = "/interactions") {
  const query = new URLSearchParams();
  for (const name of FILTERS) if (params.get(name)) query.set(name, params.get(name));
  const body = el("tbody", { id: "rows" });
  const more = el("button", { type: "button", class: "plain", hidden: true }, "More");
  const field = (name, label, input) => el("label", { for: `f-${name}` }, label, input);
  const input = (name, type = "search") =>
    el("input", { id: `f-${name}`, name, type, value: params.get(name) || "" });
  const select = (name, options) => el("select", { id: `f-${name}`, name },
    ["", ...options].map((o) => el("option", { value: o, selected: o === (params.get(name) || "") }, o || "any")));
  const form = el("form", { class: "filters", role: "search", onsubmit: (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (value) next.set(name, value);
    location.hash = `#${location.hash.slice(1).split("?")[0] || "/"}?${next}`;
  } },
  field("q", "Search transcripts, notes, subjects", input("q")),
  field("channel", "Channel", select("channel", ["voice", "chat", "email", "sms", "messaging", "social", "video", "work-item", "visual-ivr"])),
  field("status", "Status", select("status", ["active", "ended"])),
  field("queue", "Queue", input("queue", "text")),
  field("agent", "Agent", input("agent", "text")),
  el("button", { type: "submit" }, "Search"));
  show(el("h1", {}, title), path === "/interactions" ? form : null,
    table("Newest first; new interactions appear as they happen", ["Started", "Interaction", "Channel", "Direction", "Status", "Queues", "Agents", "Duration"], body), more);
  let cursor = null;
  const load = async () => {
    const page = new URLSearchParams(query);
    page.set("limit", "50");
    if (cursor) page.set("cursor", cursor);
    const result = await json(`${path}?${page}`);
    body.append(...result.items.map((item) => listRow(item.interaction || item, false)));
    cursor = result.nextCursor;
    more.hidden = !cursor;
  };
  more.addEventListener("click", load);
  await load();
  const live = !query.get("q") && !query.get("from") && !query.get("to");
  onChange = (summary) => {
    const existing = body.querySelector(`tr[data-id="${CSS.escape(summary.interactionId)}"]`);
    const matches = (!query.get("channel") || summary.channelType === query.get("channel"))
      && (!query.get("status") || summary.status === query.get("status"))
      && (!query.get("queue") || summary.queues.includes(query.get("queue")))
      && (!query.get("agent") || summary.agents.includes(query.get("agent")));
    if (existing) existing.replaceWith(listRow(summary, true));
    else if (live && matches && path === "/interactions") body.prepend(listRow(summary, true));
  };
}

// ---- one interaction ----

function timeline(record) {
  const start = Date.parse(record.startTimestamp);
  const ends = [record.endTimestamp, ...(record.agents || []).map((a) => a.endTimestamp)]
    .filter(Boolean).map(Date.parse);
  const end = Math.max(start + 1000, ...ends, record.endTimestamp ? 0 : Date.now());
  const pct = (t) => `${(100 * (t - start)) / (end - start)}%`;
  const bar = (kind, from, to, label) => {
    const a = Date.parse(from);
    const b = to ? Date.parse(to) : end;
    return el("span", { class: `span ${kind}`, title: `${label}: ${time(from)} – ${to ? time(to) : "now"}`,
      style: { left: pct(a), width: `calc(${pct(b)} - ${pct(a)})` } }, label);
  };
  const lane = (name, spans) => el("div", { class: "lane", role: "listitem" }, el("span", { class: "lane-name" }, name), spans);
  const lanes = [lane("Segments", (record.segments || []).map((s) =>
    bar("segment", s.startTimestamp, s.endTimestamp, `#${s.segmentNumber} ${s.segmentStartType}`)))];
  const ivr = record.statistics && record.statistics.ivrTime;
  if (ivr) lanes.push(lane("IVR", [bar("ivr", record.startTimestamp, new Date(start + ivr * 1000).toISOString(), "IVR")]));
  for (const q of record.queues || []) lanes.push(lane(`Queue ${q.queueId || q.queueName || ""}`, [bar("queue", q.startTimestamp, q.endTimestamp, q.queueName || q.queueId || "queue")]));
  for (const a of record.agents || []) lanes.push(lane(`Agent ${a.agentId}`, [bar("agent", a.startTimestamp, a.endTimestamp, a.agentName || a.agentId)]));
  if ((record.holds || []).length) lanes.push(lane("Holds", record.holds.map((h) => bar("hold", h.startTimestamp, h.endTimestamp, "hold"))));
  return el("section", { "aria-labelledby": "tl" }, el("h2", { id: "tl" }, "Timeline"),
    el("div", { class: "timeline", role: "list", "aria-label": "Timeline on a time axis" }, lanes,
      el("div", { class: "axis", "aria-hidden": "true" }, el("span", {}, time(record.startTimestamp)),
        el("span", {}, record.endTimestamp ? `ended ${time(record.endTimestamp)}${record.endReason ? ` (${record.endReason})` : ""}` : "still active"))));
}

function keyValues(object) {
  return el("dl", { class: "kv" }, Object.entries(object || {}).map(([k, v]) =>
    [el("dt", {}, k), el("dd", {}, typeof v === "object" && v !== null ? JSON.stringify(v) : String(v))]));
}

async function content(record, id) {
  const items = [];
  for (const binary of (record.content && record.content.binaries) || []) {
    const path = `/interactions/${encodeURIComponent(id)}/content/${encodeURIComponent(binary.contentId)}`;
    const open = async () => URL.createObjectURL(await (await api(path)).blob());
    const download = el("button", { type: "button", class: "plain", onclick: async () => {
      const a = el("a", { href: await open(), download: binary.name || binary.contentId });
      a.click();
    } }, `Download ${binary.name || binary.contentId} (${binary.mime}, ${binary.size} bytes)`);
    const item = el("li", {}, download);
    if (binary.mime.startsWith("image/")) open().then((url) => item.append(el("img", { class: "photo", src: url, alt: binary.name || "photo" })));
    items.push(item);
  }
  if (record.content && record.content.plainText) items.push(el("li", {}, el("pre", {}, record.content.plainText)));
  return el("ul", {}, items);
}

async function interaction(id) {
  const [record, events] = await Promise.all([
    json(`/interactions/${encodeURIComponent(id)}`),
    json(`/interactions/${encodeURIComponent(id)}/events`),
  ]);
  const customer = record.customer && (record.customer.id || record.customer.address);
  const transcript = el("ol", { class: "transcript" }, (record.messages || []).map((m) =>
    el("li", {}, el("span", { class: "muted" }, new Date(m.timestamp).toLocaleTimeString(), " "),
      el("span", { class: "who" }, m.participant), m.text,
      m.sentiment ? el("span", { class: "tag" }, `sentiment ${m.sentiment}`) : null,
      m.intent ? el("span", { class: "tag" }, `intent ${m.intent}`) : null)));
  show(el("h1", {}, `Interaction ${record.interactionId}`),
    el("p", {}, `${record.channelType || ""} ${record.direction || ""} · ${record.status} · started ${time(record.startTimestamp)}`,
      customer ? [" · customer ", link(`#/customer/${encodeURIComponent(customer)}`, customer)] : null),
    (record.flags || []).length ? el("p", { class: "error" }, "Flags: ", record.flags.map((f) => f.code || JSON.stringify(f)).join(", ")) : null,
    timeline(record),
    el("h2", {}, "Statistics"), keyValues(record.statistics),
    el("h2", {}, "Transcript"), transcript,
    el("h2", {}, "Notes"), el("ul", {}, (record.notes || []).map((n) => el("li", {}, n.text))),
    el("h2", {}, "Attached data"), keyValues(record.attributes),
    el("h2", {}, "Content"), await content(record, id),
    el("h2", {}, "Agents"), el("ul", {}, (record.agents || []).map((a) => el("li", {}, link(`#/agent/${encodeURIComponent(a.agentId)}`, a.agentName || a.agentId)))),
    el("h2", {}, "Event log"), el("pre", { tabindex: 0 }, JSON.stringify(events, null, 2)));
  onChange = (summary) => { if (summary.interactionId === id) route(); };
}

// ---- wallboard: today's numbers per queue, redrawn as changes arrive ----

async function wallboard() {
  const metrics = ["offered", "answered", "abandoned", "serviceLevel", "averageSpeedOfAnswer", "averageHandleTime"];
  const title = el("h1", {}, "Today by queue");
  const body = el("tbody", {});
  const stamp = el("p", { class: "muted", "aria-live": "polite" });
  show(el("section", { class: "wallboard" }, title,
    table("Offered, answered and abandoned today; service level; average speed of answer and handle time",
      ["Queue", "Offered", "Answered", "Abandoned", "Service level", "Speed of answer", "Handle time"], body), stamp));
  const draw = async () => {
    // The one day holding now, on the tenant's wall clock (the report's default zone).
    const now = new Date();
    const to = new Date(now.getTime() + 1);
    const query = new URLSearchParams({ from: now.toISOString(), to: to.toISOString(), interval: "P1D", groupBy: "queue", metrics: metrics.join(",") });
    const report = await json(`/reports/intervals?${query}`);
    title.textContent = `Today by queue (${report.timeZone})`;
    const number = (v, f = (x) => x) => el("td", { class: "num" }, v === null || v === undefined ? "–" : f(v));
    body.replaceChildren(...report.rows.filter((r) => r.queue).map((r) => el("tr", { "data-queue": r.queue },
      el("th", { scope: "row" }, r.queue), number(r.offered), number(r.answered), number(r.abandoned),
      number(r.serviceLevel, (v) => `${Math.round(v * 100)}%`), number(r.averageSpeedOfAnswer, seconds), number(r.averageHandleTime, seconds))));
    stamp.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  };
  await draw();
  let pending = null;
  onChange = () => { if (!pending) pending = setTimeout(() => { pending = null; draw(); }, 500); };
}

// ---- routing ----

async function route() {
  onChange = null;
  const [path, search] = location.hash.slice(1).split("?");
  const params = new URLSearchParams(search || "");
  const parts = (path || "/").split("/").filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === "interaction" && parts[1]) await interaction(parts[1]);
    else if (parts[0] === "customer" && parts[1]) await interactions(params, `Customer ${parts[1]}`, `/customers/${encodeURIComponent(parts[1])}/interactions`);
    else if (parts[0] === "agent" && parts[1]) await interactions(params, `Agent ${parts[1]}`, `/agents/${encodeURIComponent(parts[1])}/interactions`);
    else if (parts[0] === "wallboard") await wallboard();
    else await interactions(params, "Interactions");
  } catch (error) {
    if (error.message !== "unauthorized") show(el("p", { class: "error", role: "alert" }, error.message));
  }
}

function start() {
  const s = session();
  document.getElementById("nav").hidden = false;
  document.getElementById("who").textContent = `tenant ${s.tenant}`;
  route();
  listen();
}

window.addEventListener("hashchange", () => { if (session()) route(); });
document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("sign-out").addEventListener("click", () => signOut());
  if (session()) start(); else signIn();
});
