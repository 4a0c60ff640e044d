"""Write tests/data/tongyong-guifan-hanzi.txt: the 8,105 characters of the 通用规范汉字表 (2013),
in the table's order, one line per level (3,500 / 3,000 / 1,605), from the Unicode Character
Database's Unihan kTGH field (Unihan_OtherMappings.txt, Debian package unicode-data).

Run from the repository root: `python tools/tgh_chars.py [PATH-TO-Unihan_OtherMappings.txt.bz2]`.
The Unicode data files are free to copy and redistribute (Unicode License v3).
"""

from __future__ import annotations

import bz2
import sys
from pathlib import Path

SOURCE = Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")
TARGET = Path("tests/data/tongyong-guifan-hanzi.txt")
LEVELS = (3500, 3000, 1605)


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    by_number: dict[int, str] = {}
    with bz2.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            if "\tkTGH\t" not in line:
                continue
            code, _, value = line.rstrip("\n").split("\t")
            for entry in value.split():  # "2013:NNNN"
                by_number[int(entry.split(":")[1])] = chr(int(code[2:], 16))
    assert sorted(by_number) == list(range(1, sum(LEVELS) + 1)), "kTGH is not 1..8105"
    chars = [by_number[n] for n in sorted(by_number)]
    rows, start = [], 0
    for size in LEVELS:
        rows.append("".join(chars[start : start + size]))
        start += size
    TARGET.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(chars)} characters")


if __name__ == "__main__":
    main()
