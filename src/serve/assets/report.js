// The editing page: the report as a form, the official tables laid out
// as on paper (from the server's layout, GET /api/layout), each edit
// checked (POST /api/check, ~150 ms after it), previewed (POST
// /api/preview) and saved (PUT with If-Match, ~2 s after the last edit).
// Every text from a report is set with textContent or an input's value,
// never as HTML; the preview's SVG is parsed as XML (DOMParser), never
// given to innerHTML. See report.html for the automation contract.
"use strict";

const id = location.pathname.split("/").pop();
const CHECK_DELAY = 150;
const PREVIEW_DELAY = 400;
const SAVE_DELAY = 1500;

let report = null; // the report as edited
let etag = null; // the revision it is based on
let revision = 0;
let format = null; // "2019" | "2021"
let layout = null; // the server's layout of the format
const slots = new Map(); // pointer → the layout's value cell
const rowMin = new Map(); // a row's pointer → its shortest length
let diagnostics = []; // the last check's
let dirty = false;
let saving = null; // the save under way (a promise)
let conflict = null; // the 412's latest revision, until the clerk chooses
let edits = 0; // counts edits, to tell a save's answer from a newer edit
let timers = {};

// ---------------------------------------------------------------- pointers

function tokens(pointer) {
  if (pointer === "") return [];
  return pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function join(parent, token) {
  return parent + "/" + String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

function parentOf(pointer) {
  return pointer.slice(0, pointer.lastIndexOf("/"));
}

function lastToken(pointer) {
  const t = tokens(pointer);
  return t[t.length - 1];
}

function getAt(pointer) {
  let v = report;
  for (const t of tokens(pointer)) {
    if (v === null || typeof v !== "object") return undefined;
    v = Array.isArray(v) ? v[Number(t)] : Object.prototype.hasOwnProperty.call(v, t) ? v[t] : undefined;
  }
  return v;
}

// Sets a value, making the containers on the way (an array where the
// next token is an index); a table row is padded with blanks (null) to
// its shortest length.
function setAt(pointer, value) {
  const ts = tokens(pointer);
  let v = report;
  for (let i = 0; i < ts.length - 1; i++) {
    const t = Array.isArray(v) ? Number(ts[i]) : ts[i];
    if (v[t] === null || typeof v[t] !== "object") {
      v[t] = /^\d+$/.test(ts[i + 1]) ? [] : {};
    }
    v = v[t];
  }
  const last = ts[ts.length - 1];
  if (Array.isArray(v)) {
    const n = Math.max(Number(last) + 1, rowMin.get(parentOf(pointer)) || 0);
    while (v.length < n) v.push(null);
    v[Number(last)] = value;
  } else {
    v[last] = value;
  }
}

function deleteAt(pointer) {
  const parent = getAt(parentOf(pointer));
  const last = lastToken(pointer);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (parent && typeof parent === "object") delete parent[last];
}

// ---------------------------------------------------------------- helpers

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("data-") || k.startsWith("aria-") || k === "for" || k === "role") e.setAttribute(k, v === true ? "" : v);
    else e[k] = v;
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

function shown(v) {
  if (v === undefined) return "（无）";
  if (v === null) return "（空）";
  if (typeof v === "string") return v === "" ? "（空）" : v;
  if (typeof v === "number") return String(v);
  const s = JSON.stringify(v);
  return s.length > 200 ? s.slice(0, 200) + "…" : s;
}

function formatOf(r) {
  if (r.format === "2019" || r.format === "2021") return r.format;
  return Number(r.year) <= 2020 ? "2019" : "2021";
}

function label(text) {
  const labels = (report && report.labels) || {};
  return typeof labels[text] === "string" ? labels[text] : text;
}

async function jsonOf(response) {
  try {
    return await response.json();
  } catch (e) {
    return {};
  }
}

// Messages in Chinese whatever the browser's language: the clerk reads
// the form's words.
const ZH = { "Accept-Language": "zh-CN" };

function send(method, url, body, headers) {
  return fetch(url, {
    method,
    headers: Object.assign({ "Content-Type": "application/json" }, ZH, headers || {}),
    body,
  });
}

// ---------------------------------------------------------------- the tables

// A computed 总计: its data leaves it out (a 6-cell row of 表三, a
// 4-cell row of 表四, no `total` row).
function isComputed(cell) {
  return Boolean(cell.total_of) && getAt(cell.pointer) === undefined;
}

function value(pointer, seen) {
  const v = getAt(pointer);
  const cell = slots.get(pointer);
  if (v !== undefined || !cell || !cell.total_of) {
    if (v === null || v === undefined || v === "") return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  if (seen.has(pointer)) return null;
  seen.add(pointer);
  let sum = null;
  for (const p of cell.total_of) {
    const x = value(p, seen);
    if (x !== null) sum = (sum || 0) + x;
  }
  return sum;
}

function control(cell) {
  const place = cell.place || cell.pointer;
  if (isComputed(cell)) {
    const out = el("output", {
      "data-pointer": cell.pointer,
      "data-computed": true,
      tabIndex: 0,
      "aria-label": place + "（自动计算；直接输入数字即改为填写）",
      title: "自动计算的总计；直接输入数字即改为填写的总计",
    });
    const v = value(cell.pointer, new Set());
    out.textContent = v === null ? "" : String(v);
    return out;
  }
  const v = getAt(cell.pointer);
  const attrs = {
    "data-pointer": cell.pointer,
    "aria-label": place,
    autocomplete: "off",
  };
  if (cell.kind === "money") {
    Object.assign(attrs, { type: "text", inputMode: "decimal" });
  } else {
    Object.assign(attrs, { type: "number", step: 1 });
    if (cell.kind === "count") attrs.min = 0;
  }
  const input = el("input", attrs);
  input.value = v === null || v === undefined ? "" : String(v);
  if (cell.total_of) {
    input.title = "填写的总计（会被检查）；清空即改为自动计算";
    input.classList.add("given-total");
  }
  return input;
}

function putControl(cell) {
  const old = cell.td.firstElementChild;
  const fresh = control(cell);
  if (old) cell.td.replaceChild(fresh, old);
  else cell.td.prepend(fresh);
  return fresh;
}

function refreshComputed() {
  for (const out of document.querySelectorAll("#form output[data-computed]")) {
    const v = value(out.dataset.pointer, new Set());
    out.textContent = v === null ? "" : String(v);
  }
}

function renderTable(t) {
  const section = el("section", { className: "table-section", "data-pointer": t.pointer });
  section.appendChild(el("h2", {}, t.title));
  section.appendChild(el("div", { className: "diags" }));
  const table = el("table", { className: "official", "data-table": t.section });
  const colgroup = el("colgroup");
  for (let c = 0; c < t.cols; c++) colgroup.appendChild(el("col"));
  table.appendChild(colgroup);
  const body = el("tbody");
  const rows = [];
  for (let r = 0; r < t.rows; r++) rows.push(body.appendChild(el("tr")));
  const cells = [];
  for (const c of t.cells) {
    const head = c.role === "header" || c.role === "header-note" || c.role === "group-header";
    const td = el(head ? "th" : "td", { rowSpan: c.rs, colSpan: c.cs, className: "role-" + c.role });
    if (c.role === "value") {
      const cell = Object.assign({ td, table: t.section }, c);
      td.classList.add("value");
      slots.set(c.pointer, cell);
      cells.push(cell);
    } else {
      td.textContent = label(c.text);
      if (c.role === "label" && c.rs >= 4 && c.cs === 1) td.classList.add("vertical");
    }
    rows[c.r].appendChild(td);
  }
  table.appendChild(body);
  section.appendChild(table);
  return { section, cells };
}

const tableCells = []; // every value cell, with its table

function rowsOfSlots() {
  rowMin.clear();
  const byRow = new Map();
  for (const cell of slots.values()) {
    const row = parentOf(cell.pointer);
    if (!/^\d+$/.test(lastToken(cell.pointer))) continue;
    if (!byRow.has(row)) byRow.set(row, []);
    byRow.get(row).push(cell);
  }
  for (const [row, cells] of byRow) {
    const last = cells[cells.length - 1];
    rowMin.set(row, cells.length - (last.total_of ? 1 : 0));
  }
}

// The cell the arrow keys go to from `cell`: the nearest in that
// direction whose columns (or rows) overlap, in the same table.
function neighbour(cell, dir) {
  let best = null;
  let bestKey = null;
  for (const o of tableCells) {
    if (o === cell || o.table !== cell.table) continue;
    const colsMeet = o.c < cell.c + cell.cs && cell.c < o.c + o.cs;
    const rowsMeet = o.r < cell.r + cell.rs && cell.r < o.r + o.rs;
    let key = null;
    if (dir === "up" && colsMeet && o.r + o.rs <= cell.r) key = [cell.r - o.r, Math.abs(o.c - cell.c)];
    if (dir === "down" && colsMeet && o.r >= cell.r + cell.rs) key = [o.r - cell.r, Math.abs(o.c - cell.c)];
    if (dir === "left" && rowsMeet && o.c + o.cs <= cell.c) key = [cell.c - o.c, Math.abs(o.r - cell.r)];
    if (dir === "right" && rowsMeet && o.c >= cell.c + cell.cs) key = [o.c - cell.c, Math.abs(o.r - cell.r)];
    if (key && (!bestKey || key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1]))) {
      best = o;
      bestKey = key;
    }
  }
  return best;
}

