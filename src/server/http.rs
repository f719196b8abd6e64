//! The HTTP side of `dossier serve`: a JSON API (the same JSON as the command line's
//! `--json`) and the web page, whose files are built into the binary (`page/`).
//!
//! Safe by default: it listens on the loopback address unless told otherwise, and then
//! requires a token. Every request must name the server itself in `Host` (no DNS
//! rebinding) and come from its own page or from no page at all (`Origin`,
//! `Sec-Fetch-Site`): no other site's page can read or drive it. No CORS header is ever
//! sent. A document is fetched by its ID in the index, never by a path. Bodies, queries and
//! answers' sizes are bounded, and so is the time a request waits for its answer.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::engine::Engine;
use crate::error::Error;
use crate::extract::Format;
use crate::printer;
use crate::query::filter::Filters;
use crate::quote::{DEFAULT_MIN_SIMILARITY, QuoteRequest};
use crate::search::SearchRequest;
use crate::server::connections::HeldConnections;
use crate::server::watch::SharedStatus;
use crate::text::language::Language;

/// The longest request body (a quotation checked by `POST /api/quote`).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The longest query or quotation.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// The most documents a search returns at once, and the furthest it pages.
pub const MAX_LIMIT: usize = 1_000;
pub const MAX_OFFSET: usize = 10_000;
pub const MAX_PASSAGES: usize = 100;
/// The longest a request waits for its answer. (The work itself runs to its end: tantivy
/// cannot stop a search half-way; its thread is then freed for the next.)
pub const ANSWER_TIME_LIMIT: Duration = Duration::from_secs(30);
/// The most text of one document sent at once: a larger one is cut there, and says so.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// A document's matches listed at most: a common word in a long text has hundreds of
/// thousands (80 MB of JSON for a 20 MB line of one word), which no page can mark.
pub const MAX_DOCUMENT_MATCHES: usize = 10_000;

/// The cookie that carries the token, once the page was opened with `?token=`.
const TOKEN_COOKIE: &str = "dossier_token";

const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// Where and how the API listens.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    pub bind: IpAddr,
    pub port: u16,
    /// Required of every request when set (always when `bind` is not a loopback address).
    pub token: Option<String>,
    /// How long a connection may go without a byte either way (see
    /// [`crate::server::connections`]).
    pub idle: Duration,
}

/// What every handler shares.
struct Shared {
    engine: Arc<Engine>,
    status: SharedStatus,
    /// The `Host` values that name this server; `None`: any (an unspecified address, where
    /// the token guards it).
    hosts: Option<Vec<String>>,
    token: Option<String>,
    /// The places for the engine's work (searches, quotations, documents) at once.
    places: Arc<tokio::sync::Semaphore>,
}

type AppState = Arc<Shared>;

/// How many requests the engine works on at once, per core: more only share the cores.
const PLACES_PER_CORE: usize = 2;

/// Serves the API on `listener` until `stop` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    engine: Arc<Engine>,
    status: SharedStatus,
    options: HttpOptions,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let port = listener.local_addr()?.port();
    let state = Arc::new(Shared {
        engine,
        status,
        hosts: allowed_hosts(options.bind, port),
        token: options.token,
        places: Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()) * PLACES_PER_CORE,
        )),
    });
    let app = router(state);
    axum::serve(HeldConnections::new(listener, options.idle), app)
        .with_graceful_shutdown(stop)
        .await
}

fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(page_html))
        .route("/app.js", get(page_js))
        .route("/app.css", get(page_css))
        .route("/api/search", get(search))
        .route("/api/quote", get(quote_get).post(quote_post))
        .route("/api/document", get(document))
        .route("/api/status", get(status))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// The `Host` values a browser sends for this server on `bind`:`port`.
fn allowed_hosts(bind: IpAddr, port: u16) -> Option<Vec<String>> {
    if bind.is_unspecified() {
        return None;
    }
    let mut hosts = vec![format!("{bind}:{port}")];
    if let IpAddr::V6(v6) = bind {
        hosts = vec![format!("[{v6}]:{port}")];
    }
    if bind.is_loopback() {
        hosts.extend([
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ]);
    }
    Some(hosts)
}

/// An error as JSON: `{"error": "…"}` with its status.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "error": message.into() });
    (status, axum::Json(body)).into_response()
}

