"""PDF viewers for the tests: poppler (pdftoppm), PDFium (pypdfium2) and pdf.js (the npm package
pdfjs-dist in tests/pdfjs/, run in Debian's Chromium from a server on 127.0.0.1)."""

from __future__ import annotations

import base64
import functools
import io
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser

PDFJS = Path(__file__).parent / "pdfjs" / "node_modules" / "pdfjs-dist"
PAGE = """<!doctype html><meta charset="utf-8"><title>pdf.js</title>
<script type="module">
import * as pdfjs from "/pdfjs/build/pdf.mjs";
pdfjs.GlobalWorkerOptions.workerSrc = "/pdfjs/build/pdf.worker.mjs";
window.renderPdf = async (url, scale) => {
  const task = pdfjs.getDocument({url, cMapUrl: "/pdfjs/cmaps/", cMapPacked: true,
    standardFontDataUrl: "/pdfjs/standard_fonts/", wasmUrl: "/pdfjs/wasm/",
    iccUrl: "/pdfjs/iccs/"});
  const doc = await task.promise;
  const page = await doc.getPage(1);
  const viewport = page.getViewport({scale});
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(viewport.width);
  canvas.height = Math.round(viewport.height);
  const context = canvas.getContext("2d");
  await page.render({canvas, canvasContext: context, viewport,
    annotationMode: pdfjs.AnnotationMode.ENABLE}).promise;
  await task.destroy();
  return canvas.toDataURL("image/png");
};
window.ready = true;
</script>"""


def poppler(pdf: bytes, dpi: float) -> Image.Image:
    """Page 1 as pdftoppm draws it (form fields included), in greyscale."""
    out = subprocess.run(
        ["pdftoppm", "-r", f"{dpi:g}", "-f", "1", "-l", "1", "-gray", "-png", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return Image.open(io.BytesIO(out.stdout)).convert("L")


def pdfium(pdf: bytes, dpi: float) -> Image.Image:
    """Page 1 as PDFium draws it (Chrome's viewer), form fields included, in greyscale."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    document.init_forms()
    try:
        image = document[0].render(scale=dpi / 72, may_draw_forms=True).to_pil()
    finally:
        document.close()
    return image.convert("L")


class PdfJs:
    """pdf.js in a Chromium tab; `render` takes PDF bytes and returns page 1 in greyscale."""

    def __init__(self, browser: Browser, folder: Path, base: str) -> None:
        self.folder, self.base = folder, base
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.goto(base + "index.html")
        self.page.wait_for_function("window.ready === true")
        self.count = 0

    def render(self, pdf: bytes, dpi: float) -> Image.Image:
        self.count += 1
        name = f"doc-{self.count}.pdf"
        (self.folder / name).write_bytes(pdf)
        url = self.page.evaluate("([u, s]) => renderPdf(u, s)", [self.base + name, dpi / 72])
        data = base64.b64decode(url.split(",", 1)[1])
        image = Image.open(io.BytesIO(data))
        white = Image.new("RGBA", image.size, "white")  # the canvas is transparent
        return Image.alpha_composite(white, image.convert("RGBA")).convert("L")


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript"}

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def pdfjs_viewer(browser: Browser, folder: Path) -> Iterator[PdfJs]:
    """pdf.js served with its CMaps from `folder` on 127.0.0.1 (nothing from any other host)."""
    if not (PDFJS / "build" / "pdf.mjs").is_file():
        raise RuntimeError(f"找不到 {PDFJS}：请运行 make setup（在 tests/pdfjs 中 npm ci）")
    (folder / "pdfjs").symlink_to(PDFJS, target_is_directory=True)
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    viewer = PdfJs(browser, folder, f"http://127.0.0.1:{server.server_port}/")
    try:
        yield viewer
    finally:
        viewer.context.close()
        server.shutdown()
        server.server_close()
        thread.join()
