//! Capture-quality measurements on a document region: sharpness, glare, exposure, screen moire, and metadata signs of screenshots and editing. Pure measurements, no thresholds.
