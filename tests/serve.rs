//! `dossier serve` with the real binary on a free port: every endpoint of the JSON API
//! against the command line's `--json`, bad input answered with a clear error and the right
//! status, requests from elsewhere refused, and a corpus changed while it runs.
#![cfg(target_os = "linux")]

mod common;

use common::server::{HOSTILE, Server, encode};
use common::{Dossier, stderr_of};
use serde_json::Value;

/// The shipped corpus, a hostile document and an empty file (which is skipped).
fn dossier() -> Dossier {
    let dossier = Dossier::shipped();
    dossier.write("hostile.txt", HOSTILE);
    dossier.write("empty.txt", "");
    dossier
}

/// The command line's `--json` output of `args`, read as JSON.
fn cli_json(dossier: &Dossier, args: &[&str]) -> Value {
    let output = dossier.command(args).output().expect("run dossier");
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&output.stderr)))
}

#[test]
fn search_and_quote_answer_the_same_json_as_the_command_line() {
    let dossier = dossier();
    let server = Server::start(&dossier, &[]);
    let answer = server.get("/api/search?q=witkoff%20envoy&limit=3&passages=1");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let served = answer.json();
    let hits = served["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 3);
    for hit in hits {
        let passages = hit["passages"].as_array().unwrap();
        assert_eq!(passages.len(), 1);
        let text = passages[0]["text"].as_str().unwrap();
        for range in passages[0]["highlights"].as_array().unwrap() {
            let (start, end) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
            let word = text[start as usize..end as usize].to_lowercase();
            assert!(
                word.starts_with("witkoff") || word.starts_with("envoy"),
                "{word}"
            );
        }
    }
    drop(server);
    let printed = cli_json(
        &dossier,
        &[
            "search",
            "witkoff envoy",
            "-n",
            "3",
            "--passages",
            "1",
            "--json",
        ],
    );
    assert_eq!(served, printed);

    let server = Server::start(&dossier, &[]);
    let quote = "will meet Russian envoy Kiril Dimitriev";
    let served = server
        .get(&format!("/api/quote?text={}", encode(quote)))
        .json();
    let posted = server
        .post_json(
            "/api/quote",
            format!("{{\"text\": \"{quote}\"}}").as_bytes(),
        )
        .json();
    assert_eq!(served, posted);
    assert!(served["verbatim_count"].as_u64().unwrap() >= 1, "{served}");
    drop(server);
    assert_eq!(served, cli_json(&dossier, &["quote", quote, "--json"]));
}

#[test]
fn every_search_flag_is_a_parameter_and_results_page() {
    let dossier = dossier();
    let server = Server::start(&dossier, &[]);
    let all = server.get("/api/search?q=talks&limit=50").json();
    let ranks: Vec<String> = all["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["doc_id"].as_str().unwrap().to_string())
        .collect();
    assert!(ranks.len() >= 3, "{all}");
    let second_page = server.get("/api/search?q=talks&limit=2&offset=1").json();
    let paged: Vec<&str> = second_page["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["doc_id"].as_str().unwrap())
        .collect();
    assert_eq!(paged, ranks[1..3]);
    assert_eq!(second_page["hits"][0]["rank"], 2);
    assert_eq!(second_page["total_hits"], all["total_hits"]);

    let first = &ranks[0];
    let glob = format!("{}*", &first[..4]);
    let only = server
        .get(&format!("/api/search?q=talks&id={}", encode(&glob)))
        .json();
    assert!(
        only["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["doc_id"].as_str().unwrap().starts_with(&first[..4])),
        "{only}"
    );
    let typed = server.get("/api/search?q=talks&type=pdf").json();
    assert_eq!(typed["total_hits"], 0);
    let dated = server.get("/api/search?q=talks&after=2100").json();
    assert_eq!(dated["total_hits"], 0);
    let exact = server.get("/api/search?q=dimitriev").json();
    let fuzzy = server.get("/api/search?q=dmitriyev&fuzzy=true").json();
    assert!(exact["total_hits"].as_u64().unwrap() >= 1);
    assert!(fuzzy["total_hits"].as_u64().unwrap() >= 1, "{fuzzy}");
    let with_variants = server.get("/api/search?q=kiev").json();
    let without = server.get("/api/search?q=kiev&variants=false").json();
    assert!(with_variants["total_hits"].as_u64() >= without["total_hits"].as_u64());
}

#[test]
fn a_document_comes_whole_with_every_match_of_the_query() {
    let dossier = dossier();
    dossier.write("many.txt", "otter ".repeat(25_000));
    let server = Server::start(&dossier, &[]);
    let hit = server.get("/api/search?q=witkoff&limit=1").json();
    let id = hit["hits"][0]["doc_id"].as_str().unwrap().to_string();
    let answer = server.get(&format!("/api/document?id={}&q=witkoff", encode(&id)));
    assert_eq!(answer.status, 200);
    let document = answer.json();
    let text = document["text"].as_str().unwrap();
    assert_eq!(text.as_bytes(), dossier.show(&id));
    let matches = document["matches"].as_array().unwrap();
    assert_eq!(
        matches.len(),
        text.to_lowercase().matches("witkoff").count()
    );
    for m in matches {
        let (start, end) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(text[start..end].to_lowercase(), "witkoff");
        let line = text[..start].matches('\n').count() + 1;
        assert_eq!(m["line"], line);
    }
    let plain = server
        .get(&format!("/api/document?id={}", encode(&id)))
        .json();
    assert_eq!(plain["text"], document["text"]);
    assert_eq!(plain["matches"].as_array().unwrap().len(), 0);
    assert_eq!(document["matches_total"], matches.len());

    // A common word of a long text: its first 10,000 matches, and how many there are.
    let answer = server.get("/api/document?id=many&q=otter");
    let listed = answer.json();
    assert_eq!(listed["matches"].as_array().unwrap().len(), 10_000);
    assert_eq!(listed["matches_total"], 25_000);
}

#[test]
fn the_status_counts_documents_and_names_the_skipped_files() {
    let dossier = dossier();
    let server = Server::start(&dossier, &[]);
    let status = server.get("/api/status").json();
    assert_eq!(status["documents"], 6, "{status}");
    assert!(status["last_update"].as_str().unwrap().ends_with('Z'));
    let skipped = status["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{status}");
    assert_eq!(skipped[0]["path"], "empty.txt");
    assert!(!skipped[0]["reason"].as_str().unwrap().is_empty());
}

#[test]
fn the_hostile_document_is_data_in_json() {
    let dossier = dossier();
    let server = Server::start(&dossier, &[]);
    let found = server.get("/api/search?q=zanzibar&passages=5").json();
    assert_eq!(found["hits"][0]["doc_id"], "hostile");
    let document = server.get("/api/document?id=hostile&q=zanzibar").json();
    assert_eq!(document["text"], HOSTILE);
    assert_eq!(document["matches"].as_array().unwrap().len(), 3);
}

#[test]
fn bad_requests_get_a_clear_error_with_the_right_status() {
    let dossier = dossier();
    // A backslash is a character of a Linux file's name, and of its ID.
    dossier.write("notes\\2020.txt", "Minutes of 2020.\n");
    let server = Server::start(&dossier, &[]);
    let minutes = server.get(&format!("/api/document?id={}", encode("notes\\2020")));
    assert_eq!(
        minutes.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&minutes.body)
    );
    let refused = |path: &str, status: u16, says: &str| {
        let answer = server.get(path);
        assert_eq!(
            answer.status,
            status,
            "{path}: {:?}",
            String::from_utf8_lossy(&answer.body)
        );
        let error = answer.error();
        assert!(error.contains(says), "{path}: {error}");
    };
    refused("/api/search?q=%22unclosed", 400, "query error");
    refused("/api/search?q=(talks", 400, "query error");
    // Brackets nested a thousand deep overflowed the stack of the thread reading them,
    // which ended the server.
    let nested = format!("{}talks{}", "%28".repeat(1000), "%29".repeat(1000));
    refused(&format!("/api/search?q={nested}"), 400, "nested");
    refused(&format!("/api/search?q={nested}"), 400, "nested");
    // So did two thousand NOTs in a row.
    let nots = format!("{}talks", "NOT+".repeat(2000));
    refused(&format!("/api/search?q={nots}"), 400, "NOT nested");
    refused(&format!("/api/search?q={nots}"), 400, "NOT nested");
    refused("/api/search?q=", 400, "empty");
    refused("/api/search", 400, "empty");
    refused("/api/search?q=talks&limit=many", 400, "limit");
    refused("/api/search?q=talks&limit=100000", 400, "limit=100000");
    refused("/api/search?q=talks&after=yesterday", 400, "not a date");
    refused("/api/search?q=talks&type=exe", 400, "not a format");
    refused("/api/search?q=talks&fuzzy=perhaps", 400, "fuzzy");
    refused("/api/document?id=nothing-here", 404, "no document with ID");
    refused("/api/document", 400, "no document ID");
    refused(
        "/api/document?id=..%2F..%2Fetc%2Fpasswd",
        400,
        "not a document ID",
    );
    refused("/api/document?id=%2Fetc%2Fpasswd", 400, "not a document ID");
    refused("/api/document?id=a%2F..%2F..%2Fb", 400, "not a document ID");
    refused("/api/document?id=hostile&q=%22open", 400, "query error");
    refused("/api/quote", 400, "empty");
    refused("/api/nothing", 404, "no such");
    refused("/etc/passwd", 404, "no such");
    let long = "word ".repeat(5_000);
    refused(
        &format!("/api/search?q={}", encode(&long)),
        414,
        "bytes long",
    );

    let huge = format!("{{\"text\": \"{}\"}}", "a".repeat(200_000));
    let answer = server.post_json("/api/quote", huge.as_bytes());
    assert_eq!(
        answer.status,
        413,
        "{:?}",
        String::from_utf8_lossy(&answer.body)
    );
    let answer = server.post_json("/api/quote", b"{not json");
    assert_eq!(answer.status, 400);
    let answer = server.post_json("/api/quote", b"{\"text\": 5}");
    assert_eq!(answer.status, 400);
    assert!(!answer.error().is_empty());
    let answer = server.request(
        "POST",
        "/api/quote",
        &[("Content-Type", "text/plain")],
        Some(b"x"),
    );
    assert_eq!(answer.status, 415);
    let answer = server.request("DELETE", "/api/search?q=x", &[], None);
    assert_eq!(answer.status, 405);
    assert!(
        answer.error().contains("GET"),
        "{:?}",
        String::from_utf8_lossy(&answer.body)
    );
}

#[test]
fn requests_from_another_site_or_host_are_refused() {
    let dossier = dossier();
    let server = Server::start(&dossier, &[]);
    let search = "/api/search?q=talks";
    let own = format!("http://{}", server.host());
    let with = |headers: &[(&str, &str)]| server.request("GET", search, headers, None);

    assert_eq!(with(&[]).status, 200);
    assert_eq!(with(&[("Origin", &own)]).status, 200);
    assert_eq!(with(&[("Sec-Fetch-Site", "same-origin")]).status, 200);
    let localhost = format!("localhost:{}", server.port);
    assert_eq!(with(&[("Host", &localhost)]).status, 200);
    // DNS rebinding: a name that resolves to 127.0.0.1 but is not the server's.
    let rebound = format!("evil.example:{}", server.port);
    let answer = with(&[("Host", &rebound)]);
    assert_eq!(answer.status, 403);
    assert!(answer.error().contains("not this server's address"));
    assert_eq!(with(&[("Host", "127.0.0.1:1")]).status, 403);
    assert_eq!(with(&[("Origin", "http://evil.example")]).status, 403);
    assert_eq!(with(&[("Origin", "null")]).status, 403);
    assert_eq!(with(&[("Sec-Fetch-Site", "cross-site")]).status, 403);
    let answer = server.request(
        "POST",
        "/api/quote",
        &[
            ("Origin", "http://evil.example"),
            ("Content-Type", "application/json"),
        ],
        Some(b"{\"text\":\"talks\"}"),
    );
    assert_eq!(answer.status, 403);

    // No CORS, and a page that runs only its own script.
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.header("access-control-allow-origin").is_none());
    let policy = page.header("content-security-policy").expect("a CSP");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let html = String::from_utf8(page.body.clone()).unwrap();
    assert!(!html.contains("<script>"), "no inline script");
    for asset in ["/app.js", "/app.css"] {
        let answer = server.get(asset);
        assert_eq!(answer.status, 200, "{asset}");
        assert!(html.contains(asset));
    }
    let script = String::from_utf8(server.get("/app.js").body).unwrap();
    assert!(
        !script.contains("innerHTML"),
        "the page never parses text as HTML"
    );
    assert_eq!(
        with(&[("Origin", "http://evil.example")]).header("access-control-allow-origin"),
        None
    );
}

#[test]
fn on_another_address_every_request_needs_the_token() {
    let dossier = dossier();
    let token = "s3cret-s3cret-s3cret";
    let server = Server::start(&dossier, &["--bind", "0.0.0.0", "--token", token]);
    assert!(server.said.contains("warning"), "{}", server.said);
    assert!(
        server.url.ends_with(&format!("?token={token}")),
        "{}",
        server.url
    );
    let search = "/api/search?q=talks";
    let answer = server.get(search);
    assert_eq!(answer.status, 401);
    assert!(answer.error().contains("token"));
    let wrong = server.request("GET", search, &[("Authorization", "Bearer guess")], None);
    assert_eq!(wrong.status, 401);
    for scheme in ["Bearer", "bearer"] {
        let bearer = format!("{scheme} {token}");
        let right = server.request("GET", search, &[("Authorization", &bearer)], None);
        assert_eq!(right.status, 200, "{scheme}");
    }
    let page = server.get(&format!("/?token={token}"));
    assert_eq!(page.status, 200);
    let cookie = page
        .header("set-cookie")
        .expect("the token kept in a cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().unwrap();
    let with_cookie = server.request("GET", search, &[("Cookie", cookie)], None);
    assert_eq!(with_cookie.status, 200);
    // An empty or short token would let anyone in: refused at the start.
    for short in ["", "s3cret"] {
        let refused = dossier
            .command(&[
                "serve", "--bind", "0.0.0.0", "--port", "0", "--token", short,
            ])
            .output()
            .unwrap();
        assert_eq!(refused.status.code(), Some(2), "{short:?}");
        assert!(
            stderr_of(&refused).contains("too easy to guess"),
            "{}",
            stderr_of(&refused)
        );
    }
}

#[test]
fn a_file_saved_changed_or_deleted_while_serving_is_seen_by_the_next_searches() {
    let dossier = dossier();
    let server = Server::start(&dossier, &[]);
    let hits = |query: &str| -> Vec<String> {
        let found = server.get(&format!("/api/search?q={query}")).json();
        found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["doc_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(hits("quokka").is_empty());
    dossier.write("notes/new.md", "A quokka was seen near the embassy.");
    server.poll_until("/api/search?q=quokka", "a saved file is found", |found| {
        found["hits"][0]["doc_id"] == "notes/new"
    });
    dossier.write("notes/new.md", "A wombat was seen near the embassy.");
    server.poll_until("/api/search?q=wombat", "a changed file is found", |found| {
        found["total_hits"] == 1
    });
    assert!(
        hits("quokka").is_empty(),
        "the old text is gone with the new"
    );
    std::fs::remove_file(dossier.corpus().join("notes/new.md")).unwrap();
    server.poll_until("/api/search?q=wombat", "a deleted file is gone", |found| {
        found["total_hits"] == 0
    });
    server.poll_until("/api/status", "the status counts it", |status| {
        status["documents"] == 6 && status["updating"] == false
    });
}

/// The benchmark's queries of the shipped dossier, as command lines: `search QUERY -n N …`.
fn bench_commands() -> Vec<Vec<String>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/queries/dossier.tsv");
    let table = std::fs::read_to_string(path).expect("bench/queries/dossier.tsv");
    table
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let mut command = vec![
                fields[1].to_string(),
                fields[3].to_string(),
                "--limit".to_string(),
                fields[2].to_string(),
            ];
            if let Some(extra) = fields.get(4) {
                command.extend(extra.split_whitespace().map(str::to_string));
            }
            command
        })
        .collect()
}

#[test]
fn the_command_line_prints_the_same_with_the_server_running() {
    let dossier = dossier();
    let commands = bench_commands();
    assert!(commands.len() >= 10);
    let run = |command: &[String], json: bool| {
        let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
        if json {
            args.push("--json");
        }
        let output = dossier.command(&args).output().unwrap();
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            output.status.code(),
        )
    };
    let without: Vec<_> = commands
        .iter()
        .flat_map(|c| [run(c, false), run(c, true)])
        .collect();
    let server = Server::start(&dossier, &[]);
    // Run by the server: it vouches for the index.
    let vouched = dossier::engine::watcher::ask(&dossier.index(), &dossier.corpus())
        .expect("the server answers")
        .vouches_for(dossier::update::fingerprint::recorded(&dossier.index()));
    assert!(vouched);
    let with: Vec<_> = commands
        .iter()
        .flat_map(|c| [run(c, false), run(c, true)])
        .collect();
    drop(server);
    for ((command, without), with) in commands
        .iter()
        .flat_map(|c| [c, c])
        .zip(&without)
        .zip(&with)
    {
        assert_eq!(without, with, "{command:?}");
    }
    assert!(without.iter().filter(|(out, _)| !out.is_empty()).count() >= commands.len());
}

#[test]
fn searches_run_side_by_side() {
    let dossier = dossier();
    let server = Server::start(&dossier, &[]);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..16)
            .map(|i| {
                let server = &server;
                scope.spawn(move || {
                    let query = ["talks", "witkoff", "miami", "\"peace plan\""][i % 4];
                    for _ in 0..5 {
                        let answer = server.get(&format!("/api/search?q={}", encode(query)));
                        assert_eq!(answer.status, 200);
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("a search thread");
        }
    });
}

#[test]
fn a_second_server_on_the_same_index_is_refused_in_one_line() {
    let dossier = dossier();
    let _server = Server::start(&dossier, &[]);
    let second = dossier.command(&["serve", "--port", "0"]).output().unwrap();
    assert_eq!(second.status.code(), Some(2));
    let said = String::from_utf8_lossy(&second.stderr);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.contains("already"), "{said}");
}

#[test]
fn a_server_killed_mid_update_loses_nothing() {
    let dossier = dossier();
    let server = Server::start(&dossier, &[]);
    for n in 0..300 {
        dossier.write(
            &format!("batch/memo{n}.txt"),
            format!("Memo {n} of the numbat inquiry.\n"),
        );
    }
    // Killed whenever it is: before, during or after the update these files started.
    server.poll_until("/api/status", "an update started", |status| {
        status["updating"] == true || status["documents"] != 6
    });
    drop(server);
    let server = Server::start(&dossier, &[]);
    let found = server.get("/api/search?q=numbat&limit=1").json();
    assert_eq!(found["total_hits"], 300, "{found}");
    assert_eq!(server.get("/api/status").json()["documents"], 306);
}

#[test]
fn a_document_with_a_huge_line_is_sent_cut_and_says_so() {
    let dossier = dossier();
    let mut line = "padding ".repeat(1_200_000);
    line.push_str("pangolin at the very end");
    dossier.write("huge.txt", &line);
    let server = Server::start(&dossier, &[]);
    let found = server.get("/api/search?q=pangolin").json();
    assert_eq!(found["hits"][0]["doc_id"], "huge");
    let document = server.get("/api/document?id=huge&q=padding").json();
    assert_eq!(document["truncated"], true);
    let end = document["end"].as_u64().unwrap() as usize;
    assert!(end <= 8 * 1024 * 1024 && end > 0);
    assert_eq!(document["text"].as_str().unwrap(), &line[..end]);
    let matches = document["matches"].as_array().unwrap();
    assert!(
        matches
            .iter()
            .all(|m| m["end"].as_u64().unwrap() as usize <= end)
    );
    // The first 10,000 of them listed, and all of them counted.
    assert_eq!(matches.len(), 10_000);
    assert_eq!(
        document["matches_total"],
        line[..end].matches("padding").count()
    );
}

#[test]
fn ctrl_c_stops_the_server_and_takes_its_socket_away() {
    let dossier = dossier();
    for args in [&[][..], &["--no-http"][..]] {
        let mut server = Server::start(&dossier, args);
        assert!(dossier::engine::watcher::ask(&dossier.index(), &dossier.corpus()).is_some());
        let stopped = server.interrupt();
        assert_eq!(stopped.code(), Some(0), "{args:?}");
        let socket = dossier.index().join(dossier::engine::watcher::SOCKET_FILE);
        assert!(!socket.exists(), "{args:?}");
        // A search then checks the corpus itself.
        assert_eq!(dossier.search_json("Witkoff", &[]).total_hits, 5);
    }
}

/// A connection that sends nothing, or half a request, is closed once idle too long (here
/// 2 s; by default a minute), so such connections cannot pile up until no one is answered.
#[test]
fn an_idle_or_half_sent_connection_is_closed() {
    use std::io::{ErrorKind, Read, Write};

    let dossier = dossier();
    let server = Server::start(&dossier, &["--idle-seconds", "2"]);
    let address = format!("127.0.0.1:{}", server.port);
    let mut silent = std::net::TcpStream::connect(&address).unwrap();
    let mut half = std::net::TcpStream::connect(&address).unwrap();
    half.write_all(b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    for stream in [&mut silent, &mut half] {
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        let mut rest = Vec::new();
        // The server closes it: the read ends, with nothing or a reset, long before the
        // client's own time-out of 20 s.
        match stream.read_to_end(&mut rest) {
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("the connection is still open after 20 s")
            }
            _ => {}
        }
    }
    assert_eq!(server.get("/api/status").status, 200);
}
#[test]
fn a_long_document_changing_while_serving_is_said_to_wait_for_the_servers_update() {
    let dossier = dossier();
    let long = |n: usize| format!("{}quokka {n}\n", "padding words on a line\n".repeat(4_000));
    dossier.write("long.txt", long(0));
    let server = Server::start(&dossier, &[]);
    assert_eq!(server.get("/api/document?id=long").status, 200);
    // Written again and again: the server waits for the corpus to settle before it
    // updates, so until the writes stop its index holds the old file's offsets.
    let writing = std::sync::atomic::AtomicBool::new(true);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut n = 1;
            while writing.load(std::sync::atomic::Ordering::Relaxed) {
                dossier.write("long.txt", long(n));
                n += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        let shown = server.get("/api/document?id=long");
        let found = server.get("/api/search?q=quokka");
        writing.store(false, std::sync::atomic::Ordering::Relaxed);

        assert_eq!(
            shown.status,
            409,
            "{}",
            String::from_utf8_lossy(&shown.body)
        );
        let error = shown.error();
        assert!(!error.contains("dossier index"), "{error}");
        assert!(error.contains("try again"), "{error}");
        let found = found.json();
        assert_eq!(found["hits"][0]["doc_id"], "long", "{found}");
        assert_eq!(found["hits"][0]["passages"], serde_json::json!([]));
        let problems = found["problems"].as_array().expect("problems");
        let problem = problems[0].as_str().unwrap();
        assert!(problem.contains("long.txt"), "{problem}");
        assert!(!problem.contains("dossier index"), "{problem}");
        assert!(problem.contains("try again"), "{problem}");
    });
    server.poll_until("/api/search?q=quokka", "passages again", |found| {
        found["hits"][0]["passages"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
            && found.get("problems").is_none()
    });
}

#[test]
fn a_documents_matches_are_on_their_lines_whatever_ends_the_lines() {
    let dossier = dossier();
    dossier.write(
        "returns.txt",
        "first line\rsecond line\rthird line has geneva",
    );
    dossier.write("mixed.txt", "one\r\ntwo\rthree\nfour geneva\n");
    let server = Server::start(&dossier, &[]);
    for (id, line) in [("returns", 3), ("mixed", 4)] {
        let document = server
            .get(&format!("/api/document?id={id}&q=geneva"))
            .json();
        let found = &document["matches"][0];
        let start = found["start"].as_u64().unwrap() as usize;
        let text = document["text"].as_str().unwrap();
        // Lines end at `\n`, `\r\n` or a lone `\r`, as for passages.
        assert_eq!(common::line_at(text.as_bytes(), start), line, "{id}");
        assert_eq!(found["line"], line, "{id}");
    }
}

#[test]
fn an_archive_entry_named_up_a_folder_is_shown_by_the_id_search_gives() {
    use std::io::Write;
    let dossier = dossier();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer
        .start_file("../notes.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(b"Notes of the wombat meeting.\n").unwrap();
    dossier.write("bundle.zip", writer.finish().unwrap().into_inner());
    let server = Server::start(&dossier, &[]);
    let found = server.get("/api/search?q=wombat").json();
    let id = found["hits"][0]["doc_id"].as_str().unwrap().to_string();
    assert_eq!(id, "bundle//notes.txt");
    let answer = server.get(&format!("/api/document?id={}&q=wombat", encode(&id)));
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.json()["matches"].as_array().unwrap().len(), 1);
}

#[test]
fn a_parameter_that_does_not_read_is_named_with_what_it_takes() {
    let dossier = dossier();
    let server = Server::start(&dossier, &[]);
    for (path, says) in [
        ("/api/search?q=talks&limit=-1", "limit=-1"),
        ("/api/search?q=talks&offset=1.5", "offset=1.5"),
        ("/api/search?q=talks&passages=two", "passages=two"),
        ("/api/search?q=talks&fuzzy=perhaps", "fuzzy=perhaps"),
        (
            "/api/quote?text=talks&min_similarity=high",
            "min_similarity=high",
        ),
    ] {
        let answer = server.get(path);
        assert_eq!(answer.status, 400, "{path}");
        let error = answer.error();
        assert!(error.starts_with(says), "{path}: {error}");
        assert!(!error.contains("deserialize"), "{path}: {error}");
    }
    // A JSON body's numbers are numbers, and its booleans booleans.
    let answer = server.post_json(
        "/api/quote",
        br#"{"text": "talks", "limit": 2, "min_similarity": 0.5, "variants": false}"#,
    );
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let answer = server.post_json("/api/quote", br#"{"text": "talks", "limit": -2}"#);
    assert_eq!(answer.status, 400);
    assert!(answer.error().starts_with("limit=-2"), "{}", answer.error());
}
