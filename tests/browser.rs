//! The page of `dossier serve` in a real headless Chromium, driven over WebDriver
//! (chromedriver): a query typed, passages with highlights, a document opened and its
//! matches stepped through, a quotation checked with its difference marked, a citation
//! followed, the hostile document shown as text with nothing run, and a phone-sized
//! window. Screenshots of each view go to `target/screenshots/`; the README's, to
//! `docs/serve.png` when it is missing or DOSSIER_SCREENSHOT_DOCS is set.
#![cfg(target_os = "linux")]

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Dossier;
use common::server::{HOSTILE, Server};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// A running chromedriver, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (scripts/test.sh installs chromium-driver)");
        let driver = Driver { child, port };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "chromedriver does not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots folder");
    dir
}

async fn browser(driver: &Driver, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_string(),
        json!({
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    capabilities.insert(
        "unhandledPromptBehavior".to_string(),
        Value::String("ignore".to_string()),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a Chromium session")
}

async fn save(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(screenshots().join(format!("{name}.png")), png).expect("save screenshot");
}

/// Runs `script` (a function body) in the page and returns its value.
async fn eval(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.expect("script runs")
}

/// Waits until `script` returns true, for a generous minute at most.
async fn until(client: &Client, what: &str, script: &str) {
    let started = Instant::now();
    loop {
        if eval(client, script).await == Value::Bool(true) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{what}: not so after a minute"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Goes to `address` on the page already open, first emptying what a search, a document
/// or a quotation showed: what the page shows next is then its answer to `address`, not
/// what was left from the one before (a hash change is routed after `goto` returns).
async fn visit(client: &Client, address: &str) {
    eval(
        client,
        "for (const id of ['summary', 'results', 'doc-text', 'quote-results']) { document.getElementById(id)?.replaceChildren(); }",
    )
    .await;
    client.goto(address).await.expect("the address opens");
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}

async fn click(client: &Client, locator: Locator<'_>) {
    client
        .find(locator)
        .await
        .unwrap_or_else(|e| panic!("{locator:?}: {e}"))
        .click()
        .await
        .expect("a click");
}

async fn press(client: &Client, key: &str) {
    let script = format!(
        "document.dispatchEvent(new KeyboardEvent('keydown', {{key: '{key}', bubbles: true}}));"
    );
    eval(client, &script).await;
}

#[test]
fn the_page_searches_shows_documents_checks_quotations_and_runs_no_document_text() {
    let dossier = Dossier::shipped();
    dossier.write("hostile.txt", HOSTILE);
    on_the_page(
        &dossier,
        |client, url| async move { drive(&client, &url).await },
    );
}

/// Opens the page of a server of `dossier` in a headless Chromium and runs `drive` on it,
/// given the page's address. The browser, its driver and the server are stopped however
/// `drive` ends.
fn on_the_page<F, Done>(dossier: &Dossier, drive: F)
where
    F: FnOnce(Client, String) -> Done,
    Done: std::future::Future<Output = ()> + Send + 'static,
{
    let server = Server::start(dossier, &[]);
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("a profile folder");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _leftovers = Leftovers(profile.path().to_path_buf());
    runtime.block_on(async {
        let client = browser(&driver, profile.path()).await;
        // On a task of its own, so that the browser is closed even when a check fails.
        let driven = tokio::spawn(drive(client.clone(), server.url.clone())).await;
        let _ = client.close().await;
        if let Err(failed) = driven
            && failed.is_panic()
        {
            std::panic::resume_unwind(failed.into_panic());
        }
    });
}

/// Stops, when dropped, every process still running with the browser profile `0` (the
/// browser's own, should it outlive its driver): no test leaves a process behind.
struct Leftovers(PathBuf);

impl Drop for Leftovers {
    fn drop(&mut self) {
        let profile = format!("--user-data-dir={}", self.0.display());
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let started_here = std::fs::read(entry.path().join("cmdline"))
                .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(&profile));
            if started_here {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
    }
}

async fn drive(client: &Client, url: &str) {
    client.goto(url).await.expect("the page opens");
    until(
        client,
        "the status line",
        "return /documents/.test(document.getElementById('status').textContent);",
    )
    .await;

    // A query typed and sent with Enter: passages with their words highlighted.
    press(client, "/").await;
    assert_eq!(eval(client, "return document.activeElement.id;").await, "q");
    let q = client.find(Locator::Id("q")).await.unwrap();
    q.send_keys("witkoff envoy\u{E007}").await.unwrap();
    until(
        client,
        "results",
        "return document.querySelectorAll('#results .hit').length > 0;",
    )
    .await;
    let marked = eval(client, "return [...document.querySelectorAll('#results mark.hl')].map(m => m.textContent.toLowerCase());").await;
    let marked: Vec<String> = serde_json::from_value(marked).unwrap();
    assert!(!marked.is_empty());
    for word in &marked {
        assert!(
            word.starts_with("witkoff") || word.starts_with("envoy"),
            "{word}"
        );
    }
    let first_meta = text_of(client, "#results .hit .meta").await;
    assert!(first_meta.contains("score"), "{first_meta}");
    // The document's language, and passages laid out in their own direction (Arabic from
    // the right).
    assert_eq!(text_of(client, "#results .hit .meta .lang").await, "en");
    assert_eq!(
        eval(
            client,
            "return document.querySelector('#results .passage-text').dir;"
        )
        .await,
        "auto"
    );
    assert!(
        text_of(client, "#results .passage-foot")
            .await
            .contains("line ")
    );
    save(client, "search").await;
    // The README's picture: made anew when missing or asked for, so that a test run does
    // not change a committed file.
    let readme_shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/serve.png");
    if !readme_shot.exists() || std::env::var_os("DOSSIER_SCREENSHOT_DOCS").is_some() {
        std::fs::create_dir_all(readme_shot.parent().unwrap()).unwrap();
        std::fs::write(&readme_shot, client.screenshot().await.unwrap()).unwrap();
    }

    // The first document, every match marked, stepped through with the buttons and keys.
    click(client, Locator::Css("#results .hit .hit-head .doc-link")).await;
    until(client, "the document", "return !document.getElementById('document-view').hidden && document.querySelectorAll('#doc-text mark.hl').length > 0;").await;
    let count = text_of(client, "#match-count").await;
    let total: usize = count
        .split(" / ")
        .nth(1)
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{count}"));
    assert!(total >= 2, "{count}");
    let marks = eval(
        client,
        "return document.querySelectorAll('#doc-text mark.hl[id]').length;",
    )
    .await;
    assert_eq!(marks, total);
    assert_eq!(count, format!("1 / {total}"));
    click(client, Locator::Id("next-match")).await;
    assert_eq!(
        text_of(client, "#match-count").await,
        format!("2 / {total}")
    );
    assert_eq!(
        eval(
            client,
            "return document.querySelector('#doc-text mark.current').id;"
        )
        .await,
        "m1"
    );
    press(client, "n").await;
    let third = 2 % total + 1;
    assert_eq!(
        text_of(client, "#match-count").await,
        format!("{third} / {total}")
    );
    press(client, "p").await;
    press(client, "p").await;
    assert_eq!(
        text_of(client, "#match-count").await,
        format!("1 / {total}")
    );
    save(client, "document").await;

    // A citation's link opens the document at its passage.
    press(client, "Escape").await;
    until(client, "back to the results", "return !document.getElementById('search-view').hidden && document.querySelectorAll('#results .hit').length > 0;").await;
    // A citation copied: what goes to the clipboard (recorded here, as a headless browser
    // has no clipboard to read back) is the passage, the document's ID and its line.
    until(
        client,
        "the results shown again",
        "return !/Searching/.test(document.getElementById('summary').textContent);",
    )
    .await;
    eval(client, "window.__copied = null; navigator.clipboard.writeText = (text) => { window.__copied = text; return Promise.resolve(); };").await;
    let first_id = text_of(client, "#results .hit .doc-id").await;
    let first_line = text_of(client, "#results .passage-foot .doc-link").await;
    click(client, Locator::Css("#results .cite")).await;
    until(
        client,
        "the citation copied",
        "return window.__copied !== null;",
    )
    .await;
    let copied = eval(client, "return window.__copied;").await;
    let copied = copied.as_str().unwrap();
    assert!(copied.starts_with('“'), "{copied}");
    assert!(
        copied.contains(&format!("document {first_id}, {first_line})")),
        "{copied}"
    );
    assert_eq!(text_of(client, "#results .cite").await, "Copied");

    let cite = client
        .find(Locator::Css("#results .passage-foot .doc-link"))
        .await
        .unwrap();
    let line = cite.text().await.unwrap();
    cite.click().await.unwrap();
    until(
        client,
        "the cited passage",
        "return document.querySelector('#doc-text mark.current') !== null;",
    )
    .await;
    let at = eval(
        client,
        "return document.querySelector('#doc-text mark.current').title;",
    )
    .await;
    assert!(at.as_str().unwrap().contains(&line), "{at} at {line}");

    // A quotation with one word changed: not verbatim, the difference marked.
    click(client, Locator::Id("tab-quote")).await;
    let quote = client.find(Locator::Id("quote-text")).await.unwrap();
    quote
        .send_keys("will meet Russian envoy Kiril Dimitriev, head of Russia’s national wealth fund")
        .await
        .unwrap();
    click(client, Locator::Css("#quote-form button")).await;
    until(
        client,
        "quotation results",
        "return document.querySelectorAll('#quote-results .quote-match').length > 0;",
    )
    .await;
    assert_eq!(
        text_of(client, "#quote-results .verdict")
            .await
            .split(' ')
            .next(),
        Some("near")
    );
    let marked = text_of(client, "#quote-results .passage-text .diff").await;
    assert_eq!(marked, "sovereign");
    let listed = text_of(client, "#quote-results .differences").await;
    assert!(
        listed.contains("national") && listed.contains("sovereign"),
        "{listed}"
    );
    save(client, "quote").await;

    // A misspelt word: the spelling the corpus has is offered, and followed.
    visit(client, &format!("{url}#search?q=witkof")).await;
    until(
        client,
        "another spelling offered",
        "return document.querySelector('#summary .suggestions a') !== null;",
    )
    .await;
    assert_eq!(text_of(client, "#summary .suggestions a").await, "witkoff");
    click(client, Locator::Css("#summary .suggestions a")).await;
    until(
        client,
        "the search of that spelling",
        "return location.hash.includes('q=witkoff') && document.querySelectorAll('#results .hit').length > 0;",
    )
    .await;

    // A fuzzy search's document is shown with the fuzzy matches.
    visit(client, &format!("{url}#search?q=witkof&fuzzy=true")).await;
    until(
        client,
        "fuzzy results",
        "return document.querySelectorAll('#results .hit mark').length > 0 && document.getElementById('f-fuzzy').checked;",
    )
    .await;
    click(client, Locator::Css("#results .hit .doc-link")).await;
    until(
        client,
        "the document's fuzzy matches",
        "return !document.getElementById('document-view').hidden && document.querySelectorAll('#doc-text mark.hl').length > 0;",
    )
    .await;

    // Pages of a size that the list does not offer.
    visit(client, &format!("{url}#search?q=the&limit=2")).await;
    until(
        client,
        "two results",
        "return document.querySelectorAll('#results .hit').length === 2;",
    )
    .await;
    click(client, Locator::Id("next-page")).await;
    until(
        client,
        "the next two",
        "return location.hash.includes('offset=2') && /3–4 shown/.test(document.getElementById('summary').textContent);",
    )
    .await;

    // The hostile document: its markup shown as text, nothing of it run.
    eval(
        client,
        "window.__alerts = 0; window.alert = () => { window.__alerts += 1; };",
    )
    .await;
    visit(
        client,
        &format!("{}#search?q=zanzibar", url.trim_end_matches('/')),
    )
    .await;
    until(
        client,
        "the hostile document found",
        "return document.querySelectorAll('#results .hit').length > 0;",
    )
    .await;
    let shown = text_of(client, "#results .passage-text").await;
    assert!(
        shown.contains("<script>window.__xss") || shown.contains("<img src=x onerror"),
        "{shown}"
    );
    click(client, Locator::Css("#results .hit .hit-head .doc-link")).await;
    until(
        client,
        "the hostile document shown",
        "return /onerror/.test(document.getElementById('doc-text').textContent);",
    )
    .await;
    let text = eval(
        client,
        "return document.getElementById('doc-text').textContent;",
    )
    .await;
    assert_eq!(text.as_str().unwrap().replace("page 2", ""), HOSTILE);
    let ran = eval(client, "return [typeof window.__xss, document.querySelectorAll('main script, main img, main a[href^=\"javascript\"]').length];").await;
    assert_eq!(ran, json!(["undefined", 0]));
    assert!(client.get_alert_text().await.is_err(), "no alert is open");
    save(client, "hostile").await;

    // A phone-sized window: nothing wider than the screen.
    client.set_window_size(390, 844).await.unwrap();
    visit(
        client,
        &format!("{}#search?q=talks", url.trim_end_matches('/')),
    )
    .await;
    until(
        client,
        "results on a phone",
        "return document.querySelectorAll('#results .hit').length > 0;",
    )
    .await;
    let overflow = eval(
        client,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
    )
    .await;
    assert_eq!(overflow, 0, "the page is wider than a phone");
    save(client, "phone").await;
}
/// A function for scripts: the Range of the first `needle` in the text of `root`, however
/// many elements that text is split into.
const RANGE_OF: &str = "function rangeOf(root, needle) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = '';
  while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`no ${needle} in ${root.id || root.className}`);
  const place = (offset) => {
    for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]];
  };
  const range = document.createRange();
  range.setStart(...place(at));
  range.setEnd(...place(at + needle.length));
  return range;
}
function leftOf(root, needle) { return rangeOf(root, needle).getBoundingClientRect().left; }
";

/// Evaluates `script` after [`RANGE_OF`].
async fn eval_ranges(client: &Client, script: &str) -> Value {
    eval(client, &format!("{RANGE_OF}\n{script}")).await
}

async fn wait_for_status(client: &Client) {
    until(
        client,
        "the status line",
        "return /documents/.test(document.getElementById('status').textContent);",
    )
    .await;
}

#[test]
fn a_refused_query_clears_the_results_and_says_why_beside_the_search_box() {
    on_the_page(&Dossier::shipped(), |client, url| async move {
        client.goto(&url).await.unwrap();
        wait_for_status(&client).await;
        for refused in [
            "%22unclosed%20phrase",
            "witkoff&after=2017-13-45",
            "the&limit=5000",
        ] {
            visit(&client, &format!("{url}#search?q=witkoff")).await;
            until(
                &client,
                "results",
                "return document.querySelectorAll('#results .hit').length > 0 && document.getElementById('error').hidden;",
            )
            .await;
            eval(&client, "window.scrollTo(0, document.body.scrollHeight);").await;
            visit(&client, &format!("{url}#search?q={refused}")).await;
            until(
                &client,
                "the error",
                "return !document.getElementById('error').hidden;",
            )
            .await;
            let shown = eval(
                &client,
                "const error = document.getElementById('error').getBoundingClientRect();
                 const box = document.querySelector('#search-form .box').getBoundingClientRect();
                 return {
                   results: document.querySelectorAll('#results .hit').length,
                   summary: document.getElementById('summary').textContent,
                   pager: !document.getElementById('next-page').hidden || !document.getElementById('prev-page').hidden,
                   in_view: error.top >= 0 && error.bottom <= window.innerHeight,
                   below_the_box: error.top >= box.bottom && error.top - box.bottom < 40,
                 };",
            )
            .await;
            assert_eq!(
                shown,
                json!({"results": 0, "summary": "", "pager": false, "in_view": true, "below_the_box": true}),
                "{refused}"
            );
        }
        save(&client, "refused-query").await;
    });
}

#[test]
fn a_document_of_one_huge_line_opens_at_once_and_right_to_left_lines_read_from_the_right() {
    let dossier = Dossier::empty();
    let filler = "lorem ipsum dolor sit amet ".repeat(40_000);
    dossier.write(
        "long.txt",
        format!(
            "A long line follows.\n{filler}needleinhaystack {filler}\n\
             مرحبا بالعالم، هذا سطر عربي\nשלום עולם, זו שורה בעברית\nAnd an English line.\n"
        ),
    );
    on_the_page(&dossier, |client, url| async move {
        client.goto(&url).await.unwrap();
        wait_for_status(&client).await;
        let started = Instant::now();
        visit(&client, &format!("{url}#doc?id=long&q=needleinhaystack")).await;
        until(
            &client,
            "the match",
            "return document.querySelector('#doc-text mark.current') !== null;",
        )
        .await;
        let took = started.elapsed();
        // It took 10 to 15 s while the whole text was one paragraph of `unicode-bidi:
        // plaintext`.
        assert!(took < Duration::from_secs(4), "the document took {took:?}");
        // Each line is laid out in its own direction: Arabic and Hebrew from the right.
        let sides = eval_ranges(
            &client,
            "const pre = document.getElementById('doc-text');
             const edge = pre.getBoundingClientRect();
             const side = (needle) => {
               const word = rangeOf(pre, needle).getBoundingClientRect();
               return Math.abs(edge.right - word.right) < 3 ? 'right'
                 : Math.abs(word.left - edge.left) < 3 ? 'left' : `at ${word.left}-${word.right} of ${edge.left}-${edge.right}`;
             };
             return [side('مرحبا'), side('שלום'), side('And an English'), side('A long line')];",
        )
        .await;
        assert_eq!(sides, json!(["right", "right", "left", "left"]));
        save(&client, "long-line").await;
    });
}

#[test]
fn bidi_controls_are_shown_and_reorder_nothing() {
    let dossier = Dossier::empty();
    let id = "rlo-name-\u{202E}xyz";
    dossier.write(
        &format!("{id}.txt"),
        "Title \u{202E}fed\u{202C} of the exhibit\n\
         A line \u{202E}reversed zanzibar\u{202C} and \u{200F}marked\u{200E} text.\n\
         Then \u{2067}an isolate zanzibar never closed.\n",
    );
    on_the_page(&dossier, move |client, url| async move {
        client.goto(&url).await.unwrap();
        wait_for_status(&client).await;
        visit(&client, &format!("{url}#search?q=zanzibar&passages=1")).await;
        until(
            &client,
            "the result",
            "return document.querySelectorAll('#results .hit').length > 0;",
        )
        .await;
        // Left to right, as written: each control is a marker that reorders nothing.
        let in_order =
            "const inOrder = (root, first, later) => leftOf(root, first) < leftOf(root, later);";
        let results = eval_ranges(
            &client,
            &format!(
                "{in_order}
                 const id = document.querySelector('#results .doc-id');
                 const title = document.querySelector('#results .hit-head .doc-link');
                 const passage = document.querySelector('#results .passage-text');
                 return [
                   inOrder(id, 'name', 'xyz'), inOrder(id, 'x', 'z'),
                   inOrder(title, 'Title', 'fed'), inOrder(title, 'f', 'd'),
                   inOrder(passage, 'rev', 'sed'), inOrder(passage, 'reversed', 'and'),
                   inOrder(passage, 'an isolate', 'never closed'),
                   id.textContent,
                   [...id.querySelectorAll('.bidi-control')].map((c) => getComputedStyle(c, '::before').content),
                 ];"
            ),
        )
        .await;
        assert_eq!(
            results,
            json!([true, true, true, true, true, true, true, id, ["\"RLO\""]])
        );
        // The citation copied is the text as it is, marks and all.
        eval(&client, "window.__copied = null; navigator.clipboard.writeText = (text) => { window.__copied = text; return Promise.resolve(); };").await;
        click(&client, Locator::Css("#results .cite")).await;
        until(
            &client,
            "the citation copied",
            "return window.__copied !== null;",
        )
        .await;
        let copied = eval(&client, "return window.__copied;").await;
        assert!(
            copied
                .as_str()
                .unwrap()
                .contains(&format!("document {id}, ")),
            "{copied}"
        );

        click(&client, Locator::Css("#results .hit-head .doc-link")).await;
        until(
            &client,
            "the document",
            "return document.querySelectorAll('#doc-text mark.hl').length > 0;",
        )
        .await;
        let document = eval_ranges(
            &client,
            &format!(
                "{in_order}
                 const text = document.getElementById('doc-text');
                 const title = document.getElementById('doc-title');
                 const meta = document.getElementById('doc-meta');
                 return [
                   inOrder(text, 'rev', 'sed'), inOrder(text, 'reversed', 'and'),
                   inOrder(text, 'Title', 'fed'), inOrder(text, 'an isolate', 'never closed'),
                   inOrder(title, 'f', 'd'), inOrder(meta, 'x', 'z'),
                   text.textContent.includes('\\u202Ereversed zanzibar\\u202C'),
                 ];"
            ),
        )
        .await;
        assert_eq!(document, json!([true, true, true, true, true, true, true]));
        save(&client, "bidi-controls").await;
    });
}

#[test]
fn a_quotation_opens_its_document_at_the_quoted_words_and_back_returns_to_it() {
    on_the_page(&Dossier::shipped(), |client, url| async move {
        client.goto(&url).await.unwrap();
        wait_for_status(&client).await;
        let quote =
            "will meet Russian envoy Kiril Dimitriev, head of Russia’s national wealth fund";
        visit(
            &client,
            &format!("{url}#quote?text={}", common::server::encode(quote)),
        )
        .await;
        until(
            &client,
            "quotation results",
            "return document.querySelectorAll('#quote-results .quote-match').length > 0;",
        )
        .await;
        click(&client, Locator::Css("#quote-results .doc-link")).await;
        until(
            &client,
            "the document",
            "return !document.getElementById('document-view').hidden && document.querySelector('#doc-text mark.current') !== null;",
        )
        .await;
        let marked = eval(
            &client,
            "return [...document.querySelectorAll('#doc-text mark.hl')].map((m) => m.textContent);",
        )
        .await;
        let marked: Vec<String> = serde_json::from_value(marked).unwrap();
        let marked = marked.concat();
        assert!(
            marked.starts_with("will meet") && marked.ends_with("wealth fund"),
            "{marked}"
        );
        assert_eq!(text_of(&client, "#match-count").await, "1 / 1");
        press(&client, "Escape").await;
        until(
            &client,
            "back to the quotation",
            "return location.hash.startsWith('#quote?') && document.querySelectorAll('#quote-results .quote-match').length > 0;",
        )
        .await;
        assert_eq!(
            eval(
                &client,
                "return document.getElementById('quote-text').value;"
            )
            .await,
            quote
        );
    });
}

#[test]
fn every_example_of_the_query_syntax_help_runs() {
    on_the_page(&Dossier::shipped(), |client, url| async move {
        client.goto(&url).await.unwrap();
        wait_for_status(&client).await;
        let refused = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const examples = [...document.querySelectorAll('.syntax td:first-child code')].map((c) => c.textContent);
                 Promise.all(examples.map(async (q) => {
                   const answer = await fetch(`/api/search?q=${encodeURIComponent(q)}`);
                   return answer.ok ? null : `${q}: ${(await answer.json()).error}`;
                 })).then((all) => done([examples.length, all.filter(Boolean)]));",
                vec![],
            )
            .await
            .unwrap();
        let (count, refused): (usize, Vec<String>) = serde_json::from_value(refused).unwrap();
        assert!(count >= 8, "{count} examples");
        assert!(refused.is_empty(), "{refused:?}");
    });
}

