//! Faces on document portraits and selfies (issue 5): detection with five
//! landmarks and the face's geometry and quality measures. Work in progress.
