//! A running `dossier serve` on a free port, stopped when dropped, and a plain HTTP/1.1
//! client for it that can send any header (a foreign `Host`, an `Origin`) as written.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use super::Dossier;

pub struct Server {
    child: Child,
    pub port: u16,
    /// The address it printed (with `?token=` when it requires one).
    pub url: String,
    /// What it printed before serving (a warning, say).
    pub said: String,
    /// Kept open: what it says later must have somewhere to go.
    _stderr: BufReader<ChildStderr>,
}

/// An answer: its status, headers (names in lower case) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(500)])
            )
        })
    }

    /// The message of a JSON error.
    pub fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error message in {:?}", self.json()))
            .to_string()
    }
}

impl Server {
    /// `dossier serve --port 0 ARGS` on the dossier, once it says where it serves (port 0
    /// and no address with `--no-http`).
    pub fn start(dossier: &Dossier, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .arg("--corpus")
            .arg(dossier.corpus())
            .arg("--index")
            .arg(dossier.index())
            .env_remove("DOSSIER_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dossier serve");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut said = String::new();
        let url = loop {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap_or(0) == 0 {
                let _ = child.kill();
                let _ = child.wait();
                panic!("dossier serve did not start: {said}");
            }
            said.push_str(&line);
            if let Some(at) = line.find("serving http://") {
                let url = line[at + "serving ".len()..]
                    .split_whitespace()
                    .next()
                    .expect("an address")
                    .to_string();
                break url;
            }
            // `--no-http`: it serves the command line only.
            if line.starts_with("dossier: watching") {
                break String::new();
            }
        };
        let port = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .and_then(|host| host.rsplit(':').next())
            .and_then(|port| port.parse().ok())
            .unwrap_or(0);
        Server {
            child,
            port,
            url,
            said,
            _stderr: stderr,
        }
    }

    /// Sends Ctrl-C's signal and waits for the server to stop.
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        self.child.wait().expect("the server stops")
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `GET path` as the page itself would send it.
    pub fn get(&self, path: &str) -> Answer {
        self.request("GET", path, &[], None)
    }

    /// `POST path` with a JSON body.
    pub fn post_json(&self, path: &str, body: &[u8]) -> Answer {
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            Some(body),
        )
    }

    /// A request with `headers` (a `Host` of this server unless they give one).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Answer {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: {}\r\n", self.host()));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("send");
        if let Some(body) = body {
            // The server may answer (413) and close before reading it all.
            let _ = stream.write_all(body);
        }
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        parse_answer(&raw)
    }

    /// Polls `GET path` until `ready` holds of its JSON, for at most a generous minute.
    pub fn poll_until(&self, path: &str, what: &str, ready: impl Fn(&serde_json::Value) -> bool) {
        let started = Instant::now();
        loop {
            let answer = self.get(path);
            if answer.status == 200 && ready(&answer.json()) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{what}: still not so after a minute: {}",
                String::from_utf8_lossy(&answer.body)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_answer(raw: &[u8]) -> Answer {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = unchunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16)
            .expect("a chunk size");
        if size == 0 {
            break;
        }
        body.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    body
}

/// `text` percent-encoded for a query string.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A document no page may run: markup, script links, entities, right-to-left marks.
pub const HOSTILE: &str = "Hostile exhibit zanzibar.\n\
<script>window.__xss = 1; alert(1)</script>\n\
<img src=x onerror=\"window.__xss = 2; alert(1)\">\n\
<a href=\"javascript:alert(1)\">click zanzibar</a> &lt;b&gt;bold&lt;/b&gt; &amp; more\n\
\u{202E}reversed zanzibar\u{202C} and \u{200F}marked\u{200E} text.\n";
