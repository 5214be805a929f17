// The list page's two actions: a blank report, an imported file. Every
// text shown is set with textContent, never as HTML. A change sends
// JSON, or the X-Nianbao header, as the server's cross-site rule asks.
"use strict";

function say(text, diagnostics) {
  const box = document.getElementById("message");
  box.textContent = "";
  const p = document.createElement("p");
  p.className = "error";
  p.textContent = text;
  box.appendChild(p);
  if (diagnostics && diagnostics.length) {
    const ul = document.createElement("ul");
    for (const d of diagnostics) {
      const li = document.createElement("li");
      li.dataset.code = d.code;
      li.textContent = (d.place ? d.place + "：" : "") + d.message;
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }
}

async function created(response) {
  if (response.status === 201) {
    const body = await response.json();
    location.href = "/reports/" + body.id;
    return;
  }
  let diagnostics = [];
  try { diagnostics = (await response.json()).diagnostics || []; } catch (e) { /* not JSON */ }
  say("未能新建（" + response.status + "）", diagnostics);
}

document.getElementById("blank-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const blank = { unit: form.get("unit"), year: Number(form.get("year")) };
  if (form.get("format")) blank.format = form.get("format");
  const response = await fetch("/api/reports", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ blank }),
  });
  await created(response);
});

document.getElementById("import").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const response = await fetch("/api/reports", {
    method: "POST",
    headers: { "X-Nianbao": "1", "Content-Type": "application/octet-stream" },
    body: await file.arrayBuffer(),
  });
  await created(response);
});
