//! E-mail headers as fields of the query: `from:`, `to:` (To and Cc) and `subject:` find
//! the messages (`.eml`, `.msg`, the messages of an `.mbox`) whose header holds the words,
//! and nothing else that holds them.

mod common;

use common::Dossier;

fn copy_shared(dossier: &Dossier, name: &str) {
    let path = common::shared_data("formats").join(name);
    dossier.write(name, std::fs::read(path).expect("shared test file"));
}

fn ids(dossier: &Dossier, query: &str) -> Vec<String> {
    let mut ids: Vec<String> = dossier
        .search_json(query, &[])
        .hits
        .into_iter()
        .map(|hit| hit.doc_id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn header_fields_find_the_messages_whose_header_holds_the_words() {
    let dossier = Dossier::empty();
    for name in [
        "apache-httpd-dev.mbox",
        "fake-email-attachment.eml",
        "fake-email-attachment.msg",
    ] {
        copy_shared(&dossier, name);
    }
    // Words of the headers also stand elsewhere: in a plain file, and in the mbox's list.
    dossier.write(
        "notes.txt",
        "Slemko wrote to TLOSAP about authentication; Mallori sent a fake email.",
    );
    assert!(dossier.index_run().status.success());

    assert_eq!(ids(&dossier, "from:Slemko"), ["apache-httpd-dev//3"]);
    assert_eq!(ids(&dossier, "to:TLOSAP"), ["apache-httpd-dev//3"]);
    // Stemmed, as a keyword is: the subject says `authentication`.
    assert_eq!(
        ids(&dossier, "subject:authenticate"),
        ["apache-httpd-dev//3"]
    );
    assert_eq!(
        ids(&dossier, "subject:\"fake email\""),
        ["fake-email-attachment", "fake-email-attachment.msg"]
    );
    assert_eq!(
        ids(&dossier, "from:mallori AND to:unstructured"),
        ["fake-email-attachment", "fake-email-attachment.msg"]
    );
    assert!(ids(&dossier, "from:TLOSAP").is_empty());
    // The words themselves, not in a field, are in more documents.
    assert!(ids(&dossier, "Slemko").contains(&"notes".to_string()));

    // The passage shows the header line, with the word highlighted.
    let results = dossier.search_json("from:Slemko", &[]);
    let highlighted = results.highlighted();
    assert!(highlighted.contains(&"Slemko"), "{highlighted:?}");

    let unknown = dossier.command(&["search", "cc:Slemko"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("from, to and subject"));
}
