"""Reads nianbao's HTML with Python's own HTML parser (none of nianbao's
code): the text of <script type="application/json" id="nianbao-data">,
and every table cell that has a data-pointer, with the cell's text.

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

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if a.get("type") == "application/json" and a.get("id") == "nianbao-data":
                self.in_data = True
                self.data = ""
        elif tag == "td" and "data-pointer" in a:
            self.cell = {"pointer": a["data-pointer"], "text": ""}

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_data = False
        elif tag == "td" and self.cell is not None:
            self.cell["text"] = "".join(self.cell["text"].split())
            self.cells.append(self.cell)
            self.cell = None

    def handle_data(self, d):
        if self.in_data:
            self.data += d
        elif self.cell is not None:
            self.cell["text"] += d


r = Reader()
with open(sys.argv[1], encoding="utf-8") as f:
    r.feed(f.read())
json.dump({"data": r.data, "cells": r.cells, "scripts": r.scripts}, sys.stdout, ensure_ascii=False)