function cellOf(element) {
  const td = element && element.closest ? element.closest("td.value") : null;
  return td ? tableCells.find((c) => c.td === td) : null;
}

function focusCell(cell) {
  if (!cell) return;
  const c = cell.td.firstElementChild;
  c.focus();
  if (c.tagName === "INPUT") c.select();
}

// A table cell's text as the data takes it: a count (or signed) as a
// number, a money cell as the text typed (printed verbatim); "" clears.
function cellValue(cell, text) {
  const t = text.trim().replace(/[,，\s]/g, "");
  if (t === "") return { clear: true };
  if (cell.kind === "money") return { value: t };
  const n = Number(t);
  return Number.isFinite(n) && /^[-+]?\d+(\.\d*)?$/.test(t) ? { value: n } : { bad: true };
}

// Clears a cell: a given 总计 at the end of its row leaves the row (the
// total is computed again); the `total` row, once all blank, goes.
function clearCell(cell) {
  const row = parentOf(cell.pointer);
  const arr = getAt(row);
  const index = Number(lastToken(cell.pointer));
  if (cell.total_of && Array.isArray(arr) && index === arr.length - 1 && arr.length > (rowMin.get(row) || 0)) {
    arr.length = index;
  } else if (arr !== undefined) {
    setAt(cell.pointer, null);
  }
  const now = getAt(row);
  const rowCells = tableCells.filter((c) => parentOf(c.pointer) === row);
  if (Array.isArray(now) && rowCells.every((c) => c.total_of) && now.every((v) => v === null)) {
    deleteAt(row);
    rowCells.forEach(putControl);
  }
}

