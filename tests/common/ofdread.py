"""An independent reader of an OFD package (GB/T 33190-2016), for the tests.

Written from the standard, with none of nianbao's code: the zip is read
with zipfile, the parts with ElementTree, the embedded fonts with fontTools.
Paths are resolved as the standard says (7.3 ST_Loc: relative to the part
that names them, or to a resource file's BaseLoc). Prints one JSON object:
the container, DocInfo, each page's box, its text objects with every glyph
position (X, Y and DeltaX expanded, `g` groups included), its path
segments, and for each font what its cmap lacks of the characters drawn
with it. A second opinion comes from easyofd's parser (PyPI), when
`--easyofd` is given: the text of each page as it reads it.

Usage: python3 ofdread.py FILE.ofd [--easyofd]
"""

import json
import posixpath
import sys
import zipfile
import xml.etree.ElementTree as ET
from io import BytesIO

NS = "http://www.ofdspec.org/2016"
Q = "{%s}" % NS


def resolve(base_dir, loc):
    if loc.startswith("/"):
        return loc.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, loc))


def floats(s):
    return [float(v) for v in s.split()]


def delta(spec, n):
    """The n-1 steps a DeltaX/DeltaY gives, `g N v` expanded (11.3)."""
    if not spec:
        return [0.0] * (n - 1)
    out, parts, i = [], spec.split(), 0
    while i < len(parts):
        if parts[i] == "g":
            out += [float(parts[i + 2])] * int(parts[i + 1])
            i += 3
        else:
            out.append(float(parts[i]))
            i += 1
    return out


def path_segments(data, ox, oy):
    """Straight segments of AbbreviatedData (9.3.5), absolute mm."""
    segs, cur, start, toks, i = [], None, None, data.split(), 0
    while i < len(toks):
        op = toks[i]
        if op in ("M", "S"):
            cur = (float(toks[i + 1]), float(toks[i + 2]))
            start = cur
            i += 3
        elif op == "L":
            nxt = (float(toks[i + 1]), float(toks[i + 2]))
            segs.append((cur[0] + ox, cur[1] + oy, nxt[0] + ox, nxt[1] + oy))
            cur = nxt
            i += 3
        elif op == "C":
            segs.append(None)
            i += 1
        else:
            raise ValueError("path operator %r not expected" % op)
    return segs


