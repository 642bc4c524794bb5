"""Screenshots of the browser stories, written when SIMIR_SCREENSHOTS names a folder (README gallery)."""

import os
from pathlib import Path


def shot(page, name, full_page=True):
    """The whole page, or (`full_page=False`) what the window shows, for pages too long to read whole."""
    folder = os.environ.get("SIMIR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)
