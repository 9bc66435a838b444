"""Time until the procedure picker is usable: create_main_window(content_dir) returning (library loaded,
list filled). Qt and the app's modules are imported first, so the figure is the library and the window,
not the interpreter start. Packs are counted from the listings, so none is built after the clock stops.
Prints one JSON line."""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _paint_probe import peak_rss_kb  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> None:
    content_dir, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    _app = QApplication(sys.argv[:1])   # held until the measure is printed
    import consultaid.consultation.store  # noqa: F401
    import consultaid.content.library  # noqa: F401
    import consultaid.ui.views.main_window  # noqa: F401
    from consultaid.ui.app import create_main_window

    before_kb = peak_rss_kb()
    start = time.perf_counter()
    # As the app starts (consultaid.ui.app.show_main_window): the store opens right after the first paint.
    window = create_main_window(content_dir, data_dir, open_store_now=False)
    seconds = time.perf_counter() - start
    listed = window.library_page.procedures.count()
    print(json.dumps({"seconds": seconds, "listed": listed, "packs": len(window.library.listings),
                      "broken": len(window.library.broken), "peak_rss_kb": peak_rss_kb(), "before_kb": before_kb}))


# The library validates many changed packs in worker processes started with "spawn", which import this
# script again as their main module: only the real run may measure.
if __name__ == "__main__":
    main()