function setCell(cell, text) {
  const v = cellValue(cell, text);
  if (v.bad) return false;
  if (v.clear) clearCell(cell);
  else setAt(cell.pointer, v.value);
  return true;
}

function onTableInput(input) {
  const cell = cellOf(input);
  if (!cell) return;
  if (input.validity && input.validity.badInput) {
    input.setAttribute("aria-invalid", "true");
    return;
  }
  input.removeAttribute("aria-invalid");
  if (!setCell(cell, input.value)) {
    input.setAttribute("aria-invalid", "true");
    return;
  }
  edited();
}

// A cleared 总计 becomes an <output> once the clerk leaves it.
function onTableChange(input) {
  const cell = cellOf(input);
  if (!cell || !isComputed(cell) || input.tagName !== "INPUT") return;
  setTimeout(() => {
    const had = document.activeElement === input;
    const out = putControl(cell);
    if (had) out.focus();
    showDiagnostics(diagnostics);
  }, 0);
}

// Typing into a computed 总计 makes it a given one.
function startTyping(cell, first) {
  setAt(cell.pointer, null);
  const fresh = putControl(cell);
  fresh.focus();
  fresh.value = first;
  setCell(cell, first);
  edited();
  showDiagnostics(diagnostics);
}

function onTableKey(event) {
  const target = event.target;
  const cell = cellOf(target);
  if (!cell) return;
  const k = event.key;
  const computed = target.tagName === "OUTPUT";
  if (computed && /^[0-9]$/.test(k) && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    startTyping(cell, k);
    return;
  }
  let dir = null;
  if (k === "ArrowUp") dir = "up";
  else if (k === "ArrowDown") dir = "down";
  else if (k === "Enter") dir = event.shiftKey ? "up" : "down";
  else if (k === "ArrowLeft" || k === "ArrowRight") {
    const text = target.tagName === "INPUT" && target.type === "text";
    const atEdge = !text || (k === "ArrowLeft" ? target.selectionStart === 0 && target.selectionEnd === 0
      : target.selectionEnd === target.value.length);
    if (atEdge) dir = k === "ArrowLeft" ? "left" : "right";
  }
  if (!dir) return;
  event.preventDefault();
  if (k === "Enter" && target.tagName === "INPUT") onTableChange(target);
  focusCell(neighbour(cell, dir));
}

// A block copied from Excel or WPS (rows of tab-separated cells) fills
// the cells from the focused one, rightwards and downwards as laid out.
function onTablePaste(event) {
  const start = cellOf(event.target);
  if (!start || !event.clipboardData) return;
  const text = event.clipboardData.getData("text/plain");
  if (!text) return;
  event.preventDefault();
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
  let rowStart = start;
  let filled = 0;
  let bad = 0;
  for (let i = 0; i < lines.length && rowStart; i++) {
    let cell = rowStart;
    for (const part of lines[i].split("\t")) {
      if (!cell) break;
      if (setCell(cell, part)) filled++;
      else bad++;
      putControl(cell);
      cell = neighbour(cell, "right");
    }
    rowStart = neighbour(rowStart, "down");
  }
  refreshComputed();
  focusCell(start);
  const note = document.getElementById("check-summary");
  if (bad) note.textContent = "粘贴：" + filled + " 格已填入，" + bad + " 格不是数字，未填";
  edited();
}

// ---------------------------------------------------------------- the prose

const PROSE = [
  ["preamble", "前言（标题与“一、总体情况”之间的文字，可不填）"],
  ["overview", "一、总体情况"],
  ["problems", "五、存在的主要问题及改进情况"],
  ["other_matters", "六、其他需要报告的事项"],
];

function renderProse(key, heading) {
  const pointer = "/" + key;
  const section = el("section", { className: "prose", "data-pointer": pointer, "data-prose": key });
  section.appendChild(el("h2", {}, heading));
  section.appendChild(el("div", { className: "diags" }));
  const paras = getAt(pointer);
  const list = Array.isArray(paras) ? paras : [];
  list.forEach((p, i) => section.appendChild(renderParagraph(key, i, p, list.length)));
  const add = el("button", { type: "button", className: "add", "data-action": "add", "data-key": key, "data-index": list.length }, "＋ 添加段落");
  section.appendChild(add);
  return section;
}

