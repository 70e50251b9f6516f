"""rapidocr's own Python pipeline as a long-running benchmark worker.

Started by `target/release/ocr_peer` (see scripts/bench-ocr-peer.sh) inside
the venv that script builds. Reads one image path per line on stdin and
answers one JSON line per image on stdout:

    {"ms": 123.4, "cls_ms": 9.1, "boxes": 17, "texts": ["...", ...]}

or {"error": "..."} when the image cannot be read. `ms` is the wall time of
`RapidOCR()(image)` on the already decoded image (decoding excluded, as on
the Rust side): the file is read with cv2.imread (BGR, which rapidocr takes
as is for an ndarray) before the clock starts. The pipeline is rapidocr's
default one: detector, the 0/180 degree angle classifier (on by default), then
the recogniser (batches of 6), lines below a text score of 0.5 dropped.
`cls_ms` is rapidocr's own timing of the angle classifier's runs (inside
`ms`), which openkyc does not run.

One engine instance, every ONNX Runtime session with ONE intra-op and one
inter-op thread (rapidocr's `intra_op_num_threads` / `inter_op_num_threads`
options, passed to each session's SessionOptions), warmed up once on the
first image before its first answer; OpenCV's thread pool also set to one
thread.
"""

import json
import sys
import time

import cv2
from rapidocr_onnxruntime import RapidOCR


def read(engine, path):
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        return {"error": f"cannot read {path}"}
    start = time.perf_counter()
    result, elapse = engine(image)
    ms = (time.perf_counter() - start) * 1000.0
    # result: [[box, text, score], ...], elapse: [det, cls, rec] seconds;
    # both None when nothing was found.
    texts = [line[1] for line in (result or [])]
    cls_ms = elapse[1] * 1000.0 if elapse else 0.0
    return {"ms": ms, "cls_ms": cls_ms, "boxes": len(texts), "texts": texts}


def main():
    # OpenCV's own thread pool (resizes, warps) kept to one thread too, so the
    # whole pipeline runs on one core, like openkyc's.
    cv2.setNumThreads(1)
    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    warmed = False
    for line in sys.stdin:
        path = line.rstrip("\n")
        if not path:
            continue
        if not warmed:
            # The first run allocates and tunes; it is not measured.
            read(engine, path)
            warmed = True
        answer = read(engine, path)
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
