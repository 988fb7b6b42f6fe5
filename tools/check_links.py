#!/usr/bin/python3
"""The house's link check (ctest house.links).

Reads every Markdown file of the repository (README.md, CONTRIBUTING.md, docs/, configs/,
bench/, tools/...; build folders and hidden folders excepted) and fails, naming file and line,
when a relative link does not resolve: `[text](path)`, `![alt](path)` and reference
definitions `[label]: path`. The target must exist inside the repository (a link that climbs
out of it is broken for every other reader); `path#anchor` into a Markdown file must also name
one of its headings (GitHub's anchors: lower case, punctuation dropped, spaces to '-') or an
explicit `<a id=...>`/`<a name=...>`. Links to web addresses (scheme:...) are not fetched.
Code spans and fenced code blocks are skipped.

Usage: tools/check_links.py [SOURCE_DIR]
"""
import pathlib
import re
import sys
import urllib.parse

INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
                    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
REFDEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODESPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")
HTML_ID = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")


def markdown_files(root):
    for p in sorted(root.rglob("*.md")):
        rel = p.relative_to(root).parts
        if any(part.startswith(".") or part.startswith("build") or part == "node_modules"
               for part in rel[:-1]):
            continue
        yield p


def prose_lines(text):
    """(line number, line) outside fenced code blocks, with code spans blanked."""
    fence = None
    for n, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if m:
            if fence is None:
                fence = m.group(1)[0] * len(m.group(1))
            elif m.group(1).startswith(fence):
                fence = None
            continue
        if fence is None:
            yield n, CODESPAN.sub(lambda c: " " * len(c.group(0)), line)


def slug(heading):
    """GitHub's anchor of a heading."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links: their text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


_anchors = {}


def anchors(path):
    if path not in _anchors:
        found, seen = set(), {}
        for _, line in prose_lines(path.read_text(encoding="utf-8")):
            m = HEADING.match(line)
            if m:
                s = slug(m.group(1))
                k = seen.get(s, 0)
                seen[s] = k + 1
                found.add(s if k == 0 else "%s-%d" % (s, k))
            found.update(HTML_ID.findall(line))
        # Code spans were blanked above; headings with code keep their words: read them again.
        for line in path.read_text(encoding="utf-8").splitlines():
            m = HEADING.match(line)
            if m:
                found.add(slug(m.group(1).replace("`", "")))
        _anchors[path] = found
    return _anchors[path]


def targets(text):
    for n, line in prose_lines(text):
        for m in INLINE.finditer(line):
            yield n, m.group(1)
        m = REFDEF.match(line)
        if m:
            yield n, m.group(1)


def check_file(root, md):
    errors = []
    for n, target in targets(md.read_text(encoding="utf-8")):
        target = target.strip("<>")
        if not target or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target):
            continue  # web address, mailto:...
        path_part, _, anchor = target.partition("#")
        path_part = urllib.parse.unquote(path_part)
        where = "%s:%d: %s" % (md.relative_to(root), n, target)
        dest = md if not path_part else (
            (root / path_part.lstrip("/")) if path_part.startswith("/") else md.parent / path_part)
        dest = pathlib.Path(*dest.parts)
        try:
            resolved = dest.resolve()
            resolved.relative_to(root.resolve())
        except ValueError:
            errors.append(where + ": leaves the repository")
            continue
        if not resolved.exists():
            errors.append(where + ": no such file")
            continue
        if anchor and resolved.suffix == ".md" and resolved.is_file():
            if urllib.parse.unquote(anchor).lower() not in anchors(resolved):
                errors.append(where + ": no heading with anchor #" + anchor)
    return errors


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    errors, files = [], 0
    for md in markdown_files(root):
        files += 1
        errors += check_file(root, md)
    for e in errors:
        print(e)
    print("%d Markdown files, %d broken links" % (files, len(errors)))
    return 1 if errors or files == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