function renderParagraph(key, i, p, count) {
  const at = join("/" + key, i);
  const headed = p !== null && typeof p === "object";
  const box = el("div", { className: "para", "data-pointer": headed ? at : undefined });
  const n = i + 1;
  const head = el("input", {
    type: "text",
    className: "heading",
    "aria-label": "第 " + n + " 段的小标题",
    placeholder: "小标题（可不填），如：（一）主动公开。",
    "data-pointer": headed ? join(at, "heading") : undefined,
    "data-para": at,
  });
  head.value = headed && typeof p.heading === "string" ? p.heading : "";
  const text = el("textarea", {
    className: "text",
    rows: 3,
    "aria-label": "第 " + n + " 段的正文",
    placeholder: headed ? "正文（可不填：小标题单独成行）" : "正文",
    "data-pointer": headed ? join(at, "text") : at,
    "data-para": at,
  });
  text.value = headed ? (typeof p.text === "string" ? p.text : "") : typeof p === "string" ? p : "";
  const tools = el("span", { className: "tools" });
  const button = (action, sign, words, disabled) =>
    el("button", { type: "button", "data-action": action, "data-key": key, "data-index": i, "aria-label": words + "（第 " + n + " 段）", title: words, disabled }, sign);
  tools.append(
    button("up", "↑", "上移", i === 0),
    button("down", "↓", "下移", i === count - 1),
    button("insert", "＋", "在后面插入一段"),
    button("remove", "✕", "删除这一段"),
  );
  box.append(el("div", { className: "para-head" }), text);
  box.firstChild.append(head, tools);
  return box;
}

function rerenderProse(key, focusPointer, caret) {
  const old = document.querySelector('#form section[data-prose="' + key + '"]');
  const heading = PROSE.find((x) => x[0] === key)[1];
  const fresh = renderProse(key, heading);
  old.replaceWith(fresh);
  showDiagnostics(diagnostics);
  if (focusPointer) {
    const f = fresh.querySelector('[data-pointer="' + CSS.escape(focusPointer) + '"]');
    if (f) {
      f.focus();
      if (caret !== undefined) f.setSelectionRange(caret, caret);
    }
  }
}

function onProseAction(button) {
  const key = button.dataset.key;
  const i = Number(button.dataset.index);
  let list = getAt("/" + key);
  if (!Array.isArray(list)) {
    report[key] = [];
    list = report[key];
  }
  const action = button.dataset.action;
  let focus = null;
  if (action === "add") {
    list.push("");
    focus = join("/" + key, list.length - 1);
  } else if (action === "insert") {
    list.splice(i + 1, 0, "");
    focus = join("/" + key, i + 1);
  } else if (action === "remove") {
    const p = list[i];
    const words = typeof p === "string" ? p : p && (p.heading || "") + (p.text || "");
    if (words && !confirm("删除第 " + (i + 1) + " 段？\n" + words.slice(0, 80))) return;
    list.splice(i, 1);
    if (key === "preamble" && list.length === 0) delete report.preamble;
  } else if (action === "up" && i > 0) {
    [list[i - 1], list[i]] = [list[i], list[i - 1]];
  } else if (action === "down" && i < list.length - 1) {
    [list[i + 1], list[i]] = [list[i], list[i + 1]];
  }
  rerenderProse(key, focus);
  edited();
}

function onProseInput(target) {
  const at = target.dataset.para;
  const key = tokens(at)[0];
  const i = Number(lastToken(at));
  const list = getAt("/" + key);
  const p = list[i];
  if (target.classList.contains("heading")) {
    if (typeof p === "string") {
      // A heading typed into a plain paragraph: it becomes {heading, text}.
      list[i] = p === "" ? { heading: target.value } : { heading: target.value, text: p };
      rerenderProse(key, join(at, "heading"), target.selectionStart);
    } else {
      p.heading = target.value;
    }
  } else if (typeof p === "string" || p === null || p === undefined) {
    list[i] = target.value;
  } else if (target.value === "") {
    delete p.text;
  } else {
    p.text = target.value;
  }
  edited();
}

// A heading cleared: the paragraph is plain text again.
function onProseChange(target) {
  if (!target.classList.contains("heading") || target.value !== "") return;
  const at = target.dataset.para;
  const key = tokens(at)[0];
  const list = getAt("/" + key);
  const i = Number(lastToken(at));
  const p = list[i];
  if (p && typeof p === "object") {
    list[i] = typeof p.text === "string" ? p.text : "";
    rerenderProse(key);
    edited();
  }
}

// ---------------------------------------------------------------- 基本信息

