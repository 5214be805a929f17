"""The editing page of `nianbao serve` in a real browser (headless
Chromium through chromedriver and selenium), as a clerk uses it.

Run by tests/serve_page.rs against a running server:

    python3 page.py URL ID WORKDIR [SHOTS]

URL is the server's base (http://127.0.0.1:PORT/), ID a report made from
samples/shili-2021.json, WORKDIR a fresh folder (the browser's profile,
the downloaded PDF), SHOTS, when given, a folder for screenshots of the
list, the form with an error at a cell, and the preview. Prints one line
per step ("ok: …"); exits 1 with the reason at the first failure.

It relies only on the page's automation contract (report.html): the
data-pointer of every value, data-computed on a computed 总计, data-code
and data-pointer on every diagnostic shown, #save-state's data-state,
#conflict, and #preview holding one <svg> per page.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

URL, ID, WORK = sys.argv[1].rstrip("/") + "/", sys.argv[2], sys.argv[3]
SHOTS = sys.argv[4] if len(sys.argv) > 4 else None
T0 = time.monotonic()


def step(words):
    print("ok: %s (%.1f s)" % (words, time.monotonic() - T0), flush=True)


def fail(words):
    print("FAILED: " + words, flush=True)
    sys.exit(1)


def api(method, path, body=None, headers=None):
    """(status, headers, bytes) of a request to the server."""
    full = path if path.startswith("http") else URL + path.lstrip("/")
    req = urllib.request.Request(full, method=method, data=body)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def browser():
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
              "--window-size=1280,900", "--force-device-scale-factor=1",
              "--lang=zh-CN", "--user-data-dir=" + os.path.join(WORK, "profile")):
        opts.add_argument(a)
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    d = webdriver.Chrome(service=service, options=opts)
    d.set_page_load_timeout(30)
    d.set_script_timeout(30)
    return d


def wait(d, what, predicate, timeout=15):
    try:
        return WebDriverWait(d, timeout, poll_frequency=0.05).until(lambda d: predicate(d))
    except Exception:
        state = d.execute_script(
            "const s = document.getElementById('save-state');"
            "return (s ? s.dataset.state + ' ' + s.textContent : '') + ' | ' +"
            "[...document.querySelectorAll('#diagnostics li')].map(l => l.textContent).join(' / ')")
        fail("%s: not within %s s (page: %s)" % (what, timeout, state))


def at(d, pointer, computed=False):
    sel = '#form [data-pointer="%s"]%s' % (pointer, "[data-computed]" if computed else ":not(.diag)")
    found = d.find_elements(By.CSS_SELECTOR, sel)
    return found[0] if found else None


def text_at(d, pointer, computed=False):
    e = at(d, pointer, computed)
    if e is None:
        return None
    return e.get_property("value") if e.tag_name == "input" else e.text


def retype(d, pointer, value):
    e = at(d, pointer)
    if e is None or e.tag_name != "input":
        fail("no input at %s" % pointer)
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", e)
    e.click()
    e.send_keys(Keys.CONTROL, "a")
    e.send_keys(Keys.BACKSPACE)
    if value:
        e.send_keys(value)
    return e


def saved(d, timeout=15):
    wait(d, "the saved state", lambda d: d.find_element(By.ID, "save-state").get_attribute("data-state") == "saved", timeout)


def revisions():
    status, _, body = api("GET", "/api/reports/%s/revisions" % ID)
    if status != 200:
        fail("revisions: %s" % status)
    return json.loads(body)


def latest():
    status, headers, body = api("GET", "/api/reports/%s" % ID)
    if status != 200:
        fail("report: %s" % status)
    return headers["ETag"], json.loads(body)


def shot(d, name, element=None):
    if not SHOTS:
        return
    path = os.path.join(SHOTS, name)
    if element is not None:
        element.screenshot(path)
    else:
        d.save_screenshot(path)
    step("screenshot " + name)


def main():
    d = browser()
    try:
        run(d)
    finally:
        d.quit()


def run(d):
    if SHOTS:
        d.get(URL)
        wait(d, "the list", lambda d: d.find_elements(By.CSS_SELECTOR, "#reports tr[data-id]"))
        shot(d, "list.png")

    d.get(URL + "reports/" + ID)
    saved(d)
    wait(d, "the form's tables", lambda d: at(d, "/applications/new/0"))
    wait(d, "the first preview", lambda d: d.find_elements(By.CSS_SELECTOR, "#preview svg"), 30)
    step("the editing page opened, saved state shown, preview there")

    # Every label of a value cell is in the form's words.
    unlabelled = d.execute_script(
        "return [...document.querySelectorAll('#form [data-pointer]:not(.diag)')]"
        ".filter(e => /^(INPUT|TEXTAREA|OUTPUT)$/.test(e.tagName))"
        ".filter(e => !e.getAttribute('aria-label') && !e.closest('label')).map(e => e.dataset.pointer)")
    if unlabelled:
        fail("fields without a label: %s" % unlabelled[:5])
    if at(d, "/applications/new/6").tag_name != "input" or at(d, "/applications/new/6", True):
        fail("the 总计 the sample gives (new/6) is not an input")
    step("every field labelled; a given 总计 is an input")

    # The clerk clears the given 总计: it becomes computed (a 6-cell row).
    e = retype(d, "/applications/new/6", "")
    e.send_keys(Keys.TAB)
    wait(d, "new/6 computed", lambda d: text_at(d, "/applications/new/6", True) == "19")
    step("cleared 总计 new/6 is computed: 19")

    # A figure that breaks the balance: the total follows at once, the
    # check's error appears at a cell of the table within a second.
    t = time.monotonic()
    retype(d, "/applications/new/0", "40")
    wait(d, "new/6 = 47", lambda d: text_at(d, "/applications/new/6", True) == "47", 5)
    step("typed 40 into new/0: computed new/6 shows 47")
    wait(d, "check-balance at a cell", lambda d: d.find_elements(
        By.CSS_SELECTOR, 'table.official [data-code="check-balance"][data-pointer^="/applications/"]'), 5)
    took = time.monotonic() - t
    listed = d.find_elements(By.CSS_SELECTOR, '#diagnostics [data-code="check-balance"][data-pointer]')
    if not listed:
        fail("check-balance is not in the list")
    pointer = listed[0].get_attribute("data-pointer")
    if at(d, pointer) is None:
        fail("the list's pointer %s names no field" % pointer)
    step("check-balance shown at %s (table and list) %.2f s after typing" % (pointer, took))
    if SHOTS:
        d.execute_script("window.scrollBy(0, arguments[0].getBoundingClientRect().top - 330)", at(d, pointer))
        shot(d, "form-error.png")

    # Autosave: a new revision with the figure.
    before = len(revisions())
    saved(d)
    revs = revisions()
    _, now = latest()
    if now["report"]["applications"]["new"] != [40, 3, 1, 0, 2, 1]:
        fail("saved new row: %s" % now["report"]["applications"]["new"])
    step("autosaved: revision %d (was %d revisions, now %d)" % (revs[0]["revision"], before, len(revs)))

    # The preview: forced pages with the new figure, as many as the PDF's.
    wait(d, "a forced preview", lambda d: d.find_element(By.ID, "preview").get_attribute("data-forced") == "true", 30)
    pages = len(d.find_elements(By.CSS_SELECTOR, "#preview > svg"))
    step("preview: %d pages, marked forced" % pages)
    if SHOTS:
        box = d.find_element(By.ID, "preview-box")
        d.execute_script("document.getElementById('side').scrollTop = arguments[0].offsetTop - 40", box)
        shot(d, "preview.png")

    # Downloads: refused while the checks fail, given when forced.
    link = d.find_element(By.CSS_SELECTOR, '#download-links a[data-ext="pdf"]')
    status, _, body = api("GET", link.get_attribute("href"))
    if status != 422 or b"check-balance" not in body:
        fail("an unforced PDF of a failing report: %s" % status)
    d.find_element(By.ID, "force").click()
    href = d.find_element(By.CSS_SELECTOR, '#download-links a[data-ext="pdf"]').get_attribute("href")
    if "force=true" not in href:
        fail("the forced link: %s" % href)
    status, _, pdf = api("GET", href)
    if status != 200 or not pdf.startswith(b"%PDF"):
        fail("the forced PDF: %s" % status)
    path = os.path.join(WORK, "report.pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    pdf_pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    if pdf_pages != pages:
        fail("preview has %d pages, the PDF %d" % (pages, pdf_pages))
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True).stdout
    row = [l for l in text.splitlines() if "本年新收政府信息公开申请数量" in l]
    if not row or not re.search(r"\b40\b.*\b47\b", row[0]):
        fail("the PDF's row 一: %r" % row)
    step("PDF refused unforced (422), forced: %d pages as the preview; row 一 reads %s" % (pdf_pages, " ".join(row[0].split())))

    # The archive's copy: the PDF/A-1b link, forced too, gives PDF/A.
    archive = d.find_element(By.CSS_SELECTOR, '#download-links a[data-standard="a-1b"]').get_attribute("href")
    if "pdf-standard=a-1b" not in archive or "force=true" not in archive:
        fail("the PDF/A link: %s" % archive)
    status, _, pdfa = api("GET", archive)
    if status != 200 or not pdfa.startswith(b"%PDF-1.4"):
        fail("the PDF/A download: %s %r" % (status, pdfa[:8]))
    apath = os.path.join(WORK, "report-a1b.pdf")
    with open(apath, "wb") as f:
        f.write(pdfa)
    meta = subprocess.run(["pdfinfo", "-meta", apath], capture_output=True, text=True).stdout
    if "<pdfaid:part>1</pdfaid:part>" not in meta:
        fail("the PDF/A download names no PDF/A-1 part")
    step("PDF/A-1b link: %s" % archive.split("?", 1)[1])

    # A block copied from Excel: two rows of three, from carried_over/0.
    target = at(d, "/applications/carried_over/0")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", target)
    d.execute_script(
        "const dt = new DataTransfer(); dt.setData('text/plain', arguments[1]);"
        "arguments[0].dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}))",
        target, "5\t6\t7\r\n8\t9\t10\r\n")
    want = {"/applications/carried_over/0": "5", "/applications/carried_over/1": "6",
            "/applications/carried_over/2": "7", "/applications/granted/0": "8",
            "/applications/granted/1": "9", "/applications/granted/2": "10"}
    got = {p: text_at(d, p) for p in want}
    if got != want:
        fail("pasted: %s" % got)
    saved(d)
    _, now = latest()
    if now["report"]["applications"]["carried_over"][:3] != [5, 6, 7] or now["report"]["applications"]["granted"][:3] != [8, 9, 10]:
        fail("the pasted block saved: %s" % now["report"]["applications"])
    step("pasted a 2×3 tab-separated block from carried_over/0; saved")

    # A stale save: the report changes elsewhere, then the clerk edits.
    tag, now = latest()
    theirs = now["report"]
    theirs["unit"] = "另一处保存的单位"
    status, _, _ = api("PUT", "/api/reports/%s" % ID, json.dumps(theirs, ensure_ascii=False).encode(),
                       {"Content-Type": "application/json", "If-Match": tag})
    if status != 200:
        fail("the other save: %s" % status)
    retype(d, "/review_litigation/review/0", "3")
    wait(d, "the conflict", lambda d: d.find_element(By.ID, "save-state").get_attribute("data-state") == "conflict", 10)
    box = d.find_element(By.ID, "conflict")
    words = box.text
    if not box.is_displayed() or "已在别处保存" not in words or "另一处保存的单位" not in words or "示例镇人民政府" not in words:
        fail("the conflict message: %r" % words)
    step("stale save refused: the page says 「%s」 and shows both units" % box.find_element(By.CLASS_NAME, "conflict-message").text[:40])
    if SHOTS:
        shot(d, "conflict.png", box)
    d.find_element(By.ID, "keep-mine").click()
    saved(d)
    _, now = latest()
    if now["report"]["unit"] != "示例镇人民政府" or now["report"]["review_litigation"]["review"][0] != 3:
        fail("kept mine: %s" % now["report"]["unit"])
    step("kept mine: saved as revision %d" % now["revision"])


if __name__ == "__main__":
    main()
