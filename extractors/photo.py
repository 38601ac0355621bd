"""Photos and screenshots of a page: find the sheet in the picture and undo the perspective.

A phone photo shows the page at an angle on a desk (or a screenshot shows it inside a viewer's
interface); OCR then reads the desk's texture, the interface's labels and lines that slope. The
sheet is the largest bright, four-cornered region of the picture: it is found on a small copy
(Otsu on a blurred grey image, the largest contour, its polygon approximated to four corners) and
warped to an upright rectangle of the same resolution. A scan (the page fills the picture) and a
picture where no clear four-cornered sheet stands out (a region that is no rectangle seen at an
angle: a desk photo's bright wedge) are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_SIDE = 800  # the long side of the small copy the sheet is looked for on
MIN_SHEET_SHARE = 0.3  # the sheet covers at least this share of the picture
# A sheet whose corners all lie this close to the picture's corners (share of its sides) fills
# the picture: a scan, nothing to undo.
FILLS_PICTURE = 0.03
# Corners the polygon approximation may drift by, as a share of the contour's perimeter.
APPROX_SHARE = 0.02
# What a sheet seen at an angle still looks like: opposite sides within this ratio, corners within
# ~35° of square (|cos| ≤ 0.57), width / height between 0.5 and 2 (A4 is 0.71 or 1.41).
SIDE_RATIO = 0.7
MAX_CORNER_COSINE = 0.57
MIN_ASPECT = 0.5


@dataclass(frozen=True)
class Sheet:
    """The page's four corners in the picture (top-left, top-right, bottom-right, bottom-left)
    and the upright size it is warped to."""

    corners: np.ndarray  # float32, shape (4, 2)
    size: tuple[int, int]  # (width, height) of the warped page

    def homography(self) -> np.ndarray:
        """Picture → upright page (3×3)."""
        w, h = self.size
        target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
        return cv2.getPerspectiveTransform(self.corners.astype(np.float32), target)


def find_sheet(gray: np.ndarray) -> Sheet | None:
    """The sheet of paper in a photo or a screenshot, or None (a scan, or no clear sheet)."""
    h, w = gray.shape
    factor = min(1.0, WORK_SIDE / max(h, w))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(small, (7, 7), 0)
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Close the text's dark strokes so the sheet is one region, not a lace of letters.
    size = max(5, round(max(small.shape) / 60) | 1)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    if cv2.contourArea(largest) < MIN_SHEET_SHARE * small.shape[0] * small.shape[1]:
        return None
    hull = cv2.convexHull(largest)
    polygon = cv2.approxPolyDP(hull, APPROX_SHARE * cv2.arcLength(hull, True), True)
    if len(polygon) != 4:
        return None
    corners = _ordered(polygon.reshape(4, 2).astype(np.float32) / factor)
    if _fills_picture(corners, w, h):
        return None
    top = np.linalg.norm(corners[1] - corners[0])
    bottom = np.linalg.norm(corners[2] - corners[3])
    left = np.linalg.norm(corners[3] - corners[0])
    right = np.linalg.norm(corners[2] - corners[1])
    size = (round(max(top, bottom)), round(max(left, right)))
    if min(size) < 100 or not _sheet_like(corners, (top, bottom, left, right)):
        return None
    return Sheet(corners, size)


def _sheet_like(corners: np.ndarray, sides: tuple[float, float, float, float]) -> bool:
    """A rectangle seen at an angle: opposite sides of comparable length, corners near square, a
    page's proportions. A bright patch of a desk photo (a wedge, a blob) is none of these."""
    top, bottom, left, right = sides
    if min(top, bottom) < SIDE_RATIO * max(top, bottom):
        return False
    if min(left, right) < SIDE_RATIO * max(left, right):
        return False
    aspect = max(top, bottom) / max(left, right)
    if not MIN_ASPECT <= aspect <= 1 / MIN_ASPECT:
        return False
    for i in range(4):
        a, b, c = corners[i - 1], corners[i], corners[(i + 1) % 4]
        u, v = a - b, c - b
        cosine = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9))
        if abs(cosine) > MAX_CORNER_COSINE:
            return False
    return True


def _ordered(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left."""
    sums = points.sum(axis=1)
    diffs = np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[np.argmin(sums)],
            points[np.argmin(diffs)],
            points[np.argmax(sums)],
            points[np.argmax(diffs)],
        ],
        dtype=np.float32,
    )


def _fills_picture(corners: np.ndarray, w: int, h: int) -> bool:
    picture = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    slack = np.array([w, h], dtype=np.float32) * FILLS_PICTURE
    return bool(np.all(np.abs(corners - picture) <= slack))


def unwarp(gray: np.ndarray, sheet: Sheet) -> np.ndarray:
    """The sheet warped upright (the picture's background around it is gone)."""
    return cv2.warpPerspective(
        gray, sheet.homography(), sheet.size, flags=cv2.INTER_CUBIC, borderValue=255
    )