function renderBasics() {
  const section = el("section", { id: "basics", className: "basics", "aria-labelledby": "basics-h" });
  section.appendChild(el("h2", { id: "basics-h" }, "基本信息"));
  section.appendChild(el("div", { className: "diags", "data-pointer": "" }));
  const field = (words, input, note) => {
    const l = el("label", { className: "field" });
    l.append(el("span", { className: "name" }, words), input);
    if (note) l.appendChild(el("span", { className: "note" }, note));
    return l;
  };
  const unit = el("input", { type: "text", "data-pointer": "/unit", className: "wide", "data-basic": "text" });
  unit.value = typeof report.unit === "string" ? report.unit : "";
  const year = el("input", { type: "number", min: 2008, max: 2100, step: 1, "data-pointer": "/year", "data-basic": "year" });
  year.value = report.year === undefined || report.year === null ? "" : String(report.year);
  section.append(field("单位名称", unit), field("年份", year));
  section.appendChild(
    el("p", { className: "field" }, "格式：" + (format === "2019" ? "2019–2020 年格式（国办公开办函〔2019〕60号）" : "2021 年起格式（国办公开办函〔2021〕30号）")),
  );

  const titles = el("fieldset", { className: "titles", "data-titles": true });
  titles.appendChild(el("legend", {}, "标题"));
  const t = report.title;
  const lines = typeof t === "string" ? [t] : Array.isArray(t) ? t : [];
  if (lines.length === 0) {
    titles.appendChild(el("p", { className: "note" }, "默认标题：" + (report.unit || "") + (report.year || "") + "年政府信息公开工作年度报告"));
  }
  lines.forEach((line, i) => {
    const input = el("input", {
      type: "text",
      className: "wide",
      "data-pointer": typeof t === "string" ? "/title" : join("/title", i),
      "data-basic": "text",
      "aria-label": "标题第 " + (i + 1) + " 行",
    });
    input.value = typeof line === "string" ? line : "";
    const remove = el("button", { type: "button", "data-title-action": "remove", "data-index": i, "aria-label": "删除标题第 " + (i + 1) + " 行" }, "✕");
    const row = el("div", { className: "title-line" });
    row.append(input, remove);
    titles.appendChild(row);
  });
  titles.appendChild(el("button", { type: "button", "data-title-action": "add" }, lines.length ? "＋ 添加标题行" : "＋ 自定义标题"));
  section.appendChild(titles);

  const sig = report.signature && typeof report.signature === "object" ? report.signature : {};
  const sigUnit = el("input", { type: "text", className: "wide", "data-pointer": "/signature/unit", "data-basic": "signature" });
  sigUnit.value = typeof sig.unit === "string" ? sig.unit : "";
  const date = el("input", { type: "text", "data-pointer": "/signature/date", "data-basic": "signature", placeholder: "2022-01-20 或 2022年1月20日" });
  date.value = typeof sig.date === "string" ? sig.date : "";
  const picker = el("input", { type: "date", id: "date-picker", "aria-label": "用日历选择成文日期" });
  picker.value = isoDate(date.value);
  const dateField = field("成文日期", date);
  dateField.appendChild(picker);
  section.append(field("署名", sigUnit), dateField);
  return section;
}

function isoDate(text) {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text || "");
  if (!m) m = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(text || "");
  return m ? m[1] + "-" + m[2].padStart(2, "0") + "-" + m[3].padStart(2, "0") : "";
}

function onBasicInput(target) {
  const kind = target.dataset.basic;
  const pointer = target.dataset.pointer;
  if (kind === "year") {
    const v = target.value.trim();
    setAt(pointer, v === "" ? null : Number(v));
    const f = formatOf(report);
    if (f !== format) {
      edited();
      loadLayout(f).then(renderForm);
      return;
    }
  } else if (kind === "signature") {
    setAt(pointer, target.value);
    const s = report.signature;
    if (s && !s.unit && !s.date) delete report.signature;
    if (pointer === "/signature/date") document.getElementById("date-picker").value = isoDate(target.value);
  } else {
    setAt(pointer, target.value);
  }
  edited();
}

function onDatePicked(picker) {
  const date = document.querySelector('#form [data-pointer="/signature/date"]');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(picker.value);
  if (!m) return;
  // The style the report already uses: 2022年1月20日 or 2022-01-20.
  date.value = /年/.test(date.value) ? m[1] + "年" + Number(m[2]) + "月" + Number(m[3]) + "日" : picker.value;
  onBasicInput(date);
}

function onTitleAction(button) {
  const t = report.title;
  let lines = typeof t === "string" ? [t] : Array.isArray(t) ? t.slice() : [];
  if (button.dataset.titleAction === "add") {
    if (lines.length === 0) lines = [report.unit || "", (report.year || "") + "年政府信息公开工作年度报告"];
    else lines.push("");
  } else {
    lines.splice(Number(button.dataset.index), 1);
  }
  if (lines.length === 0) delete report.title;
  else report.title = lines;
  const old = document.getElementById("basics");
  old.replaceWith(renderBasics());
  showDiagnostics(diagnostics);
  edited();
}

// ---------------------------------------------------------------- the form

async function loadLayout(f) {
  const response = await fetch("/api/layout?format=" + f, { headers: ZH });
  layout = await response.json();
  format = f;
}

function renderForm() {
  const form = document.getElementById("form");
  form.textContent = "";
  slots.clear();
  tableCells.length = 0;
  form.appendChild(renderBasics());
  form.appendChild(renderProse(PROSE[0][0], PROSE[0][1]));
  form.appendChild(renderProse(PROSE[1][0], PROSE[1][1]));
  for (const t of layout.tables) {
    const { section, cells } = renderTable(t);
    tableCells.push(...cells);
    form.appendChild(section);
  }
  rowsOfSlots();
  for (const cell of tableCells) putControl(cell);
  form.appendChild(renderProse(PROSE[2][0], PROSE[2][1]));
  form.appendChild(renderProse(PROSE[3][0], PROSE[3][1]));
  showTitle();
  showDiagnostics(diagnostics);
}

function showTitle() {
  const words = (report.unit || "（未填单位）") + " " + (report.year || "") + " 年政府信息公开工作年度报告";
  document.getElementById("title").textContent = words;
  document.title = words + " · nianbao";
}

