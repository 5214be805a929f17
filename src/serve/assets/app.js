// The list page's actions: a blank report, an imported file (chosen or
// dropped). Every text shown is set with textContent, never as HTML. A
// change sends JSON, or the X-Nianbao header, as the server's cross-site
// rule asks. An import is first read by the same reader as the CLI
// (POST /api/check), so that a workbook's diagnostics name its cells
// (sheet!cell); the report is saved even with errors (a draft is
// corrected on its editing page).
"use strict";

const ZH = { "Accept-Language": "zh-CN" };

function say(text, diagnostics, link) {
  const box = document.getElementById("message");
  box.textContent = "";
  const p = document.createElement("p");
  const bad = (diagnostics || []).some((d) => d.severity === "error");
  p.className = bad || !link ? "error" : "";
  p.textContent = text;
  if (link) {
    const a = document.createElement("a");
    a.href = link;
    a.textContent = "打开这份报告";
    p.append(" ", a);
  }
  box.appendChild(p);
  if (diagnostics && diagnostics.length) {
    const ul = document.createElement("ul");
    for (const d of diagnostics) {
      const li = document.createElement("li");
      li.dataset.code = d.code;
      li.dataset.severity = d.severity;
      li.dataset.pointer = d.location && typeof d.location.pointer === "string" ? d.location.pointer : "";
      li.className = d.severity === "error" ? "bad" : "warn";
      li.textContent = (d.severity === "error" ? "错误：" : "警告：") + (d.place ? d.place + "：" : "") + d.message +
        (d.hint ? "（" + d.hint + "）" : "") + " [" + d.code + "]";
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }
}

async function diagnosticsOf(response) {
  try {
    return (await response.json()).diagnostics || [];
  } catch (e) {
    return [];
  }
}

async function created(response, found) {
  if (response.status === 201) {
    const body = await response.json();
    const link = "/reports/" + body.id;
    if (found && found.length) {
      say("已导入（第 " + body.id + " 号报告）。读入时发现以下问题，可在报告中改正：", found, link);
    } else {
      location.href = link;
    }
    return;
  }
  say("未能新建（" + response.status + "）", await diagnosticsOf(response));
}

document.getElementById("blank-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const blank = { unit: form.get("unit"), year: Number(form.get("year")) };
  if (form.get("format")) blank.format = form.get("format");
  const response = await fetch("/api/reports", {
    method: "POST",
    headers: Object.assign({ "Content-Type": "application/json" }, ZH),
    body: JSON.stringify({ blank }),
  });
  await created(response);
});

async function importFile(file) {
  if (!file) return;
  say("正在读入 " + file.name + "……");
  const bytes = await file.arrayBuffer();
  const headers = Object.assign({ "X-Nianbao": "1", "Content-Type": "application/octet-stream" }, ZH);
  const checked = await fetch("/api/check", { method: "POST", headers, body: bytes });
  const found = await diagnosticsOf(checked);
  if (!checked.ok) {
    say("未能读入 " + file.name + "（" + checked.status + "）", found);
    return;
  }
  const response = await fetch("/api/reports", { method: "POST", headers, body: bytes });
  await created(response, found);
}

document.getElementById("import").addEventListener("change", (event) => importFile(event.target.files[0]));

// Dropping a file anywhere on the page imports it (and never opens it in
// the browser instead).
const drop = document.getElementById("drop");
for (const kind of ["dragenter", "dragover"]) {
  document.addEventListener(kind, (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
}
document.addEventListener("dragleave", (event) => {
  if (event.relatedTarget === null) drop.classList.remove("over");
});
document.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  const file = event.dataTransfer && event.dataTransfer.files[0];
  importFile(file);
});

// Saved times in the clerk's own time zone.
for (const t of document.querySelectorAll("time[datetime]")) {
  const d = new Date(t.getAttribute("datetime"));
  if (!Number.isNaN(d.getTime())) t.textContent = d.toLocaleString("zh-CN", { hour12: false });
}
