// The placeholder editing page: the report's diagnostics and its preview.
// Text is set with textContent; the preview's SVG is the server's own
// rendering (glyphs as outlines, no script), inlined into #preview.
"use strict";

const id = location.pathname.split("/").pop();

function list(diagnostics) {
  const ul = document.getElementById("diagnostics");
  ul.textContent = "";
  for (const d of diagnostics) {
    const li = document.createElement("li");
    li.dataset.code = d.code;
    li.dataset.severity = d.severity;
    li.dataset.pointer = d.location && d.location.pointer !== undefined ? d.location.pointer : "";
    li.textContent = (d.place ? d.place + "：" : "") + d.message + (d.hint ? "（" + d.hint + "）" : "");
    ul.appendChild(li);
  }
  if (!diagnostics.length) {
    const li = document.createElement("li");
    li.textContent = "没有发现问题";
    ul.appendChild(li);
  }
}

async function load() {
  const response = await fetch("/api/reports/" + id);
  const body = await response.json();
  if (!response.ok) {
    list(body.diagnostics || []);
    return;
  }
  document.getElementById("title").textContent = body.unit + " " + (body.year ?? "") + " 年度报告";
  document.getElementById("meta").textContent =
    "第 " + body.revision + " 版，保存于 " + body.saved_at + "，格式 " + body.format;
  const links = document.getElementById("downloads");
  links.textContent = "";
  for (const ext of ["pdf", "docx", "ofd", "xlsx", "json"]) {
    const a = document.createElement("a");
    a.href = "/reports/" + id + "." + ext;
    a.textContent = ext.toUpperCase();
    links.appendChild(a);
    links.appendChild(document.createTextNode(" "));
  }
  list(body.diagnostics);
}

document.getElementById("show-preview").addEventListener("click", async () => {
  const box = document.getElementById("preview");
  box.textContent = "正在排版……";
  const response = await fetch("/api/reports/" + id + "/preview");
  const body = await response.json();
  box.innerHTML = body.pages.join("");
  if (!response.ok) list(body.diagnostics);
});

load();
