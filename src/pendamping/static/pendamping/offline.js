/* The offline forms (/pendampingan/luring/): a visit with attendance and the monthly progress report, built from
   the worker's data (data.json, kept by the service worker), saved in IndexedDB and sent through the API by
   themselves when there is signal (the online event and a timer), each with the Idempotency-Key made when it was
   saved, so each arrives once. A progress report carries the version it was based on; when the server's report
   changed since, the server refuses it (409 stale) and the page shows both versions for the worker to choose. */
(function () {
  "use strict";
  const root = document.getElementById("offline-app");
  if (!root) return;
  const msg = (name) => root.dataset["msg" + name.charAt(0).toUpperCase() + name.slice(1)] || name;
  const $ = (id) => document.getElementById(id);
  const DATA_URL = root.dataset.dataUrl;
  const API = root.dataset.api;
  const RETRY_MS = 20000;
  const REFRESH_MS = 300000;
  const REPORT_FIELDS = ["omzet", "profit", "capital", "iks_collected", "iks_used", "active_members"];
  let data = null;
  let records = [];
  let syncing = false;

  /* -- IndexedDB: one store, the outbox, keyed by the record's Idempotency-Key ------------------------------ */
  const dbReady = new Promise((resolve, reject) => {
    const open = indexedDB.open("pendamping-offline", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("outbox", { keyPath: "key" });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  function store(mode, work) {
    return dbReady.then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction("outbox", mode);
      const result = work(tx.objectStore("outbox"));
      tx.oncomplete = () => resolve(result && result.result);
      tx.onerror = () => reject(tx.error);
    }));
  }
  const putRecord = (record) => store("readwrite", (s) => s.put(record));
  const deleteRecord = (key) => store("readwrite", (s) => s.delete(key));
  const allRecords = () => store("readonly", (s) => s.getAll());

  function newKey() {
    if (crypto.randomUUID) return "offline-" + crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return "offline-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /* -- small helpers --------------------------------------------------------------------------------------- */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }
  const pad = (n) => String(n).padStart(2, "0");
  function localDate(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }
  function recentMonths() {
    const now = new Date();
    return [0, 1, 2].map((n) => {
      const d = new Date(now.getFullYear(), now.getMonth() - n, 1);
      return d.getFullYear() + "-" + pad(d.getMonth() + 1);
    });
  }
  const kubeById = (id) => (data ? data.kube.find((k) => k.id === Number(id)) : null);
  const mine = () => (data ? records.filter((r) => r.user === data.user.id) : records);

  function setStatus(state) {
    const status = $("offline-status");
    status.dataset.state = state;
    status.textContent = state === "online" ? msg("online") : state === "login" ? msg("login") : msg("offline");
  }
  function say(text) {
    $("offline-message").textContent = text || "";
  }

  /* -- the worker's data ----------------------------------------------------------------------------------- */
  /* Fetch data.json: true when it came fresh from the server with a logged-in session (then sending may start). */
  async function loadData() {
    let response;
    try {
      response = await fetch(DATA_URL, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (error) {
      setStatus("offline");
      return false;
    }
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {  // server trouble: try again shortly
      setStatus("offline");
      setTimeout(sync, 3000);
      return false;
    }
    if (response.redirected || !type.includes("json")) {
      setStatus(navigator.onLine ? "login" : "offline");
      return false;
    }
    const fresh = response.headers.get("X-Pendamping-Cache") !== "hit";
    const loaded = await response.json();
    const first = data === null;
    data = loaded;
    setStatus(fresh && navigator.onLine ? "online" : "offline");
    if (first) fillForms();
    else refreshChoices();
    $("offline-fetched").textContent = msg("dataAt") + " " + new Date(data.fetched_at).toLocaleString();
    renderTasks();
    return fresh && navigator.onLine;
  }

  function kubeOptions(select) {
    const current = select.value;
    select.replaceChildren(el("option", { value: "", text: msg("choose") }));
    for (const kube of data.kube) {
      select.append(el("option", { value: kube.id, text: kube.name + " (" + kube.desa + ", " + kube.stage + ")" }));
    }
    if (current) select.value = current;
  }

  function fillForms() {
    document.querySelectorAll("[data-kube-select]").forEach(kubeOptions);
    const month = $("report-month");
    month.replaceChildren(...recentMonths().map((m) => el("option", { value: m, text: m })));
    $("visit-date").value = localDate(new Date());
    renderMembers();
    prefillReport();
  }
  function refreshChoices() {
    document.querySelectorAll("[data-kube-select]").forEach(kubeOptions);
    renderMembers(true);
    basisText();
  }

  function renderMembers(keep) {
    const box = document.querySelector("#visit-attendance [data-members]");
    const kube = kubeById($("visit-kube").value);
    const before = {};
    if (keep) box.querySelectorAll("input").forEach((i) => { before[i.value] = i.checked; });
    box.replaceChildren();
    if (!kube) return;
    for (const member of kube.members) {
      const checked = member.id in before ? before[member.id] : true;
      box.append(el("label", {},
        el("input", { type: "checkbox", name: "present", value: member.id, checked }),
        " " + member.name + " (" + member.role + ")"));
    }
  }

  function renderTasks() {
    const list = $("offline-tasks");
    list.replaceChildren(...data.tasks.map((t) =>
      el("li", { text: t.due_on + " · " + t.title + (t.kube ? " · " + t.kube : "") })));
  }

  /* -- the report form: prefilled from the phone's waiting record, else the server's report of that month ---- */
  function reportBasis() {
    const kubeId = Number($("report-kube").value);
    const month = $("report-month").value;
    const waiting = mine().find((r) => r.kind === "report" && r.kube_id === kubeId && r.month === month);
    const kube = kubeById(kubeId);
    const server = kube ? kube.reports.find((r) => r.month === month) : null;
    return { kube, waiting, server };
  }
  function basisText() {
    const { kube, waiting, server } = reportBasis();
    const version = waiting ? waiting.expected_version : server ? server.version : 0;
    $("report-basis").textContent = !kube ? "" : version ? msg("based") + " " + version : msg("new");
    $("report-basis").dataset.version = version;
  }
  function prefillReport() {
    const form = $("report-form");
    const { kube, waiting, server } = reportBasis();
    const values = waiting ? waiting.values : server;
    for (const name of REPORT_FIELDS) form.elements[name].value = values ? values[name] : "";
    if (!values && kube) form.elements.active_members.value = kube.members.length;
    form.elements.business_status.value = values ? values.business_status : "aktif";
    form.elements.evidence.value = values ? values.evidence || "" : "";
    const assessed = new Set(values ? values.assessed : []);
    form.querySelectorAll("input[name=assessed]").forEach((box) => { box.checked = assessed.has(box.value); });
    basisText();
  }

  function formError(form, text) {
    const error = form.querySelector("[data-form-error]");
    error.textContent = text || "";
    error.hidden = !text;
  }

  async function saveVisit(event) {
    event.preventDefault();
    const form = event.target;
    const f = form.elements;
    const roles = Array.from(form.querySelectorAll("input[name=roles]:checked"), (b) => b.value);
    const method = form.querySelector("input[name=method]:checked");
    if (!data || !f.kube_id.value || !f.contact_date.value || !f.what_done.value.trim() || !roles.length || !method) {
      formError(form, msg("required"));
      return;
    }
    formError(form, "");
    const kube = kubeById(f.kube_id.value);
    const attendance = Array.from(form.querySelectorAll("input[name=present]"),
      (b) => ({ member_id: Number(b.value), present: b.checked }));
    await putRecord({
      key: newKey(),
      kind: "visit",
      user: data.user.id,
      kube_id: kube.id,
      label: kube.name + " · " + f.contact_date.value,
      status: "pending",
      saved_at: new Date().toISOString(),
      body: {
        contact_date: f.contact_date.value,
        target_kind: "kube",
        kube_id: kube.id,
        method: method.value,
        roles,
        what_done: f.what_done.value.trim(),
        problems: f.problems.value.trim(),
        agreements: f.agreements.value.trim(),
        attendance,
      },
    });
    f.what_done.value = f.problems.value = f.agreements.value = "";
    form.querySelectorAll("input[name=roles]").forEach((b) => { b.checked = false; });
    say(msg("saved"));
    await afterSave();
  }

  async function saveReport(event) {
    event.preventDefault();
    const form = event.target;
    const f = form.elements;
    const { kube, waiting, server } = reportBasis();
    const values = {};
    let complete = Boolean(kube && f.month.value && data);
    for (const name of REPORT_FIELDS) {
      if (f[name].value === "" || !Number.isInteger(Number(f[name].value))) complete = false;
      values[name] = Number(f[name].value);
    }
    if (!complete) {
      formError(form, msg("required"));
      return;
    }
    formError(form, "");
    values.business_status = f.business_status.value;
    values.assessed = Array.from(form.querySelectorAll("input[name=assessed]:checked"), (b) => b.value);
    values.evidence = f.evidence.value.trim();
    // a second save of the same month before it was sent replaces the first (on the same basis)
    if (waiting) await deleteRecord(waiting.key);
    await putRecord({
      key: newKey(),
      kind: "report",
      user: data.user.id,
      kube_id: kube.id,
      month: f.month.value,
      label: kube.name + " · " + f.month.value,
      status: "pending",
      saved_at: new Date().toISOString(),
      expected_version: waiting ? waiting.expected_version : server ? server.version : 0,
      values,
    });
    say(msg("saved"));
    await afterSave();
    basisText();
  }

  async function afterSave() {
    await reload();
    if (navigator.onLine) sync();
  }

  /* -- the outbox, its count, and the conflicts ------------------------------------------------------------ */
  async function reload() {
    records = (await allRecords()).sort((a, b) => (a.saved_at < b.saved_at ? -1 : 1));
    render();
  }

  function render() {
    const waiting = mine();
    const count = $("offline-count");
    count.textContent = String(waiting.length);
    count.dataset.count = String(waiting.length);
    $("offline-outbox").replaceChildren(...waiting.map((r) => {
      const item = el("li", { "data-key": r.key, "data-kind": r.kind, "data-status": r.status },
        el("span", { text: (r.kind === "visit" ? msg("visit") : msg("report")) + " · " + r.label + " " }));
      if (r.status === "refused") {
        item.append(el("span", { class: "error", text: msg("refused") + ": " + (r.error || "") + " " }),
          el("button", { type: "button", class: "link", "data-action": "remove", text: msg("remove") }));
      } else if (r.status === "conflict") {
        item.append(el("span", { class: "warn", text: msg("conflict") }));
      }
      return item;
    }));
    const conflicts = waiting.filter((r) => r.status === "conflict");
    $("offline-conflicts").hidden = !conflicts.length;
    $("offline-conflict-list").replaceChildren(...conflicts.map(conflictView));
  }

  function show(value) {
    if (value === undefined || value === null || value === "") return msg("none");
    return Array.isArray(value) ? value.join(", ") || msg("none") : String(value);
  }

  function conflictView(record) {
    const theirs = record.server || {};
    const labels = {};
    document.querySelectorAll("#report-form label[for]").forEach((label) => {
      labels[label.htmlFor.replace("report-", "")] = label.textContent.replace(" *", "");
    });
    const fields = [...REPORT_FIELDS, "business_status", "assessed", "evidence"];
    const rows = fields.map((name) => {
      const a = show(record.values[name]);
      const b = record.server ? show(theirs[name]) : msg("none");
      return el("tr", { class: a === b ? "" : "warn", "data-field": name },
        el("th", { scope: "row", text: labels[name] || name }),
        el("td", { "data-side": "mine", text: a }),
        el("td", { "data-side": "theirs", text: b }));
    });
    return el("div", { class: "conflict", "data-key": record.key },
      el("h3", { text: record.label }),
      el("p", { class: "help", text: msg("conflict") }),
      el("div", { class: "tablewrap" }, el("table", {},
        el("thead", {}, el("tr", {}, el("th", {}), el("th", { text: msg("mine") }),
          el("th", { text: msg("theirs") + (record.server ? " (v" + theirs.version + ")" : "") }))),
        el("tbody", {}, ...rows))),
      el("p", { class: "actions" },
        el("button", { type: "button", "data-action": "keep-mine", text: msg("keepMine") }),
        " ",
        el("button", { type: "button", "data-action": "keep-theirs", text: msg("keepTheirs") })));
  }

  function rememberServerReport(kubeId, report) {
    const kube = kubeById(kubeId);
    if (!kube) return;
    kube.reports = kube.reports.filter((r) => r.month !== (report && report.month));
    if (report) kube.reports.push(report);
  }

  async function choose(key, action) {
    const record = records.find((r) => r.key === key);
    if (!record) return;
    if (action === "keep-mine") {
      // resend on top of the server's version (the same key: a refused send was not remembered by the server)
      record.expected_version = record.server ? record.server.version : 0;
      record.status = "pending";
      delete record.server;
      await putRecord(record);
    } else if (action === "keep-theirs") {
      rememberServerReport(record.kube_id, record.server);
      await deleteRecord(key);
    } else if (action === "remove") {
      await deleteRecord(key);
    }
    await reload();
    prefillReport();
    if (action === "keep-mine") sync();
  }

  /* -- sending -------------------------------------------------------------------------------------------- */
  function request(record) {
    if (record.kind === "visit") return { url: API + "visits", body: record.body };
    return {
      url: API + "kube/" + record.kube_id + "/progress-reports",
      body: Object.assign({ month: record.month, expected_version: record.expected_version }, record.values),
    };
  }

  /* Send one record; true when sending must stop for now (no signal, logged out, server trouble). */
  async function send(record) {
    const { url, body } = request(record);
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf, "Idempotency-Key": record.key },
        body: JSON.stringify(body),
      });
    } catch (error) {
      setStatus("offline");
      return true;
    }
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      answer = {};
    }
    if (response.status === 201) {
      await deleteRecord(record.key);
      if (record.kind === "report") rememberServerReport(record.kube_id, answer);
      say(msg("sent"));
      return false;
    }
    if (response.status === 409 && answer.code === "stale") {
      record.status = "conflict";
      record.server = answer.current;
      await putRecord(record);
      return false;
    }
    if (response.status === 401) {
      setStatus("login");
      return true;
    }
    if (response.status >= 500 || response.status === 429 || answer.code === "csrf_failed") return true;
    record.status = "refused";
    const fields = Object.entries(answer.fields || {}).map(([name, list]) => name + ": " + list.join(" "));
    record.error = [answer.message, ...fields].filter(Boolean).join(" ");
    await putRecord(record);
    return false;
  }

  async function sync() {
    if (syncing) return;
    syncing = true;
    try {
      if (!(await loadData())) return;
      await reload();
      let sent = 0;
      for (const record of mine().filter((r) => r.status === "pending")) {
        if (await send(record)) break;
        sent += 1;
      }
      if (sent) await loadData();  // the kept copy gets the new versions of what was just sent
    } finally {
      syncing = false;
      await reload();
    }
  }

  /* -- wiring --------------------------------------------------------------------------------------------- */
  $("visit-form").addEventListener("submit", saveVisit);
  $("report-form").addEventListener("submit", saveReport);
  $("visit-kube").addEventListener("change", () => renderMembers(false));
  $("report-kube").addEventListener("change", prefillReport);
  $("report-month").addEventListener("change", prefillReport);
  $("offline-send").addEventListener("click", sync);
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    const holder = button && button.closest("[data-key]");
    if (holder) choose(holder.dataset.key, button.dataset.action);
  });
  window.addEventListener("online", sync);
  window.addEventListener("offline", () => setStatus("offline"));
  setInterval(() => {
    if (navigator.onLine && mine().some((r) => r.status === "pending")) sync();
  }, RETRY_MS);
  setInterval(() => { if (navigator.onLine && !syncing) loadData(); }, REFRESH_MS);

  reload().then(() => loadData()).then(async (fresh) => {
    if (!data) {
      say(msg("nodata"));
      return;
    }
    await reload();
    if (fresh && mine().some((r) => r.status === "pending")) sync();
  });
})();