/// The status that says what was wrong with a request the engine refused.
fn engine_error(e: &Error) -> Response {
    if let Error::TextUnavailable { id, reason } = e {
        // Its file changed or went since the last update, which the watcher is making.
        return error(
            StatusCode::CONFLICT,
            format!("cannot show document '{id}': {}", unavailable_here(reason)),
        );
    }
    let status = match e {
        Error::Query { .. } | Error::Usage(_) => StatusCode::BAD_REQUEST,
        Error::UnknownDocument { .. } | Error::NoSuchPage { .. } => StatusCode::NOT_FOUND,
        Error::IndexBusy { .. } | Error::NoIndex { .. } => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    error(status, e.to_string())
}

/// The advice that ends the reason a long document's text cannot be read when its file
/// changed since it was indexed (`index::stored::TextUnavailable::Changed`): right for the
/// command line, wrong for a server, which updates its index itself.
const COMMAND_LINE_ADVICE: &str = "; run `dossier index`";

/// Why a long document's text cannot be read now, with the server's advice: its file
/// changed or went since the last update, which comes once the corpus stops changing.
fn unavailable_here(reason: &str) -> String {
    let reason = reason.strip_suffix(COMMAND_LINE_ADVICE).unwrap_or(reason);
    format!(
        "{reason}; the server updates its index once the corpus stops changing: try again in \
         a moment"
    )
}

/// Refuses requests from elsewhere than this server's own page or a program of the user's,
/// and adds the headers that keep the page from running anything but its own script.
async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(refused) = refusal(&state, request.headers(), request.uri().query()) {
        return with_safety_headers(refused);
    }
    let token_in_url = state.token.is_some() && token_in_query(request.uri().query()).is_some();
    let mut response = next.run(request).await;
    if token_in_url && let Some(token) = &state.token {
        // The page opened with `?token=` keeps it for its own requests.
        let cookie = format!("{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    with_safety_headers(response)
}

/// Why a request is refused, if it is.
fn refusal(state: &Shared, headers: &HeaderMap, query: Option<&str>) -> Option<Response> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let Some(host) = host else {
        return Some(error(StatusCode::BAD_REQUEST, "the request names no Host"));
    };
    if let Some(hosts) = &state.hosts
        && !hosts
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(host))
    {
        return Some(error(
            StatusCode::FORBIDDEN,
            format!(
                "Host '{host}' is not this server's address; open it as http://{}/",
                hosts[0]
            ),
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let own = format!("http://{host}");
        if origin
            .to_str()
            .ok()
            .is_none_or(|o| !o.eq_ignore_ascii_case(&own))
        {
            return Some(error(
                StatusCode::FORBIDDEN,
                "requests from another site's page are refused",
            ));
        }
    }
    let site = headers.get("sec-fetch-site").and_then(|s| s.to_str().ok());
    if site.is_some_and(|site| site == "cross-site" || site == "same-site") {
        return Some(error(
            StatusCode::FORBIDDEN,
            "requests from another site's page are refused",
        ));
    }
    if let Some(token) = &state.token {
        let given = bearer(headers)
            .or_else(|| cookie(headers, TOKEN_COOKIE))
            .or_else(|| token_in_query(query));
        if !given.is_some_and(|given| same_secret(given.as_bytes(), token.as_bytes())) {
            return Some(error(
                StatusCode::UNAUTHORIZED,
                "this server requires its token: open the address it printed (with ?token=), \
                 or send `Authorization: Bearer TOKEN`",
            ));
        }
    }
    None
}

/// Whether `given` is `secret`, in a time that does not tell how much of it was right.
fn same_secret(given: &[u8], secret: &[u8]) -> bool {
    given.len() == secret.len()
        && given
            .iter()
            .zip(secret)
            .fold(0, |diff, (a, b)| diff | (a ^ b))
            == 0
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    // The scheme's name is case-insensitive (RFC 9110): `bearer` is `Bearer`.
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("Bearer")
        .then(|| token.trim().to_string())
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_string())
        })
}

fn token_in_query(query: Option<&str>) -> Option<String> {
    #[derive(Deserialize)]
    struct Token {
        token: Option<String>,
    }
    query_form(query?).and_then(|t: Token| t.token)
}

/// The query string read as a form, if it reads.
fn query_form<T: serde::de::DeserializeOwned>(query: &str) -> Option<T> {
    Query::<T>::try_from_uri(&format!("/?{query}").parse().ok()?)
        .ok()
        .map(|Query(t)| t)
}

fn with_safety_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        ("cache-control", "no-store"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn page_html() -> Response {
    asset("text/html; charset=utf-8", include_str!("page/index.html"))
}

async fn page_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("page/app.js"),
    )
}

