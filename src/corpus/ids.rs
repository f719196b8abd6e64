//! Document IDs: what a corpus-relative path is called in the index and in every answer.
//!
//! A file's ID is its corpus-relative path without its extension. A document inside a file
//! (a message of an mbox, an attachment of an e-mail, a file of a ZIP archive) is known by
//! its container's ID, [`INNER_SEPARATOR`], and its name in the container: `mail//1` (the
//! first message of `mail.mbox`), `mail//1//report.pdf` (a file attached to it),
//! `photos//2024/beach.jpg` (an entry of `photos.zip`). A relative path never holds `//`,
//! so such an ID cannot be a file's, and the names inside a container are made unique and
//! free of `//` where they are read (see `extract::embedded`).

/// What joins a container's ID and the name of a document inside it.
pub const INNER_SEPARATOR: &str = "//";

/// The document ID of a corpus-relative path: the path without its extension.
pub fn id_for(rel_path: &str) -> String {
    match rel_path.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') && !ext.contains('/') => {
            stem.to_string()
        }
        _ => rel_path.to_string(),
    }
}

/// The ID of the container of the document with ID `id`; `None` for a file of the corpus.
pub fn container_of(id: &str) -> Option<&str> {
    id.rsplit_once(INNER_SEPARATOR)
        .map(|(container, _)| container)
}

/// The ID of the file of the corpus that holds the document with ID `id` (`id` itself for a
/// file).
pub fn file_of(id: &str) -> &str {
    id.split_once(INNER_SEPARATOR).map_or(id, |(file, _)| file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_documents_are_known_under_their_containers() {
        assert_eq!(container_of("2025/memo"), None);
        assert_eq!(file_of("2025/memo"), "2025/memo");
        assert_eq!(container_of("mail//1//report.pdf"), Some("mail//1"));
        assert_eq!(container_of("mail//1"), Some("mail"));
        assert_eq!(file_of("mail//1//report.pdf"), "mail");
        assert_eq!(container_of("photos//2024/beach.jpg"), Some("photos"));
    }
}