/// The shipped corpus and thirty papers about the harbour.
fn harbour() -> Dossier {
    let dossier = Dossier::shipped();
    for n in 1..=30 {
        dossier.write(
            &format!("paper-{n:02}.txt"),
            format!("Paper {n} about the harbour.\nIts pier {n} and the harbour master.\n"),
        );
    }
    dossier
}

#[test]
fn each_page_of_results_opens_at_its_top_and_a_page_past_the_last_says_so() {
    on_the_page(&harbour(), |client, url| async move {
        client.goto(&url).await.unwrap();
        wait_for_status(&client).await;
        visit(&client, &format!("{url}#search?q=harbour&limit=10")).await;
        until(
            &client,
            "the first page",
            "return document.querySelectorAll('#results .hit').length === 10;",
        )
        .await;
        eval(&client, "window.scrollTo(0, document.body.scrollHeight);").await;
        assert_ne!(eval(&client, "return window.scrollY;").await, 0);
        click(&client, Locator::Id("next-page")).await;
        until(
            &client,
            "the second page",
            "return /11–20 shown/.test(document.getElementById('summary').textContent);",
        )
        .await;
        assert_eq!(eval(&client, "return window.scrollY;").await, 0);

        visit(
            &client,
            &format!("{url}#search?q=harbour&limit=10&offset=100"),
        )
        .await;
        until(
            &client,
            "a page past the last",
            "return location.hash.includes('offset=100') && /match/.test(document.getElementById('summary').textContent);",
        )
        .await;
        let summary = text_of(&client, "#summary").await;
        assert!(
            summary.starts_with("30 documents match") && !summary.contains("101"),
            "{summary}"
        );
        assert!(summary.contains("past the last"), "{summary}");
        click(&client, Locator::Id("prev-page")).await;
        until(
            &client,
            "the last page",
            "return /21–30 shown/.test(document.getElementById('summary').textContent);",
        )
        .await;
    });
}