async fn page_css() -> Response {
    asset("text/css; charset=utf-8", include_str!("page/app.css"))
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such page or API endpoint")
}

async fn wrong_method() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "this endpoint takes GET (and /api/quote POST too)",
    )
}

/// Runs `work` on a blocking thread once one of the engine's places is free, waiting at most
/// [`ANSWER_TIME_LIMIT`] in all. Work that outlives the wait keeps its place until it ends,
/// so runaway searches cannot pile up past the number of places.
async fn answer(state: &Shared, work: impl FnOnce() -> Response + Send + 'static) -> Response {
    let places = Arc::clone(&state.places);
    let answered = tokio::time::timeout(ANSWER_TIME_LIMIT, async move {
        let place = places.acquire_owned().await;
        tokio::task::spawn_blocking(move || {
            let _place = place;
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|_| {
                error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal failure; please report it",
                )
            })
        })
        .await
    });
    match answered.await {
        Ok(Ok(response)) => response,
        Ok(Err(_)) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal failure; please report it",
        ),
        Err(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "no answer within {} s; narrow the query (fewer fuzzy or prefix words), or try \
                 again when the server is less busy",
                ANSWER_TIME_LIMIT.as_secs()
            ),
        ),
    }
}

fn json_bytes(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// A query string's parameters, refused with a JSON error when they do not read.
fn params<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, Response> {
    query
        .map(|Query(t)| t)
        .map_err(|rejection| error(StatusCode::BAD_REQUEST, rejection.body_text()))
}

/// A number or a yes/no parameter as given: text in a query string, a number or a boolean
/// in a JSON body. Read by the handler, which can then say which parameter does not read
/// and what it takes (serde's own words, "Failed to deserialize query string: limit:
/// invalid digit found in string", say neither).
#[derive(Debug)]
struct Given(String);

impl<'de> Deserialize<'de> for Given {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Given, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Given;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, true or false")
            }
            fn visit_str<E>(self, text: &str) -> Result<Given, E> {
                Ok(Given(text.to_string()))
            }
            fn visit_bool<E>(self, value: bool) -> Result<Given, E> {
                Ok(Given(value.to_string()))
            }
            fn visit_u64<E>(self, value: u64) -> Result<Given, E> {
                Ok(Given(value.to_string()))
            }
            fn visit_i64<E>(self, value: i64) -> Result<Given, E> {
                Ok(Given(value.to_string()))
            }
            fn visit_f64<E>(self, value: f64) -> Result<Given, E> {
                Ok(Given(value.to_string()))
            }
        }
        deserializer.deserialize_any(Text)
    }
}

/// The whole number `name` was given as, `default` if none; at most `most`.
fn count(
    name: &str,
    given: Option<&Given>,
    default: usize,
    most: usize,
) -> Result<usize, Response> {
    let Some(Given(text)) = given else {
        return Ok(default);
    };
    let value = text.trim().parse().map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            format!("{name}={text} is not a whole number; write one from 0 to {most}"),
        )
    })?;
    at_most(name, value, most)
}

/// Whether `name` was given as true, `default` if it was not given.
fn yes_or_no(name: &str, given: Option<&Given>, default: bool) -> Result<bool, Response> {
    match given.map(|Given(text)| text.trim()) {
        None | Some("") => Ok(default),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(text) => Err(error(
            StatusCode::BAD_REQUEST,
            format!("{name}={text}: write true or false"),
        )),
    }
}

/// The number `name` was given as, `default` if none.
fn number(name: &str, given: Option<&Given>, default: f32) -> Result<f32, Response> {
    let Some(Given(text)) = given else {
        return Ok(default);
    };
    text.trim()
        .parse()
        .ok()
        .filter(|value: &f32| value.is_finite())
        .ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                format!("{name}={text} is not a number; write one such as 0.6"),
            )
        })
}

/// The parameters of `GET /api/search`: the command line's flags.
#[derive(Debug, Deserialize)]
struct SearchParams {
    q: Option<String>,
    limit: Option<Given>,
    offset: Option<Given>,
    passages: Option<Given>,
    fuzzy: Option<Given>,
    variants: Option<Given>,
    id: Option<String>,
    after: Option<String>,
    before: Option<String>,
    #[serde(rename = "type")]
    types: Option<String>,
    lang: Option<String>,
}

