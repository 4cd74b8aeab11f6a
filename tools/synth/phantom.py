"""Cheap numeric phantoms: a chest CT in Hounsfield units and a head MR, slice by slice.

Everything is vectorised numpy over a grid computed once per volume, so a 200-slice
512x512 CT takes a few seconds. The anatomy is crude on purpose; what matters for tests is
plausible value ranges (air, lung, fat, soft tissue, bone), a signed stored range and noise.
"""

from __future__ import annotations

import numpy as np


class ChestCT:
    """Axial chest/abdomen slices; `slice(k)` returns stored int16 values (HU + 1024).

    Outside the circular reconstruction field the stored value is `padding` (-2000), which
    a viewer must treat as Pixel Padding Value (0028,0120).
    """

    def __init__(self, size: int, slices: int, seed: int, bits_stored: int = 16, padding: int = -2000):
        self.size = size
        self.slices = max(slices, 1)
        self.bits_stored = bits_stored
        self.padding = padding
        self.rng = np.random.default_rng(seed)
        axis = (np.arange(size, dtype=np.float32) - (size - 1) / 2) / (size / 2)  # -1..1
        self.x = axis[np.newaxis, :]
        self.y = axis[:, np.newaxis]
        self.x2 = self.x * self.x
        self.y2 = self.y * self.y
        self.fov = (self.x2 + self.y2) > 1.0
        angle = np.arctan2(self.y, self.x)
        self.rib_pattern = np.cos(angle * 14) > 0.35  # rib segments around the chest wall
        # Spine and aorta at fixed positions.
        self.spine = ((self.x) ** 2 + (self.y - 0.45) ** 2) < 0.09 ** 2
        self.spine_rim = ((self.x) ** 2 + (self.y - 0.45) ** 2) < 0.12 ** 2
        self.aorta = ((self.x + 0.12) ** 2 + (self.y - 0.25) ** 2) < 0.06 ** 2
        lo, hi = -(1 << (bits_stored - 1)), (1 << (bits_stored - 1)) - 1
        self.clip = (lo, hi)

    def slice(self, k: int) -> np.ndarray:
        t = k / max(self.slices - 1, 1)  # 0 at the feet end, 1 at the head end
        a = 0.78 + 0.06 * np.sin(t * np.pi)  # body half-width (fraction of FOV)
        b = 0.55 + 0.04 * np.sin(t * np.pi)
        body_r = self.x2 / (a * a) + (self.y - 0.05) ** 2 / (b * b)  # <1 inside the body
        hu = np.full((self.size, self.size), -1000.0, dtype=np.float32)
        hu[body_r < 1.0] = -100.0                       # subcutaneous fat
        hu[body_r < 0.86] = 40.0                        # soft tissue
        thorax = t > 0.35
        if thorax:
            ribs = (body_r > 0.68) & (body_r < 0.76) & self.rib_pattern
            hu[ribs] = 700.0                            # bone rim
            grow = min((t - 0.35) / 0.2, 1.0)
            la, lb = 0.28 * grow + 0.02, 0.34 * grow + 0.02
            for cx in (-0.34, 0.34):
                lung = ((self.x - cx) ** 2 / (la * la) + (self.y + 0.02) ** 2 / (lb * lb)) < 1.0
                hu[lung] = -800.0                       # lung
            heart = ((self.x + 0.06) ** 2 / 0.04 + (self.y + 0.05) ** 2 / 0.03) < 1.0
            if t < 0.8:
                hu[heart] = 45.0
        else:
            liver = ((self.x + 0.3) ** 2 / 0.09 + (self.y + 0.05) ** 2 / 0.06) < 1.0
            hu[liver] = 60.0
        hu[self.spine_rim] = 700.0
        hu[self.spine] = 250.0                           # cancellous bone inside the cortex
        hu[self.aorta] = 45.0
        hu += self.rng.standard_normal((self.size, self.size), dtype=np.float32) * 12.0
        stored = hu + 1024.0
        stored[self.fov] = self.padding
        return np.clip(stored, *self.clip).astype(np.int16)


class HeadMR:
    """Axial T1/T2-like head slices; `slice(k, weighting)` returns uint16 values < 4096."""

    def __init__(self, size: int, slices: int, seed: int):
        self.size = size
        self.slices = max(slices, 1)
        self.rng = np.random.default_rng(seed)
        axis = (np.arange(size, dtype=np.float32) - (size - 1) / 2) / (size / 2)
        self.x = axis[np.newaxis, :]
        self.y = axis[:, np.newaxis]

    def slice(self, k: int, weighting: str = "T1") -> np.ndarray:
        t = k / max(self.slices - 1, 1)
        scale = 0.55 + 0.3 * np.sin(0.2 + t * 2.6)      # head gets smaller towards the vertex
        r = (self.x / (0.8 * scale)) ** 2 + (self.y / scale) ** 2
        t1 = weighting == "T1"
        image = np.zeros((self.size, self.size), dtype=np.float32)
        image[r < 1.0] = 1100.0 if t1 else 600.0          # scalp fat
        image[r < 0.88] = 60.0                            # skull (dark on both)
        image[r < 0.78] = 650.0 if t1 else 900.0          # grey matter
        image[r < 0.55] = 850.0 if t1 else 700.0          # white matter
        for cx in (-0.08, 0.08):                          # lateral ventricles (CSF)
            ventricle = ((self.x - cx) / (0.05 * scale)) ** 2 + (self.y / (0.22 * scale)) ** 2 < 1.0
            image[ventricle] = 250.0 if t1 else 1800.0
        noise = self.rng.standard_normal((2, self.size, self.size), dtype=np.float32) * 20.0
        image = np.sqrt((image + noise[0]) ** 2 + noise[1] ** 2)  # magnitude (Rician) noise
        return np.clip(image, 0, 4095).astype(np.uint16)