const form = document.getElementById("form");
form.addEventListener("input", (event) => {
  const t = event.target;
  // Edits made while a conflict waits are the clerk's too: kept in
  // "mine", saved once the clerk has chosen.
  if (t.closest("td.value")) onTableInput(t);
  else if (t.dataset.para) onProseInput(t);
  else if (t.dataset.basic) onBasicInput(t);
  else if (t.id === "date-picker") onDatePicked(t);
});
form.addEventListener("change", (event) => {
  const t = event.target;
  if (t.closest("td.value")) onTableChange(t);
  else if (t.dataset.para) onProseChange(t);
  else if (t.id === "date-picker") onDatePicked(t);
});
form.addEventListener("keydown", onTableKey);
form.addEventListener("paste", onTablePaste);
form.addEventListener("click", (event) => {
  const b = event.target.closest("button");
  if (!b) return;
  if (b.dataset.action) onProseAction(b);
  else if (b.dataset.titleAction) onTitleAction(b);
});
form.addEventListener("dblclick", (event) => {
  const cell = cellOf(event.target);
  if (cell && event.target.tagName === "OUTPUT") startTyping(cell, event.target.textContent);
});
// A number input's value changes with the wheel: not while reading.
form.addEventListener("wheel", (event) => {
  if (event.target.type === "number" && document.activeElement === event.target) event.target.blur();
}, { passive: true });

// ---------------------------------------------------------------- edits

function edited() {
  edits++;
  dirty = true;
  refreshComputed();
  showTitle();
  showSaveState();
  clearTimeout(timers.check);
  clearTimeout(timers.preview);
  clearTimeout(timers.save);
  timers.check = setTimeout(check, CHECK_DELAY);
  timers.preview = setTimeout(preview, PREVIEW_DELAY);
  timers.save = setTimeout(save, SAVE_DELAY);
}

let checkSeq = 0;
async function check() {
  const seq = ++checkSeq;
  let response;
  try {
    response = await send("POST", "/api/check", JSON.stringify(report));
  } catch (e) {
    document.getElementById("check-summary").textContent = "无法检查：与服务的连接中断";
    return;
  }
  const body = await jsonOf(response);
  if (seq !== checkSeq) return;
  showDiagnostics(body.diagnostics || []);
}

// ---------------------------------------------------------------- diagnostics

const SEVERITY = { error: "错误", warning: "警告" };

function pointerOf(d) {
  return d.location && typeof d.location.pointer === "string" ? d.location.pointer : null;
}

// The element a pointer names, or its nearest ancestor pointer's.
function targetOf(pointer) {
  if (pointer === null) return null;
  let p = pointer;
  for (;;) {
    const found = form.querySelector('[data-pointer="' + CSS.escape(p) + '"]:not(.diag)');
    if (found) return found;
    if (p === "") return null;
    p = parentOf(p);
  }
}

function words(d) {
  return (d.place ? d.place + "：" : "") + d.message + (d.hint ? "（" + d.hint + "）" : "");
}

function showDiagnostics(list) {
  diagnostics = list;
  for (const b of form.querySelectorAll(".diag")) b.remove();
  for (const e of form.querySelectorAll(".has-error, .has-warning")) e.classList.remove("has-error", "has-warning");
  const ul = document.getElementById("diagnostics");
  ul.textContent = "";
  let errors = 0;
  let warnings = 0;
  for (const d of list) {
    if (d.severity === "error") errors++;
    else warnings++;
    const pointer = pointerOf(d);
    const target = targetOf(pointer);
    const attrs = { className: "diag", "data-code": d.code, "data-pointer": pointer === null ? "" : pointer, "data-severity": d.severity };
    if (target) {
      const badge = el("span", Object.assign({ role: "note" }, attrs));
      const inCell = target.closest("td.value");
      if (inCell) {
        badge.append(el("span", { className: "mark" }, d.severity === "error" ? "✕" : "!"), el("span", { className: "tip" }, d.message + (d.hint ? "（" + d.hint + "）" : "")));
        inCell.appendChild(badge);
        inCell.classList.add("has-" + d.severity);
        badge.dataset.shownAt = target.dataset.pointer;
      } else {
        badge.textContent = SEVERITY[d.severity] + "：" + d.message + (d.hint ? "（" + d.hint + "）" : "") + " [" + d.code + "]";
        const holder = target.matches("section, .basics, .diags") ? target.querySelector(".diags") || target : null;
        if (holder) holder.appendChild(badge);
        else target.insertAdjacentElement("afterend", badge);
        target.classList.add("has-" + d.severity);
        badge.dataset.shownAt = target.dataset.pointer || "";
      }
    }
    const li = el("li", attrs);
    li.classList.remove("diag");
    li.classList.add("item");
    const jump = el("button", { type: "button", className: "jump", disabled: !target, title: target ? "跳到这一格" : "" }, SEVERITY[d.severity] || d.severity);
    jump.addEventListener("click", () => {
      target.scrollIntoView({ block: "center" });
      const f = target.matches("input, textarea, output") ? target : target.querySelector("input, textarea, output");
      if (f) f.focus({ preventScroll: true });
    });
    li.append(jump, el("span", { className: "words" }, " " + words(d) + " "), el("code", {}, d.code));
    ul.appendChild(li);
  }
  const summary = document.getElementById("check-summary");
  summary.dataset.errors = errors;
  summary.textContent = list.length === 0 ? "没有发现问题" : errors + " 个错误，" + warnings + " 条警告";
  summary.className = errors ? "bad" : warnings ? "warn" : "good";
}

