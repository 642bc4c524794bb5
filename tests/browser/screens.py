"""Screenshots of the browser stories, written when SIMIR_SCREENSHOTS names a folder (README gallery)."""

import os
from pathlib import Path


def shot(page, name):
    folder = os.environ.get("SIMIR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
