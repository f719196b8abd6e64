//! Document IDs: what a corpus-relative path is called in the index and in every answer.

/// The document ID of a corpus-relative path: the path without its extension.
pub fn id_for(rel_path: &str) -> String {
    match rel_path.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') && !ext.contains('/') => {
            stem.to_string()
        }
        _ => rel_path.to_string(),
    }
}