fn too_long(what: &str, text: &str) -> Option<Response> {
    (text.len() > MAX_QUERY_BYTES).then(|| {
        error(
            StatusCode::URI_TOO_LONG,
            format!(
                "the {what} is {} bytes long; the most is {MAX_QUERY_BYTES}",
                text.len()
            ),
        )
    })
}

fn at_most(name: &str, value: usize, most: usize) -> Result<usize, Response> {
    if value > most {
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!("{name}={value} is too large; the most is {most}"),
        ));
    }
    Ok(value)
}

fn day(name: &str, text: Option<&str>) -> Result<Option<i64>, Response> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => crate::text::dates::parse_date(text)
            .map(Some)
            .ok_or_else(|| {
                error(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "{name}='{text}' is not a date; write it as 2017-02-07, 2017-02 or 2017"
                    ),
                )
            }),
    }
}

/// The items of a comma-separated parameter, each read by `read`; a 400 saying `why` (given
/// the item) for the first it cannot read.
fn comma_list<T>(
    text: Option<&str>,
    read: impl Fn(&str) -> Option<T>,
    why: impl Fn(&str) -> String,
) -> Result<Vec<T>, Response> {
    text.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| read(name).ok_or_else(|| error(StatusCode::BAD_REQUEST, why(name))))
        .collect()
}

fn formats(text: Option<&str>) -> Result<Vec<Format>, Response> {
    comma_list(text, Format::named, |name| {
        format!(
            "type '{name}' is not a format dossier reads: {}",
            Format::names()
        )
    })
}

fn languages(text: Option<&str>) -> Result<Vec<Language>, Response> {
    comma_list(text, Language::from_name, |name| {
        format!(
            "lang '{name}' is not a language dossier knows; write its code, such as ru, uk or de"
        )
    })
}

impl SearchParams {
    /// The search asked for.
    fn request(&self) -> Result<SearchRequest, Response> {
        let query = self.q.clone().unwrap_or_default();
        if query.trim().is_empty() {
            return Err(error(StatusCode::BAD_REQUEST, "the query (q=) is empty"));
        }
        if let Some(refused) = too_long("query", &query) {
            return Err(refused);
        }
        let limit = count("limit", self.limit.as_ref(), 10, MAX_LIMIT)?;
        let request = SearchRequest {
            query,
            limit,
            offset: count("offset", self.offset.as_ref(), 0, MAX_OFFSET)?,
            passages: count("passages", self.passages.as_ref(), 2, MAX_PASSAGES)?,
            fuzzy: yes_or_no("fuzzy", self.fuzzy.as_ref(), false)?,
            variants: yes_or_no("variants", self.variants.as_ref(), true)?,
            filters: Filters {
                id_glob: self.id.clone().filter(|glob| !glob.trim().is_empty()),
                after: day("after", self.after.as_deref())?,
                before: day("before", self.before.as_deref())?,
                types: formats(self.types.as_deref())?,
                languages: languages(self.lang.as_deref())?,
            },
        };
        Ok(request)
    }
}

async fn search(
    State(state): State<AppState>,
    query: Result<Query<SearchParams>, QueryRejection>,
) -> Response {
    let request = match params(query).and_then(|p| p.request()) {
        Ok(asked) => asked,
        Err(refused) => return refused,
    };
    answer(&state.clone(), move || {
        match state.engine.search_last_commit(&request) {
            Ok(mut results) => {
                for problem in &mut results.problems {
                    *problem = unavailable_here(problem);
                }
                let mut out = Vec::new();
                match printer::json::print(&mut out, &request.query, &results) {
                    Ok(()) => json_bytes(out),
                    Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
                }
            }
            Err(e) => engine_error(&e),
        }
    })
    .await
}

/// The parameters of `/api/quote`, in the query string or a JSON body.
#[derive(Debug, Deserialize)]
struct QuoteParams {
    text: Option<String>,
    limit: Option<Given>,
    min_similarity: Option<Given>,
    variants: Option<Given>,
}

impl QuoteParams {
    fn request(&self) -> Result<QuoteRequest, Response> {
        let text = self.text.clone().unwrap_or_default();
        if text.trim().is_empty() {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "the quotation (text=) is empty",
            ));
        }
        if let Some(refused) = too_long("quotation", &text) {
            return Err(refused);
        }
        Ok(QuoteRequest {
            text,
            limit: count("limit", self.limit.as_ref(), 10, MAX_LIMIT)?,
            min_similarity: number(
                "min_similarity",
                self.min_similarity.as_ref(),
                DEFAULT_MIN_SIMILARITY,
            )?,
            variants: yes_or_no("variants", self.variants.as_ref(), true)?,
        })
    }
}