// ---------------------------------------------------------------- preview

let previewSeq = 0;
async function preview() {
  const seq = ++previewSeq;
  const state = document.getElementById("preview-state");
  const box = document.getElementById("preview");
  state.textContent = "正在排版……";
  const started = performance.now();
  let response;
  try {
    response = await send("POST", "/api/preview", JSON.stringify(report));
  } catch (e) {
    state.textContent = "无法排版：与服务的连接中断";
    return;
  }
  const body = await jsonOf(response);
  if (seq !== previewSeq) return;
  const ms = Math.round(performance.now() - started);
  if (!response.ok || !Array.isArray(body.pages) || body.pages.length === 0) {
    box.classList.add("stale");
    state.textContent = "无法排版（数据的结构有误，见检查结果）；下面是上一次的预览";
    return;
  }
  const parser = new DOMParser();
  const pages = [];
  for (const text of body.pages) {
    const doc = parser.parseFromString(text, "image/svg+xml");
    const svg = doc.documentElement;
    if (svg.nodeName !== "svg" || doc.getElementsByTagName("parsererror").length) continue;
    pages.push(document.importNode(svg, true));
  }
  box.replaceChildren(...pages);
  box.classList.remove("stale");
  const errors = body.errors || 0;
  box.dataset.forced = errors > 0 ? "true" : "false";
  box.dataset.pages = pages.length;
  state.className = errors ? "bad" : "";
  state.textContent = (errors ? "有 " + errors + " 个错误：这是强制排版的预览，改正前不能正常下载。" : "") +
    "共 " + pages.length + " 页，与 PDF 相同（含未保存的修改，排版用时 " + ms + " 毫秒）";
}

// ---------------------------------------------------------------- saving

function showSaveState(kind, words) {
  const box = document.getElementById("save-state");
  if (!kind) {
    if (conflict) kind = "conflict";
    else if (saving) kind = "saving";
    else kind = dirty ? "dirty" : "saved";
  }
  const text = {
    saved: "已保存（第 " + revision + " 版）",
    dirty: "有未保存的修改",
    saving: "正在保存……",
    conflict: "未保存：与他处保存的版本冲突",
  };
  box.dataset.state = kind;
  box.textContent = words || text[kind] || "";
}

async function save() {
  clearTimeout(timers.save);
  if (conflict || !dirty) return;
  if (saving) {
    await saving;
    if (dirty && !conflict) return save();
    return;
  }
  const at = edits;
  const body = JSON.stringify(report);
  saving = (async () => {
    showSaveState("saving");
    let response;
    try {
      response = await send("PUT", "/api/reports/" + id, body, { "If-Match": etag });
    } catch (e) {
      saving = null;
      showSaveState("failed", "保存失败：与服务的连接中断，稍后自动重试");
      timers.save = setTimeout(save, 5000);
      return;
    }
    const answer = await jsonOf(response);
    saving = null;
    if (response.ok) {
      etag = response.headers.get("ETag") || answer.etag;
      revision = answer.revision;
      if (edits === at) dirty = false;
      showSaveState();
      if (dirty) timers.save = setTimeout(save, SAVE_DELAY);
    } else if (response.status === 412) {
      showConflict(answer.current, response.headers.get("ETag") || (answer.current && answer.current.etag));
    } else {
      const d = (answer.diagnostics || [])[0];
      showSaveState("failed", "保存失败（" + response.status + "）" + (d ? "：" + d.message : "") + "，稍后自动重试");
      timers.save = setTimeout(save, 5000);
    }
  })();
  await saving;
}

// Every leaf where the two reports differ, with both values.
function differences(mine, theirs, pointer, out) {
  if (out.length >= 200) return out;
  const both = (x) => x !== null && typeof x === "object";
  if (both(mine) && both(theirs) && Array.isArray(mine) === Array.isArray(theirs)) {
    const keys = Array.isArray(mine)
      ? [...Array(Math.max(mine.length, theirs.length)).keys()]
      : [...new Set([...Object.keys(mine), ...Object.keys(theirs)])];
    for (const k of keys) differences(mine[k], theirs[k], join(pointer, k), out);
  } else if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
    out.push({ pointer, mine, theirs });
  }
  return out;
}

function placeOf(pointer) {
  const cell = slots.get(pointer);
  if (cell && cell.place) return cell.place;
  const e = targetOf(pointer);
  const named = e && (e.getAttribute("aria-label") || (e.closest("label") && e.closest("label").textContent));
  return named ? named.trim() : pointer;
}

