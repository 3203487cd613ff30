"""Rebuild articles.zip and articles.jsonl from the articles/ folder: `python samples/archive/make_archives.py`.

The zip holds the folder's files under their relative paths (fixed timestamps, so rebuilding gives the same
bytes); the JSONL has one object per plain-text article: {"id": relative path, "text": its text}.
"""

import json
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
FOLDER = HERE / "articles"


def main() -> None:
    files = sorted(p for p in FOLDER.rglob("*") if p.is_file())
    with zipfile.ZipFile(HERE / "articles.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(HERE).as_posix(), date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    with open(HERE / "articles.jsonl", "w", encoding="utf-8") as out:
        for path in files:
            if path.suffix == ".txt":
                record = {"id": path.relative_to(FOLDER).as_posix(), "text": path.read_text("utf-8")}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