async fn quote_get(
    State(state): State<AppState>,
    query: Result<Query<QuoteParams>, QueryRejection>,
) -> Response {
    match params(query).and_then(|p| p.request()) {
        Ok(request) => quote(state, request).await,
        Err(refused) => refused,
    }
}

async fn quote_post(
    State(state): State<AppState>,
    body: Result<axum::Json<QuoteParams>, JsonRejection>,
) -> Response {
    // A body of the wrong shape (`{"text": 5}`) is as malformed as one that is not JSON.
    let asked = body
        .map_err(|rejection| {
            let status = match rejection {
                JsonRejection::JsonDataError(_) => StatusCode::BAD_REQUEST,
                _ => rejection.status(),
            };
            error(status, rejection.body_text())
        })
        .and_then(|axum::Json(p)| p.request());
    match asked {
        Ok(request) => quote(state, request).await,
        Err(refused) => refused,
    }
}

async fn quote(state: AppState, request: QuoteRequest) -> Response {
    answer(&state.clone(), move || {
        match state.engine.quote_last_commit(&request) {
            Ok(results) => {
                let mut out = Vec::new();
                match printer::json::print_quotes(&mut out, &request.text, &results) {
                    Ok(()) => json_bytes(out),
                    Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
                }
            }
            Err(e) => engine_error(&e),
        }
    })
    .await
}

/// The parameters of `GET /api/document`.
#[derive(Debug, Deserialize)]
struct DocumentParams {
    id: Option<String>,
    q: Option<String>,
    fuzzy: Option<Given>,
    variants: Option<Given>,
}

/// Whether `id` looks like a path rather than an ID: IDs are relative, with no `..`. (A
/// backslash is a character of a file's name here, and of its ID: `notes\2020`.)
fn is_path_like(id: &str) -> bool {
    id.starts_with('/')
        || id.contains('\0')
        || id.split('/').any(|part| part == ".." || part == ".")
}

async fn document(
    State(state): State<AppState>,
    query: Result<Query<DocumentParams>, QueryRejection>,
) -> Response {
    let asked = match params(query) {
        Ok(asked) => asked,
        Err(refused) => return refused,
    };
    let id = asked.id.unwrap_or_default();
    if id.is_empty() {
        return error(StatusCode::BAD_REQUEST, "no document ID (id=)");
    }
    if is_path_like(&id) || id.len() > MAX_QUERY_BYTES {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "'{id}' is not a document ID: documents are asked for by the ID search results show, never by a path"
            ),
        );
    }
    let query = asked.q.unwrap_or_default();
    if let Some(refused) = too_long("query", &query) {
        return refused;
    }
    let request = SearchRequest {
        fuzzy: match yes_or_no("fuzzy", asked.fuzzy.as_ref(), false) {
            Ok(fuzzy) => fuzzy,
            Err(refused) => return refused,
        },
        variants: match yes_or_no("variants", asked.variants.as_ref(), true) {
            Ok(variants) => variants,
            Err(refused) => return refused,
        },
        ..SearchRequest::new(query)
    };
    answer(&state.clone(), move || {
        match state.engine.document_matches_last_commit(&id, &request) {
            Ok(found) => {
                let mut out = Vec::new();
                match printer::json::print_document_matches(
                    &mut out,
                    &found,
                    MAX_DOCUMENT_BYTES,
                    MAX_DOCUMENT_MATCHES,
                ) {
                    Ok(()) => json_bytes(out),
                    Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
                }
            }
            Err(e) => engine_error(&e),
        }
    })
    .await
}

async fn status(State(state): State<AppState>) -> Response {
    answer(&state.clone(), move || {
        let documents = state.engine.document_count_last_commit();
        let status = state
            .status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let last_update = status.last_update.map(|time| {
            chrono::DateTime::<chrono::Utc>::from(time)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        });
        let body = serde_json::json!({
            "corpus": state.engine.corpus().display().to_string(),
            "index": state.engine.index_dir().display().to_string(),
            "documents": documents.as_ref().ok(),
            "last_update": last_update,
            "updating": status.updating,
            "skipped": status.skipped,
            "last_error": status.last_error.or_else(|| documents.err().map(|e| e.to_string())),
        });
        (StatusCode::OK, axum::Json(body)).into_response()
    })
    .await
}