function showConflict(current, theirEtag) {
  conflict = { current, etag: theirEtag };
  clearTimeout(timers.save);
  showSaveState("conflict");
  const box = document.getElementById("conflict");
  box.textContent = "";
  const rev = current ? current.revision : "?";
  box.appendChild(el("p", { className: "conflict-message" },
    "这份报告已在别处保存了新的版本（第 " + rev + " 版" + (current && current.saved_at ? "，保存于 " + new Date(current.saved_at).toLocaleString("zh-CN") : "") +
    "），您的修改没有保存，也没有覆盖它。请比较两边的内容，再选择保留哪一份："));
  const diffs = current ? differences(report, current.report, "", []) : [];
  const table = el("table", { className: "diff" });
  const head = el("tr");
  head.append(el("th", {}, "位置"), el("th", {}, "我的修改（未保存）"), el("th", {}, "已保存的版本（第 " + rev + " 版）"));
  table.appendChild(head);
  for (const d of diffs) {
    const tr = el("tr", { "data-diff": d.pointer });
    tr.append(el("td", {}, placeOf(d.pointer)), el("td", { className: "mine" }, shown(d.mine)), el("td", { className: "theirs" }, shown(d.theirs)));
    table.appendChild(tr);
  }
  if (diffs.length === 0) {
    const tr = el("tr");
    tr.appendChild(el("td", { colSpan: 3 }, "两边内容相同"));
    table.appendChild(tr);
  }
  box.appendChild(table);
  const keep = el("button", { type: "button", id: "keep-mine" }, "保留我的修改（另存为新版本）");
  const take = el("button", { type: "button", id: "take-theirs" }, "采用已保存的版本（放弃我的修改）");
  keep.addEventListener("click", () => {
    etag = conflict.etag;
    conflict = null;
    box.hidden = true;
    dirty = true;
    save();
  });
  take.addEventListener("click", async () => {
    const chosen = conflict.current;
    conflict = null;
    box.hidden = true;
    report = chosen.report;
    etag = chosen.etag;
    revision = chosen.revision;
    dirty = false;
    const f = formatOf(report);
    if (f !== format) await loadLayout(f);
    renderForm();
    showSaveState();
    check();
    preview();
  });
  const buttons = el("p", { className: "choices" });
  buttons.append(keep, take);
  box.appendChild(buttons);
  box.hidden = false;
  box.scrollIntoView({ block: "start" });
}

window.addEventListener("beforeunload", (event) => {
  if (dirty) {
    save();
    event.preventDefault();
    event.returnValue = "";
  }
});

// ---------------------------------------------------------------- downloads

// [extension, label, PDF/A level]: the archive's copy is PDF/A-1b, the
// level archives most often ask for.
const EXTS = [["pdf", "PDF"], ["pdf", "PDF/A（归档用）", "a-1b"], ["docx", "Word（DOCX）"], ["ofd", "OFD"], ["xlsx", "Excel 工作簿"], ["json", "JSON 数据"]];

function renderDownloads() {
  const box = document.getElementById("download-links");
  box.textContent = "";
  const force = document.getElementById("force").checked;
  for (const [ext, name, standard] of EXTS) {
    const query = [];
    if (force && ext !== "json") query.push("force=true");
    if (standard) query.push("pdf-standard=" + standard);
    const href = "/reports/" + id + "." + ext + (query.length ? "?" + query.join("&") : "");
    const attrs = { href: href, "data-ext": ext, download: "" };
    if (standard) attrs["data-standard"] = standard;
    const a = el("a", attrs, name);
    box.append(a, " ");
  }
}

document.getElementById("force").addEventListener("change", renderDownloads);
document.getElementById("download-links").addEventListener("click", async (event) => {
  const a = event.target.closest("a");
  if (!a) return;
  event.preventDefault();
  const message = document.getElementById("download-message");
  message.textContent = "正在生成……";
  if (dirty) await save();
  if (conflict) {
    message.textContent = "请先处理保存冲突";
    return;
  }
  const response = await fetch(a.getAttribute("href"), { headers: ZH });
  if (!response.ok) {
    const body = await jsonOf(response);
    const list = body.diagnostics || [];
    const errors = list.filter((d) => d.severity === "error").length;
    message.textContent = "";
    message.appendChild(el("p", { className: "bad" }, "未生成：报告有 " + errors + " 个错误。改正后再下载，或勾选「有错误也生成（强制）」。"));
    const ul = el("ul");
    for (const d of list.slice(0, 20)) ul.appendChild(el("li", { "data-code": d.code, "data-pointer": pointerOf(d) || "" }, words(d)));
    message.appendChild(ul);
    return;
  }
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") || "";
  const m = /filename\*=UTF-8''([^;]+)/.exec(disposition);
  const name = m ? decodeURIComponent(m[1]) : "report." + a.dataset.ext;
  const url = URL.createObjectURL(blob);
  const temp = el("a", { href: url, download: name });
  document.body.appendChild(temp);
  temp.click();
  temp.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  message.textContent = "已下载 " + name + "（第 " + revision + " 版）";
});

// ---------------------------------------------------------------- start

async function load() {
  const response = await fetch("/api/reports/" + id, { headers: ZH });
  const body = await jsonOf(response);
  if (!response.ok) {
    document.getElementById("load-message").textContent = "无法打开这份报告（" + response.status + "）";
    showDiagnostics(body.diagnostics || []);
    showSaveState("failed", "未载入");
    return;
  }
  report = body.report && typeof body.report === "object" ? body.report : {};
  etag = response.headers.get("ETag") || body.etag;
  revision = body.revision;
  await loadLayout(formatOf(report));
  renderForm();
  showDiagnostics(body.diagnostics || []);
  renderDownloads();
  showSaveState();
  preview();
}

load();
