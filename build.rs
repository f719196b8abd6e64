//! Takes the English stop words of the `stop-words` crate (NLTK's list) into one string of
//! the program, `$OUT_DIR/english_stop_words.txt`, a word a line: a table of strings would
//! be one pointer a word for the loader to relocate at every start.

fn main() {
    let words = stop_words::get("en").join("\n");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("english_stop_words.txt");
    std::fs::write(&out, words).expect("write the stop words");
    println!("cargo:rerun-if-changed=build.rs");
}
