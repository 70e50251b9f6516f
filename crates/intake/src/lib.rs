//! Image intake: format sniffing, size and pixel limits before decoding, EXIF orientation, metadata, one downscaled working copy. Bytes in, pixels out; no files, no network.
