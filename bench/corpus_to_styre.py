#!/usr/bin/env python3
"""Turns the benchmark corpus (`corpus.json` from ../shared/bench/gen_corpus.py) into a styre site.

    python3 bench/corpus_to_styre.py CORPUS_DIR/corpus.json OUT_DIR

The site uses the built-in templates and, like the peer sites the generator writes, a sitemap,
robots.txt, a search index in every language and no feeds or code highlighting.
"""

import json
import sys
from pathlib import Path


def toml_string(s):
    return json.dumps(s, ensure_ascii=False)


def front_matter(fields, body):
    lines = ["+++"]
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, str) and key == "date":
            lines.append(f"{key} = {value}")
        elif isinstance(value, str):
            lines.append(f"{key} = {toml_string(value)}")
        else:
            lines.append(f"{key} = {value}")
    lines.append("+++")
    return "\n".join(lines) + "\n" + body.rstrip("\n") + "\n"


def main():
    corpus_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    corpus = json.loads(corpus_path.read_text(encoding="utf-8"))
    default = corpus["default_language"]
    labels = corpus["labels"]
    home_titles = {p["lang"]: p["title"] for p in corpus["pages"] if p["kind"] == "home"}

    config = [
        f"base_url = {toml_string(corpus['base_url'])}",
        f"title = {toml_string(home_titles[default])}",
        f"default_language = {toml_string(default)}",
        "generate_feed = false",
        "highlight_code = false",
        "minify_html = false",
        "build_search_index = true",
        "",
    ]
    for lang in corpus["languages"]:
        config += [
            f"[languages.{lang}]",
            f"name = {toml_string(labels[lang]['lang_name'])}",
            f"title = {toml_string(home_titles[lang])}",
            "",
        ]
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.toml").write_text("\n".join(config), encoding="utf-8")

    for page in corpus["pages"]:
        suffix = "" if page["lang"] == default else f".{page['lang']}"
        fields = {"title": page["title"], "date": page.get("date"), "weight": page.get("weight")}
        if page["kind"] == "home":
            target = out / "content" / f"_index{suffix}.md"
            fields.pop("date")
        elif page["kind"] == "section":
            target = out / "content" / page["path"] / f"_index{suffix}.md"
            fields.pop("date")
        else:
            target = out / "content" / f"{page['path']}{suffix}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(front_matter(fields, page["body"]), encoding="utf-8")


if __name__ == "__main__":
    main()
