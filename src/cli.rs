//! Command-line arguments and help text, nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use dossier::extract::Format;
use dossier::printer::notes;
use dossier::query::filter::Filters;
use dossier::quote::QuoteRequest;
use dossier::search::SearchRequest;
use dossier::text::language::Language;

#[derive(Parser, Debug)]
#[command(
    name = "dossier",
    version,
    about = "Full-text search of a folder of documents: ranked passages with exact highlights",
    after_help = "Exit codes: 0 found (or indexed everything), 1 nothing found (or some files \
                  skipped), 2 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build or update the index of a corpus folder (.txt, .md, .csv, .pdf, images by OCR, .html, .eml, .mbox, .msg, .zip, .docx, .doc, .odt, .rtf, .epub, .xlsx, .ods).
    Index {
        #[command(flatten)]
        location: Location,
        /// Read every file again and replace every document. Like any long run it commits
        /// every minute; if it is stopped, the next `dossier index` finishes it.
        #[arg(long)]
        rebuild: bool,
        /// Read again the files skipped before, changed or not (after installing a missing
        /// program, say), and the files holding documents skipped before.
        #[arg(long)]
        retry_skipped: bool,
        /// The languages OCR reads, as Tesseract names them, joined by + (eng+deu); each
        /// needs its data (Debian: tesseract-ocr-deu). For the files this run reads: add
        /// --rebuild to read every scan again.
        #[arg(long, value_name = "LANGS", default_value = "eng")]
        ocr_lang: String,
        /// Also commit after this many changed documents (for crash tests).
        #[arg(long, value_name = "N", hide = true)]
        commit_every_docs: Option<usize>,
    },
    /// Search the corpus and print ranked passages with the matches highlighted.
    Search(SearchArgs),
    /// Serve a web page and a JSON API over the index (on 127.0.0.1), keep the index up to
    /// date as the corpus changes, and run this index's command-line searches. Stop it with
    /// Ctrl-C.
    Serve(ServeArgs),
    /// `dossier serve --no-http`: keep the index up to date and run command-line searches.
    #[command(hide = true)]
    Watch {
        #[command(flatten)]
        location: Location,
    },
    /// Check a quotation: where it is quoted verbatim, or the closest wording and how it
    /// differs.
    Quote(QuoteArgs),
    /// Print a document's text exactly as indexed, the text passages' offsets point into
    /// (`start..end` of a passage are bytes of it), or one page of it.
    Show(ShowArgs),
    /// Read the files the indexing process sends, each within its limits (see
    /// `extract::worker`); started by `dossier index`, not by hand.
    #[command(name = "read-worker", hide = true)]
    ReadWorker {
        /// The most memory (address space) it may take, with the programs it runs.
        #[arg(long, value_name = "MIB")]
        memory_limit_mib: u64,
    },
    /// Print a man page or a shell's completion script, made from these definitions:
    /// `dossier generate man > dossier.1`, `dossier generate bash > dossier.bash`.
    Generate {
        #[arg(value_enum)]
        what: Generated,
    },
}

/// What `dossier generate` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Generated {
    Man,
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

impl Command {
    /// The index folder the command works on, if it works on one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Command::Index { location, .. } | Command::Watch { location } => Some(location),
            Command::Serve(args) => Some(&args.location),
            Command::Search(args) => Some(&args.common.location),
            Command::Quote(args) => Some(&args.common.location),
            Command::Show(args) => Some(&args.location),
            Command::Generate { .. } | Command::ReadWorker { .. } => None,
        }
    }
}