#[test]
fn back_from_a_document_returns_to_its_result_and_ctrl_enter_checks_a_quotation() {
    on_the_page(&harbour(), |client, url| async move {
        client.goto(&url).await.unwrap();
        wait_for_status(&client).await;
        visit(&client, &format!("{url}#search?q=harbour&limit=10")).await;
        until(
            &client,
            "results",
            "return document.querySelectorAll('#results .hit').length === 10;",
        )
        .await;
        let focused = "return [...document.querySelectorAll('#results .hit')].findIndex((hit) => hit.contains(document.activeElement));";
        press(&client, "j").await;
        press(&client, "j").await;
        assert_eq!(eval(&client, focused).await, 1);
        // Enter on the focused result opens it; Esc comes back to it.
        client
            .active_element()
            .await
            .unwrap()
            .send_keys("\u{E007}")
            .await
            .unwrap();
        until(
            &client,
            "the document",
            "return !document.getElementById('document-view').hidden && document.querySelector('#doc-text mark.current') !== null;",
        )
        .await;
        press(&client, "Escape").await;
        until(
            &client,
            "the results again",
            "return !document.getElementById('search-view').hidden && document.querySelectorAll('#results .hit').length === 10 && !/Searching/.test(document.getElementById('summary').textContent);",
        )
        .await;
        assert_eq!(eval(&client, focused).await, 1);
        press(&client, "j").await;
        assert_eq!(eval(&client, focused).await, 2);

        // Ctrl+Enter in the quotation box checks it.
        click(&client, Locator::Id("tab-quote")).await;
        let quote = client.find(Locator::Id("quote-text")).await.unwrap();
        quote
            .send_keys("Presidents come and go\u{E009}\u{E007}")
            .await
            .unwrap();
        until(
            &client,
            "the quotation checked",
            "return location.hash.startsWith('#quote?text=') && document.querySelectorAll('#quote-results .quote-match').length > 0;",
        )
        .await;
        assert_eq!(
            eval(
                &client,
                "return document.getElementById('quote-text').value;"
            )
            .await,
            "Presidents come and go"
        );
    });
}