def read(path):
    z = zipfile.ZipFile(path)
    names = z.namelist()
    out = {"entries": names, "methods": sorted({i.compress_type for i in z.infolist()})}
    root = ET.fromstring(z.read("OFD.xml"))
    out["root"] = root.tag
    out["version"] = root.get("Version")
    out["doc_type"] = root.get("DocType")
    body = root.find(Q + "DocBody")
    info = body.find(Q + "DocInfo")
    out["docinfo"] = {child.tag.replace(Q, ""): (child.text or "") for child in info}
    doc_path = resolve("", body.find(Q + "DocRoot").text)
    doc_dir = posixpath.dirname(doc_path)
    doc = ET.fromstring(z.read(doc_path))
    common = doc.find(Q + "CommonData")
    out["max_unit_id"] = int(common.find(Q + "MaxUnitID").text)
    default_box = floats(common.find(Q + "PageArea/" + Q + "PhysicalBox").text)

    ids = []
    fonts = {}
    for loc in common.findall(Q + "PublicRes") + common.findall(Q + "DocumentRes"):
        res_path = resolve(doc_dir, loc.text)
        res = ET.fromstring(z.read(res_path))
        base = resolve(posixpath.dirname(res_path), res.get("BaseLoc", "."))
        for f in res.iter(Q + "Font"):
            ids.append(int(f.get("ID")))
            ff = f.find(Q + "FontFile")
            file = resolve(base, ff.text) if ff is not None else None
            fonts[f.get("ID")] = {
                "name": f.get("FontName"),
                "family": f.get("FamilyName"),
                "file": file,
                "in_package": file in names,
            }

    from fontTools.ttLib import TTFont

    cmaps, glyph_counts, glyph_orders = {}, {}, {}
    for fid, f in fonts.items():
        if f["in_package"]:
            tt = TTFont(BytesIO(z.read(f["file"])))
            cmaps[fid] = tt.getBestCmap() or {}
            glyph_counts[fid] = tt["maxp"].numGlyphs
            glyph_orders[fid] = tt.getGlyphOrder()
            f["tables"] = sorted(tt.keys())
        f["missing"] = ""
        f["bad_glyphs"] = []

    out["outline"] = [
        e.get("Title") for e in doc.iter(Q + "OutlineElem")
    ]
    pages = []
    for p in doc.find(Q + "Pages").findall(Q + "Page"):
        ids.append(int(p.get("ID")))
        page_path = resolve(doc_dir, p.get("BaseLoc"))
        page = ET.fromstring(z.read(page_path))
        area = page.find(Q + "Area/" + Q + "PhysicalBox")
        box = floats(area.text) if area is not None else default_box
        texts, segs, images, outside = [], [], 0, []
        for layer in page.iter(Q + "Layer"):
            ids.append(int(layer.get("ID")))
            for obj in layer:
                ids.append(int(obj.get("ID")))
                tag = obj.tag.replace(Q, "")
                bx, by, bw, bh = floats(obj.get("Boundary"))
                if tag == "ImageObject":
                    images += 1
                elif tag == "PathObject":
                    data = obj.find(Q + "AbbreviatedData").text
                    width = float(obj.get("LineWidth", "0.353"))
                    for s in path_segments(data, bx, by):
                        segs.append({"seg": s, "width": width})
                        if s and not all(
                            bx <= x <= bx + bw and by <= y <= by + bh
                            for x, y in ((s[0], s[1]), (s[2], s[3]))
                        ):
                            outside.append(obj.get("ID"))
                elif tag == "TextObject":
                    fid = obj.get("Font")
                    size = float(obj.get("Size"))
                    transforms = {}
                    for cg in obj.findall(Q + "CGTransform"):
                        start = int(cg.get("CodePosition"))
                        glyphs = [int(g) for g in cg.find(Q + "Glyphs").text.split()]
                        for k, g in enumerate(glyphs):
                            transforms[start + k] = g
                    for code in obj.findall(Q + "TextCode"):
                        text = code.text or ""
                        x0 = float(code.get("X")) + bx
                        y0 = float(code.get("Y")) + by
                        xs = [x0]
                        for d in delta(code.get("DeltaX"), len(text)):
                            xs.append(xs[-1] + d)
                        if len(xs) != len(text):
                            raise ValueError("DeltaX of %r has %d steps" % (text, len(xs) - 1))
                        # A reader may clip an object to its Boundary:
                        # every glyph's origin, half an em to its right (a
                        # half-width glyph), the em above the baseline and
                        # a descender below it must lie inside it.
                        eps = 0.001
                        inside_x = all(bx - eps <= x and x + size / 2 <= bx + bw + eps for x in xs)
                        inside_y = by - eps <= y0 - size and y0 + size / 5 <= by + bh + eps
                        if not (inside_x and inside_y):
                            outside.append(obj.get("ID"))
                        cmap = cmaps.get(fid, {})
                        missing = "".join(c for c in text if ord(c) not in cmap)
                        fonts[fid]["missing"] += missing
                        for g in transforms.values():
                            if g >= glyph_counts.get(fid, 0):
                                fonts[fid]["bad_glyphs"].append(g)
                        # Each glyph a CGTransform names, with the
                        # characters the font's cmap gives it.
                        named = [
                            [text[k], g, sorted(chr(u) for u, v in cmap.items() if v == glyph_orders[fid][g])]
                            for k, g in sorted(transforms.items())
                            if k < len(text) and g < glyph_counts.get(fid, 0)
                        ]
                        texts.append({
                            "text": text, "font": fid, "size": size,
                            "xs": xs, "y": y0, "glyph_transforms": named,
                        })
        pages.append({
            "box": box, "texts": texts, "segs": segs, "images": images,
            "outside": outside,
        })
    out["pages"] = pages
    out["fonts"] = fonts
    # Attachments (GB/T 33190 附件): Document.xml names their list, each
    # CT_Attachment's FileLoc is relative to that list's folder.
    attachments = []
    loc = doc.find(Q + "Attachments")
    if loc is not None:
        list_path = resolve(doc_dir, loc.text)
        listed = ET.fromstring(z.read(list_path))
        for a in listed.iter(Q + "Attachment"):
            file = resolve(posixpath.dirname(list_path), a.find(Q + "FileLoc").text)
            attachments.append({
                "id": a.get("ID"),
                "name": a.get("Name"),
                "format": a.get("Format"),
                "size_kb": float(a.get("Size", "0")),
                "file": file,
                "text": z.read(file).decode("utf-8"),
            })
    out["attachments"] = attachments
    out["unit_ids"] = ids
    return out


def easyofd_text(path):
    """Each page's text as easyofd's parser reads it (its own code)."""
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.disable(logging.CRITICAL)
    from loguru import logger

    logger.remove()
    from easyofd.ofd import OFD

    import contextlib

    ofd = OFD()
    # easyofd prints as it parses: keep stdout for the JSON.
    with open(path, "rb") as f, contextlib.redirect_stdout(sys.stderr):
        ofd.read(f.read(), fmt="binary")
    doc = ofd.data[0]
    pages = doc["page_info"]
    return [
        "".join(t.get("text", "") for t in pages[k]["text_list"])
        for k in sorted(pages)
    ], {fid: f.get("FontFile") for fid, f in doc["fonts"].items()}


if __name__ == "__main__":
    result = read(sys.argv[1])
    if "--easyofd" in sys.argv[2:]:
        result["easyofd_pages"], result["easyofd_fonts"] = easyofd_text(sys.argv[1])
    json.dump(result, sys.stdout, ensure_ascii=False)