#[derive(Args, Debug)]
pub struct Location {
    /// The folder of documents.
    #[arg(long, value_name = "DIR", default_value = notes::DEFAULT_CORPUS)]
    pub corpus: PathBuf,
    /// Where the index is kept.
    #[arg(long, value_name = "DIR", default_value = notes::DEFAULT_INDEX)]
    pub index: PathBuf,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub location: Location,
    /// The port to listen on (0: any free port, printed at start).
    #[arg(long, value_name = "N", default_value_t = 7700)]
    pub port: u16,
    /// The address to listen on. Any other than a loopback address lets other machines
    /// connect: every request must then carry a token (printed at start, or --token).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// The token requests must carry (`Authorization: Bearer TOKEN`, or the address
    /// printed at start). Also read from DOSSIER_TOKEN.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "DOSSIER_TOKEN",
        hide_env_values = true,
        value_parser = parse_token
    )]
    pub token: Option<String>,
    /// Open the page in the web browser once serving.
    #[arg(long)]
    pub open: bool,
    /// Seconds a connection may go without a byte either way before it is closed (for
    /// tests: by default, longer than any answer takes).
    #[arg(long, value_name = "SECONDS", hide = true)]
    pub idle_seconds: Option<u64>,
    /// No HTTP: only keep the index up to date and run command-line searches.
    #[arg(long, conflicts_with_all = ["open", "token"])]
    pub no_http: bool,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The query: words (ranked, any inflected form), "a phrase" (exact words in order),
    /// "a phrase"~N, word~N (fuzzy), prefix*, +must, -must_not, AND, OR, NOT, (groups),
    /// title:word, id:ID, from:word, to:word, subject:word.
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// How many documents to show.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Leave out the N best documents and show those after them: `--offset 10` is the
    /// second page of ten. Ranks go on from N + 1.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// How many passages to show for each document.
    #[arg(long, value_name = "K", default_value_t = 2)]
    pub passages: usize,
    /// Let every plain word match close spellings: 1 edit for words of 5 to 8 letters, 2
    /// for longer ones, none for shorter ones.
    #[arg(long)]
    pub fuzzy: bool,
    /// Only documents whose ID matches this glob (`2025/*`, `000_*`; `*` does not cross
    /// `/`, `**` does).
    #[arg(long, value_name = "GLOB")]
    pub id: Option<String>,
    /// Only documents dated on or after this day (2017-02-07, 2017-02, 2017). A document's
    /// date comes from a metadata.tsv in the corpus, else from its file's modification time.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub after: Option<i64>,
    /// Only documents dated before this day.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub before: Option<i64>,
    /// Only documents of these formats (a list: `pdf,email`; text, pdf, html, email, docx,
    /// odt, epub, image, or an extension such as eml).
    #[arg(long = "type", value_name = "TYPES", value_delimiter = ',', value_parser = parse_format)]
    pub types: Vec<Format>,
    /// Only documents in these languages (a list: `ru,uk`; ISO 639-1 or 639-3 codes, or
    /// English names). A document's language is detected from its text, unless a
    /// metadata.tsv in the corpus gives it in a `lang` column. Words are then stemmed in
    /// these languages only.
    #[arg(long = "lang", value_name = "LANGS", value_delimiter = ',', value_parser = parse_language)]
    pub languages: Vec<Language>,
    /// Search names only as spelled, not also under their other transliterations (Kiev and
    /// Kyiv, Zelensky and Zelenskyy, and those in the corpus's .dossier-variants file).
    #[arg(long)]
    pub no_variants: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl SearchArgs {
    pub fn request(&self) -> SearchRequest {
        SearchRequest {
            query: self.query.clone(),
            limit: self.limit,
            offset: self.offset,
            passages: self.passages,
            fuzzy: self.fuzzy,
            variants: !self.no_variants,
            filters: Filters {
                id_glob: self.id.clone(),
                after: self.after,
                before: self.before,
                types: self.types.clone(),
                languages: self.languages.clone(),
            },
        }
    }
}

#[derive(Args, Debug)]
pub struct QuoteArgs {
    /// The quotation as pasted, with or without its quotation marks. An ellipsis (…, ...,
    /// [...]) stands for words left out; a [bracketed insertion] need not appear.
    #[arg(value_name = "TEXT")]
    pub text: String,
    /// How many matches to show.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Show near matches at least this similar (0 to 1): 1 minus the share of the
    /// quotation's words that differ (a close spelling counts half).
    #[arg(
        long,
        value_name = "S",
        default_value_t = dossier::quote::DEFAULT_MIN_SIMILARITY,
        allow_negative_numbers = true
    )]
    pub min_similarity: f32,
    /// Count other transliterations of a name (Kiev for Kyiv) as differences like any other
    /// spelling, instead of half.
    #[arg(long)]
    pub no_variants: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl QuoteArgs {
    pub fn request(&self) -> QuoteRequest {
        QuoteRequest {
            text: self.text.clone(),
            limit: self.limit,
            min_similarity: self.min_similarity,
            variants: !self.no_variants,
        }
    }
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The document's ID, as search results show it.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Only this page (1-based) of a document with pages.
    #[arg(long, value_name = "N")]
    pub page: Option<usize>,
    /// Print one JSON object (with the text's offsets and pages) instead of the text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub location: Location,
    /// Answer from the index as it is, without checking the corpus for changes first.
    #[arg(long)]
    pub no_refresh: bool,
}

/// What `search` and `quote` share: the output's form and where the dossier is.
#[derive(Args, Debug)]
pub struct CommonArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// When to use colour: auto means on a terminal, unless NO_COLOR is set.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    #[command(flatten)]
    pub location: Location,
    /// Answer from the index as it is, without checking the corpus for changes first.
    #[arg(long)]
    pub no_refresh: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// The shortest token taken: an empty or short one would let anyone in.
const SHORTEST_TOKEN: usize = 16;

fn parse_token(text: &str) -> Result<String, String> {
    let length = text.chars().count();
    if length < SHORTEST_TOKEN {
        return Err(format!(
            "a token of {length} characters is too easy to guess: give one of at least \
             {SHORTEST_TOKEN}, or none, and one is made and printed"
        ));
    }
    Ok(text.to_string())
}

fn parse_format(text: &str) -> Result<Format, String> {
    Format::named(text).ok_or_else(|| {
        format!(
            "`{text}` is not a format dossier reads: {}",
            Format::names()
        )
    })
}

fn parse_language(text: &str) -> Result<Language, String> {
    Language::from_name(text).ok_or_else(|| {
        format!("`{text}` is not a language dossier knows; write its code, such as ru, uk or de")
    })
}

fn parse_day(text: &str) -> Result<i64, String> {
    dossier::text::dates::parse_date(text)
        .ok_or_else(|| format!("`{text}` is not a date; write it as 2017-02-07, 2017-02 or 2017"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_definitions_are_consistent() {
        super::Cli::command().debug_assert();
    }
}
