"""Reads nianbao's HTML with Python's own HTML parser (none of nianbao's
code): the text of <script type="application/json" id="nianbao-data">,
every table cell that has a data-pointer, with the cell's text, and every
header cell (<th>) with its scope and text.

Usage: python3 htmlread.py FILE.html  ->  JSON {"data": "...", "cells":
[{"pointer": "/a/0", "text": "12"}, ...], "scripts": N}
"""
import json
import sys
from html.parser import HTMLParser


class Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = None
        self.scripts = 0
        self.in_data = False
        self.cells = []
        self.cell = None
        self.headers = []
        self.header = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if a.get("type") == "application/json" and a.get("id") == "nianbao-data":
                self.in_data = True
                self.data = ""
        elif tag == "td" and "data-pointer" in a:
            self.cell = {"pointer": a["data-pointer"], "text": ""}
        elif tag == "th":
            self.header = {"scope": a.get("scope"), "text": ""}

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_data = False
        elif tag == "td" and self.cell is not None:
            self.cell["text"] = "".join(self.cell["text"].split())
            self.cells.append(self.cell)
            self.cell = None
        elif tag == "th" and self.header is not None:
            self.header["text"] = "".join(self.header["text"].split())
            self.headers.append(self.header)
            self.header = None

    def handle_data(self, d):
        if self.in_data:
            self.data += d
        elif self.cell is not None:
            self.cell["text"] += d
        elif self.header is not None:
            self.header["text"] += d


r = Reader()
with open(sys.argv[1], encoding="utf-8") as f:
    r.feed(f.read())
json.dump({"data": r.data, "cells": r.cells, "headers": r.headers, "scripts": r.scripts}, sys.stdout, ensure_ascii=False)
