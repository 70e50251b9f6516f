//! Finding the identity document in a photo: its quadrilateral, where it leaves the frame, and a perspective-corrected crop. Pure image geometry.