#[test]
fn a_word_missing_from_the_document_stands_apart_and_every_format_can_be_chosen() {
    on_the_page(&Dossier::shipped(), |client, url| async move {
        client.goto(&url).await.unwrap();
        wait_for_status(&client).await;
        let quote = "Presidents come and go, and even suddenly die";
        visit(
            &client,
            &format!("{url}#quote?text={}", common::server::encode(quote)),
        )
        .await;
        until(
            &client,
            "the quotation's closest wording",
            "return document.querySelector('#quote-results .passage-text del.diff') !== null;",
        )
        .await;
        let shown = text_of(&client, "#quote-results .passage-text").await;
        assert!(shown.contains("and even suddenly die,"), "{shown}");

        // Every format a document can have, as the API names them.
        let offered = eval(
            &client,
            "return [...document.querySelectorAll('#f-type option')].map((o) => o.value);",
        )
        .await;
        let offered: Vec<String> = serde_json::from_value(offered).unwrap();
        let refusal = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch('/api/search?q=a&type=none').then((a) => a.json()).then((a) => done(a.error));",
                vec![],
            )
            .await
            .unwrap();
        let refusal = refusal.as_str().unwrap();
        let names = refusal.rsplit(": ").next().unwrap();
        for name in names.split(", ") {
            // Containers: their documents are e-mails (offered) or of their own format.
            if ["mbox", "msg", "zip"].contains(&name) {
                continue;
            }
            assert!(offered.iter().any(|o| o == name), "{name} in {offered:?}");
        }
    });
}

#[test]
fn the_filters_shown_are_those_of_the_search_shown() {
    on_the_page(&Dossier::shipped(), |client, url| async move {
        client.goto(&url).await.unwrap();
        wait_for_status(&client).await;
        visit(
            &client,
            &format!("{url}#search?q=witkoff&after=2017-13-45&id=nothing*&type=pdf&limit=20"),
        )
        .await;
        until(
            &client,
            "the refusal",
            "return !document.getElementById('error').hidden;",
        )
        .await;
        visit(&client, &format!("{url}#search?q=witkoff")).await;
        until(
            &client,
            "results",
            "return document.querySelectorAll('#results .hit').length > 0;",
        )
        .await;
        let filters = eval(
            &client,
            "return ['id', 'after', 'before', 'type', 'limit'].map((name) => document.getElementById(`f-${name}`).value);",
        )
        .await;
        assert_eq!(filters, json!(["", "", "", "", "10"]));
    });
}
