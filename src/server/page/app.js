// The page of `dossier serve`: one script, no library. Every piece of text that comes from
// a document (or a query) is put in the page as text (textContent, text nodes), never as
// HTML: a document holding <script> or <img onerror> shows those characters and runs
// nothing. The API's offsets are bytes of UTF-8; the page slices the UTF-8 bytes to match.
"use strict";

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An element with a class and text (as text, never HTML; see appendText). */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) appendText(node, String(text));
  return node;
}

/**
 * The characters that set the direction of the text around them, by their short names.
 * Applied, they reorder what a document shows: an ID `abc` after U+202E reads `cba`, and
 * a highlight reads backwards. So they are shown, not applied (see appendText).
 */
const BIDI_CONTROLS = {
  "\u061C": ["ALM", "ARABIC LETTER MARK"],
  "\u200E": ["LRM", "LEFT-TO-RIGHT MARK"],
  "\u200F": ["RLM", "RIGHT-TO-LEFT MARK"],
  "\u202A": ["LRE", "LEFT-TO-RIGHT EMBEDDING"],
  "\u202B": ["RLE", "RIGHT-TO-LEFT EMBEDDING"],
  "\u202C": ["PDF", "POP DIRECTIONAL FORMATTING"],
  "\u202D": ["LRO", "LEFT-TO-RIGHT OVERRIDE"],
  "\u202E": ["RLO", "RIGHT-TO-LEFT OVERRIDE"],
  "\u2066": ["LRI", "LEFT-TO-RIGHT ISOLATE"],
  "\u2067": ["RLI", "RIGHT-TO-LEFT ISOLATE"],
  "\u2068": ["FSI", "FIRST STRONG ISOLATE"],
  "\u2069": ["PDI", "POP DIRECTIONAL ISOLATE"],
};
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/**
 * Appends `text` to `parent` as text. Each direction control in it is put in an element of
 * its own, isolated (`dir`), where it reorders nothing, and shown by its name (app.css);
 * the character stays in the text, so that what is copied is the text as it is.
 */
function appendText(parent, text) {
  if (!BIDI_CONTROL.test(text)) {
    parent.appendChild(document.createTextNode(text));
    return;
  }
  let at = 0;
  for (const found of text.matchAll(new RegExp(BIDI_CONTROL.source, "g"))) {
    if (found.index > at) parent.appendChild(document.createTextNode(text.slice(at, found.index)));
    const [short, name] = BIDI_CONTROLS[found[0]];
    const marker = document.createElement("span");
    marker.className = "bidi-control";
    marker.dir = "ltr";
    marker.dataset.name = short;
    marker.title = `U+${found[0].charCodeAt(0).toString(16).toUpperCase()} ${name}`;
    marker.textContent = found[0];
    parent.appendChild(marker);
    at = found.index + found[0].length;
  }
  if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
}

/** `text` for a tooltip, where no element can hold a control: each is written as its name. */
function tooltip(text) {
  return String(text).replace(new RegExp(BIDI_CONTROL.source, "g"), (c) => `[${BIDI_CONTROLS[c][0]}]`);
}

/** Asks the API; the answer's JSON, or an Error with the API's message. */
async function api(path, params, body) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "" && value !== false) {
      url.searchParams.set(key, String(value));
    }
  }
  const init = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(url, init);
  let answer = null;
  try {
    answer = await response.json();
  } catch (_) {
    answer = null;
  }
  if (!response.ok) {
    throw new Error((answer && answer.error) || `the server answered ${response.status}`);
  }
  return answer;
}

/** Shows `error` (hides the last one when null) where the view asked for the answer: under
 * the search box, the quotation box or the document's bar. */
function showError(error, view) {
  const box = $("error");
  if (!error) {
    box.hidden = true;
    box.textContent = "";
    return;
  }
  const under = { doc: "#document-view .doc-bar", quote: "#quote-form" }[view] || "#search-form .box";
  document.querySelector(under).after(box);
  box.replaceChildren();
  appendText(box, String(error.message || error));
  box.hidden = false;
  window.scrollTo(0, 0);
}

/** Empties a view of what an earlier answer showed in it, so that nothing shown under an
 * error seems to be the answer to the request refused. */
function clearView(view) {
  if (view === "doc") {
    for (const id of ["doc-title", "doc-meta", "doc-text", "match-count"]) $(id).replaceChildren();
    $("doc-notice").hidden = true;
    matchNodes = [];
  } else if (view === "quote") {
    $("quote-results").replaceChildren();
    $("quote-summary").textContent = "";
  } else {
    $("results").replaceChildren();
    $("summary").textContent = "";
    $("prev-page").hidden = $("next-page").hidden = true;
  }
}

/**
 * Appends `text` to `parent`, with the byte ranges of `marks` wrapped in elements.
 * A mark is {start, end, tag, className, title, id, dir, container, inserted, spaced}: a
 * mark with start == end and `inserted` text puts that text there (a word missing from a
 * quotation's source, a page break), inside the `container` marks around it but outside any
 * other; `spaced` ("before", "after" or both) puts a space on those sides of it.
 * Returns the elements made for marks with an id, by id.
 */
function appendMarked(parent, text, marks) {
  const bytes = encoder.encode(text);
  const slice = (a, b) => decoder.decode(bytes.subarray(a, b));
  const spans = marks
    .filter((m) => m.end > m.start && m.start >= 0 && m.end <= bytes.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const inserts = marks
    .filter((m) => m.end === m.start && m.inserted !== undefined)
    .sort((a, b) => a.start - b.start);
  const cuts = new Set([0, bytes.length]);
  for (const m of spans) {
    cuts.add(m.start);
    cuts.add(m.end);
  }
  for (const m of inserts) cuts.add(Math.min(m.start, bytes.length));
  const points = [...cuts].sort((a, b) => a - b);
  const made = {};
  // The elements around the piece being added, outermost first, each with its mark. They
  // are kept from one piece to the next while their marks go on, so that a mark over many
  // pieces (a line holding several matches) stays one element.
  const stack = [];
  const target = () => (stack.length ? stack[stack.length - 1].node : parent);
  const openElement = (m) => {
    const node = el(m.tag || "mark", m.className);
    if (m.title) node.title = tooltip(m.title);
    if (m.dir) node.dir = m.dir;
    if (m.id && !made[m.id]) {
      node.id = m.id;
      made[m.id] = node;
    }
    target().appendChild(node);
    stack.push({ mark: m, node });
  };
  let insertAt = 0;
  const insertUpTo = (offset) => {
    while (insertAt < inserts.length && inserts[insertAt].start <= offset) {
      const m = inserts[insertAt++];
      let keep = 0;
      while (keep < stack.length && stack[keep].mark.container && stack[keep].mark.end > m.start) keep++;
      stack.length = keep;
      const node = el(m.tag || "span", m.className, m.inserted);
      if (m.title) node.title = tooltip(m.title);
      if (m.spaced && m.spaced.includes("before")) target().append(" ");
      target().appendChild(node);
      if (m.spaced && m.spaced.includes("after")) target().append(" ");
    }
  };
  // The marks around the piece being added: those begun and not ended. Kept as the pieces
  // go, so that a document of a hundred thousand matches is laid out in one pass, not in
  // one pass a piece.
  let next = 0;
  let open = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i];
    const to = points[i + 1];
    insertUpTo(from);
    while (next < spans.length && spans[next].start <= from) open.push(spans[next++]);
    open = open.filter((m) => m.end >= to);
    let keep = 0;
    while (keep < stack.length && keep < open.length && stack[keep].mark === open[keep]) keep++;
    stack.length = keep;
    for (const m of open.slice(keep)) openElement(m);
    appendText(target(), slice(from, to));
  }
  insertUpTo(Infinity);
  return made;
}

/** Letters written from right to left: the blocks of Hebrew, Arabic, Syriac, Thaana, N'Ko
 * and the other scripts that Unicode lays out so. */
const RIGHT_TO_LEFT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/gu;

/** The bytes of `text`'s UTF-8 from its UTF-16 index `from` to `to`. */
function utf8Length(text, from, to) {
  let length = 0;
  for (let i = from; i < to; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      length += 1;
    } else if (unit < 0x800) {
      length += 2;
    } else if (unit >= 0xd800 && unit < 0xdc00) {
      length += 4;
      i++;
    } else {
      length += 3;
    }
  }
  return length;
}

/**
 * A mark over each line of `text` (with its line end) that holds a right-to-left letter,
 * for the line to be laid out in the direction of its first strong letter. This is what
 * `unicode-bidi: plaintext` does for every line of a block, but that took Chromium 10 s and
 * more on a document of one line of 2 MB; lines of left-to-right letters only need nothing.
 */
function rightToLeftLines(text) {
  const lines = [];
  const lineEnd = /\r\n|\r|\n/g;
  let charAt = 0;
  let byteAt = 0;
  RIGHT_TO_LEFT.lastIndex = 0;
  for (let found = RIGHT_TO_LEFT.exec(text); found; found = RIGHT_TO_LEFT.exec(text)) {
    const start = Math.max(text.lastIndexOf("\n", found.index), text.lastIndexOf("\r", found.index)) + 1;
    lineEnd.lastIndex = found.index;
    const end = lineEnd.exec(text) ? lineEnd.lastIndex : text.length;
    byteAt += utf8Length(text, charAt, start);
    const length = utf8Length(text, start, end);
    lines.push({ start: byteAt, end: byteAt + length, tag: "span", className: "line", dir: "auto", container: true });
    byteAt += length;
    charAt = end;
    RIGHT_TO_LEFT.lastIndex = end;
  }
  return lines;
}

// ---- the address: what is shown is kept in the URL's fragment, so back and forward work.

function readHash() {
  const hash = window.location.hash.replace(/^#/, "");
  const [view, query] = hash.split("?");
  return { view: view || "search", params: new URLSearchParams(query || "") };
}

function go(view, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "" && value !== false) {
      query.set(key, String(value));
    }
  }
  const hash = `#${view}?${query}`;
  if (window.location.hash === hash) {
    route();
  } else {
    window.location.hash = hash;
  }
}

function showView(view) {
  $("search-view").hidden = view !== "search";
  $("document-view").hidden = view !== "doc";
  $("quote-view").hidden = view !== "quote";
  $("tab-search").setAttribute("aria-pressed", String(view !== "quote"));
  $("tab-quote").setAttribute("aria-pressed", String(view === "quote"));
}

// Each visit to an address is numbered: an answer that comes back after the user has gone
// on to another one (a slow search overtaken by a quick one) is dropped, not shown.
let visit = 0;
const overtaken = (mine) => mine !== visit;

async function route() {
  const { view, params } = readHash();
  const mine = ++visit;
  showError(null);
  try {
    if (view === "doc") {
      showView("doc");
      await showDocument(params, mine);
    } else if (view === "quote") {
      showView("quote");
      await checkQuote(params, mine);
    } else {
      showView("search");
      await runSearch(params, mine);
    }
  } catch (error) {
    if (!overtaken(mine)) {
      clearView(view);
      showError(error, view);
    }
  }
}

// ---- search

const FILTERS = ["id", "after", "before", "type", "limit"];

function formParams(offset) {
  const params = { q: $("q").value.trim(), offset: offset || 0 };
  for (const name of FILTERS) params[name] = $(`f-${name}`).value.trim();
  params.fuzzy = $("f-fuzzy").checked;
  params.variants = $("f-variants").checked ? "" : "false";
  return params;
}

function fillForm(params) {
  $("q").value = params.get("q") || "";
  for (const name of FILTERS) {
    const value = params.get(name);
    const field = $(`f-${name}`);
    // A page size typed into the address that the list does not offer becomes one of it.
    if (value && field.options && ![...field.options].some((o) => o.value === value)) {
      field.add(new Option(value, value));
    }
    // A filter the address does not give is unset: left as it was, it would be sent with
    // the next query typed, unseen in the results it changed.
    field.value = value ?? (field.options ? field.options[0].value : "");
  }
  $("f-fuzzy").checked = params.get("fuzzy") === "true";
  $("f-variants").checked = params.get("variants") !== "false";
}

let lastSearch = null;
// The list of results (a search's or a quotation's) shown last: where "Back" goes.
let lastList = null;

// The result a document was opened from, and the one to give the focus back to when the
// list is shown again by "Back" (so that `j` goes on from it).
let openedFrom = null;
let focusOnReturn = null;

function backToList() {
  focusOnReturn = openedFrom;
  if (lastList) go(lastList.view, lastList.params);
  else go("search", lastSearch ? lastSearch.params : {});
}

async function runSearch(params, mine) {
  fillForm(params);
  const q = params.get("q") || "";
  const results = $("results");
  if (!q.trim()) {
    results.replaceChildren();
    $("summary").textContent = "";
    $("prev-page").hidden = $("next-page").hidden = true;
    return;
  }
  const asked = Object.fromEntries(params.entries());
  const limit = Number(asked.limit || 10);
  const offset = Number(asked.offset || 0);
  $("summary").textContent = "Searching…";
  const answer = await api("/api/search", { ...asked, limit, offset });
  if (overtaken(mine)) return;
  lastSearch = { params: asked, answer };
  lastList = { view: "search", params: asked };
  const shown = answer.hits.length;
  const matching = `${answer.total_hits} document${answer.total_hits === 1 ? "" : "s"} match`;
  const summary = answer.total_hits === 0
    ? "No document matches."
    : shown === 0
      ? `${matching}; this page is past the last of them.`
      : `${matching}; ${offset + 1}–${offset + shown} shown.`;
  $("summary").replaceChildren(el("span", null, summary));
  if (answer.suggestions && answer.suggestions.length) {
    const line = el("span", "suggestions", " Did you mean: ");
    for (const s of answer.suggestions) {
      for (const other of s.alternatives || []) {
        const link = el("a", null, other.word);
        link.title = `${other.documents} document${other.documents === 1 ? "" : "s"}`;
        link.href = "#";
        link.addEventListener("click", (event) => {
          event.preventDefault();
          go("search", { ...asked, q: replaceWord(q, s.word, other.word), offset: 0 });
        });
        line.append(link, " ");
      }
    }
    $("summary").appendChild(line);
  }
  if (answer.problems && answer.problems.length) {
    $("summary").appendChild(el("span", "problems", `Some results have no passages: ${answer.problems.join("; ")}`));
  }
  results.replaceChildren(...answer.hits.map((hit) => hitItem(hit, q)));
  $("prev-page").hidden = offset === 0;
  $("next-page").hidden = offset + shown >= answer.total_hits;
  const returnedTo = focusOnReturn === null ? -1 : answer.hits.findIndex((hit) => hit.doc_id === focusOnReturn);
  focusOnReturn = null;
  if (returnedTo >= 0) {
    const item = results.children[returnedTo];
    item.querySelector(".doc-link").focus();
    item.scrollIntoView({ block: "center" });
  } else {
    // A page of other results is read from its top, not from where the last one was left.
    window.scrollTo(0, 0);
  }
  loadStatus();
}

// The query with every `word` typed (in any case) spelt `other` instead.
function replaceWord(query, word, other) {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return query.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "giu"), other);
}

function docLink(id, q, at, text) {
  const link = el("a", "doc-link", text);
  const params = new URLSearchParams({ id, q: q || "" });
  // The document shows the matches the search found: fuzzy, or without other spellings.
  if (lastSearch && lastSearch.params.fuzzy === "true") params.set("fuzzy", "true");
  if (lastSearch && lastSearch.params.variants === "false") params.set("variants", "false");
  if (at !== undefined) params.set("at", String(at));
  link.href = `#doc?${params}`;
  return link;
}

function hitItem(hit, q) {
  const item = el("li", "hit");
  item.tabIndex = -1;
  const head = el("div", "hit-head");
  head.append(
    el("span", "rank", `${hit.rank}.`),
    docLink(hit.doc_id, q, undefined, hit.title || hit.doc_id),
  );
  const meta = el("div", "meta");
  meta.append(
    el("span", "doc-id", hit.doc_id),
    el("span", null, hit.date),
    el("span", null, `score ${hit.score.toFixed(2)}`),
  );
  if (hit.format) meta.append(el("span", null, hit.format));
  if (hit.lang) meta.append(el("span", "lang", hit.lang));
  item.append(head, meta);
  for (const passage of hit.passages) item.appendChild(passageBlock(hit, passage, q));
  item.addEventListener("click", (event) => {
    if (event.target.closest("a.doc-link")) openedFrom = hit.doc_id;
  });
  return item;
}

/** Where a passage stands, or a quotation found: a quotation's own line, not its passage's. */
function where(passage) {
  const line = passage.quotation_line ?? passage.line;
  if (!passage.page) return `line ${line}`;
  const last = passage.last_page;
  const pages = last ? `pages ${passage.page}–${last}` : `page ${passage.page}`;
  const printed = passage.page_label
    ? ` (printed ${passage.page_label}${last ? `–${passage.last_page_label || ""}` : ""})`
    : "";
  return `line ${line}, ${pages}${printed}`;
}

function passageBlock(hit, passage, q) {
  const block = el("blockquote", "passage");
  const text = el("p", "passage-text");
  // Right-to-left text (Arabic, Hebrew) is laid out from its own first strong letter.
  text.dir = "auto";
  appendMarked(text, passage.text, passage.highlights.map(([start, end], i) => ({
    start, end, tag: "mark", className: "hl", title: passage.highlight_terms[i],
  })));
  const foot = el("div", "passage-foot");
  foot.append(
    docLink(hit.doc_id, q, passage.start, where(passage)),
    passage.ocr ? el("span", "ocr", "OCR") : "",
    citeButton(hit.title, hit.doc_id, passage),
  );
  block.append(text, foot);
  return block;
}

/** The citation of a passage: its words, the document's title and ID, its line and page. */
function citation(title, id, passage) {
  const words = passage.text.replace(/\s+/g, " ").trim();
  return `“${words}” (${title ? `${title}, ` : ""}document ${id}, ${where(passage)})`;
}

function citeButton(title, id, passage) {
  const button = el("button", "cite", "Copy citation");
  button.type = "button";
  button.addEventListener("click", async () => {
    const text = citation(title, id, passage);
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch (_) {
      // No clipboard permission: the citation is shown, selected, for the user to copy.
      const box = el("textarea", "cite-box");
      box.value = text;
      box.readOnly = true;
      button.replaceWith(box);
      box.select();
      return;
    }
    setTimeout(() => { button.textContent = "Copy citation"; }, 1500);
  });
  return button;
}

// ---- a document, with every match of the query

let matchNodes = [];
let currentMatch = -1;

async function showDocument(params, mine) {
  const id = params.get("id") || "";
  const q = params.get("q") || "";
  const answer = await api("/api/document", {
    id, q,
    fuzzy: params.get("fuzzy") === "true",
    variants: params.get("variants") === "false" ? "false" : "",
  });
  if (overtaken(mine)) return;
  $("doc-title").replaceChildren(el("span", null, answer.title || answer.id));
  const meta = [answer.id];
  if (answer.format) meta.push(answer.format);
  if (answer.pages > 1) meta.push(`${answer.pages} pages`);
  $("doc-meta").replaceChildren(el("span", null, meta.join(" · ")));
  const notice = $("doc-notice");
  const said = [];
  if (answer.truncated) said.push(`This document is long: its first ${answer.end} bytes are shown.`);
  if (answer.matches_total > answer.matches.length) {
    said.push(`Its first ${answer.matches.length} matches of ${answer.matches_total} are marked.`);
  }
  notice.hidden = said.length === 0;
  notice.textContent = said.join(" ");
  const pre = $("doc-text");
  pre.replaceChildren();
  // A quotation's document marks where it is quoted (`mark=START-END`), not its words.
  const quoted = /^(\d+)-(\d+)$/.exec(params.get("mark") || "");
  const matches = quoted
    ? [{ start: Number(quoted[1]), end: Number(quoted[2]), term: "the quotation" }]
    : answer.matches;
  const marks = matches.map((m, i) => ({
    start: m.start, end: m.end, tag: "mark", className: "hl", id: `m${i}`,
    title: m.line ? `${m.term} (line ${m.line}${m.page ? `, page ${m.page}` : ""})` : m.term,
  }));
  for (const [i, start] of answer.page_starts.entries()) {
    marks.push({ start, end: start, tag: "span", className: "page-break", inserted: `page ${i + 2}` });
  }
  marks.push(...rightToLeftLines(answer.text));
  const made = appendMarked(pre, answer.text, marks);
  matchNodes = matches.map((_, i) => made[`m${i}`]).filter(Boolean);
  const at = Number(params.get("at"));
  let first = 0;
  if (params.has("at")) {
    const index = matches.findIndex((m) => m.end > at);
    first = index < 0 ? 0 : index;
  }
  currentMatch = -1;
  if (matchNodes.length) {
    moveToMatch(first);
  } else {
    $("match-count").textContent = q || quoted ? "no match" : "";
    window.scrollTo(0, 0);
  }
}

function moveToMatch(index) {
  if (!matchNodes.length) return;
  const count = matchNodes.length;
  const next = ((index % count) + count) % count;
  if (currentMatch >= 0 && matchNodes[currentMatch]) {
    matchNodes[currentMatch].classList.remove("current");
  }
  currentMatch = next;
  const node = matchNodes[next];
  node.classList.add("current");
  node.scrollIntoView({ block: "center" });
  $("match-count").textContent = `${next + 1} / ${count}`;
}

// ---- a quotation

async function checkQuote(params, mine) {
  const text = params.get("text") || "";
  $("quote-text").value = text;
  const list = $("quote-results");
  if (!text.trim()) {
    list.replaceChildren();
    $("quote-summary").textContent = "";
    return;
  }
  $("quote-summary").textContent = "Checking…";
  const answer = await api("/api/quote", {}, { text });
  if (overtaken(mine)) return;
  lastList = { view: "quote", params: { text } };
  const near = answer.matches.length - answer.verbatim_count;
  $("quote-summary").textContent = answer.verbatim_count > 0
    ? `Quoted verbatim in ${answer.verbatim_count} place${answer.verbatim_count === 1 ? "" : "s"}` +
      (near > 0 ? `; ${near} near wording${near === 1 ? "" : "s"}.` : ".")
    : answer.matches.length > 0
      ? "Not found verbatim. The closest wordings, with the differences marked:"
      : "Not found, not even in a close wording.";
  list.replaceChildren(...answer.matches.map(quoteItem));
}

const DIFFERENCE_WORDS = {
  changed: "another word",
  spelling: "another spelling",
  missing: "missing",
  added: "added",
  swapped: "swapped",
};

/** A link to the document of a quotation's match, with the words quoted marked: from its
 * first word found to its last, offsets in the whole text. */
function quotedLink(match) {
  const link = el("a", "doc-link", match.title || match.doc_id);
  const found = match.highlights;
  const start = match.start + (found.length ? found[0][0] : 0);
  const end = found.length ? match.start + found[found.length - 1][1] : match.end;
  link.href = `#doc?${new URLSearchParams({ id: match.doc_id, mark: `${start}-${end}` })}`;
  return link;
}

function quoteItem(match) {
  const item = el("li", `quote-match ${match.verdict}`);
  const head = el("div", "hit-head");
  head.append(
    el("span", `verdict ${match.verdict}`, match.verdict === "verbatim" ? "verbatim" : `near (${Math.floor(match.similarity * 100)}%)`),
    quotedLink(match),
  );
  const meta = el("div", "meta");
  meta.append(el("span", "doc-id", match.doc_id), el("span", null, where(match)));
  const text = el("p", "passage-text");
  const marks = match.highlights.map(([start, end]) => ({ start, end, tag: "mark", className: "hl" }));
  const bytes = encoder.encode(match.text);
  const word = /[\p{L}\p{N}]/u;
  for (const d of match.differences) {
    const title = `${DIFFERENCE_WORDS[d.kind] || d.kind}` +
      (d.expected ? `: the quotation says “${d.expected}”` : "") +
      (d.found ? `, the document “${d.found}”` : "");
    if (d.end > d.start) {
      marks.push({ start: d.start, end: d.end, tag: "span", className: `diff ${d.kind}`, title });
    } else {
      // A word missing between two others stands apart from them: "even suddenly die".
      const before = decoder.decode(bytes.subarray(Math.max(0, d.start - 4), d.start)).slice(-1);
      const after = decoder.decode(bytes.subarray(d.start, d.start + 4)).slice(0, 1);
      const spaced = [word.test(before) ? "before" : "", word.test(after) ? "after" : ""].join(" ");
      marks.push({ start: d.start, end: d.start, tag: "del", className: `diff ${d.kind}`, title, inserted: d.expected || "…", spaced });
    }
  }
  appendMarked(text, match.text, marks);
  item.append(head, meta, text);
  if (match.differences.length) {
    const list = el("ul", "differences");
    for (const d of match.differences) {
      const line = el("li", `diff-line ${d.kind}`);
      line.append(el("strong", null, DIFFERENCE_WORDS[d.kind] || d.kind), ": ");
      if (d.expected) line.append("quoted ", el("del", null, d.expected));
      if (d.expected && d.found) line.append(", ");
      if (d.found) line.append("document has ", el("ins", null, d.found));
      list.appendChild(line);
    }
    item.appendChild(list);
  }
  const foot = el("div", "passage-foot");
  foot.appendChild(citeButton(match.title, match.doc_id, match));
  item.appendChild(foot);
  return item;
}

// ---- status line

async function loadStatus() {
  try {
    const status = await api("/api/status");
    const parts = [`${status.documents ?? "?"} documents`];
    if (status.updating) parts.push("updating…");
    else if (status.last_update) parts.push(`updated ${status.last_update.replace("T", " ").replace("Z", " UTC")}`);
    if (status.skipped && status.skipped.length) parts.push(`${status.skipped.length} skipped`);
    const line = $("status");
    line.textContent = parts.join(" · ");
    line.title = tooltip((status.skipped || []).map((s) => `${s.path}: ${s.reason}`).join("\n"));
  } catch (_) {
    $("status").textContent = "";
  }
}

// ---- wiring

function typing(target) {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement;
}

function moveResult(step) {
  const items = [...document.querySelectorAll("#results .hit")];
  if (!items.length) return;
  const at = items.findIndex((item) => item.contains(document.activeElement));
  const next = Math.max(0, Math.min(items.length - 1, at < 0 ? 0 : at + step));
  items[next].querySelector(".doc-link").focus();
  items[next].scrollIntoView({ block: "nearest" });
}

function start() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    go("search", formParams(0));
  });
  for (const name of [...FILTERS, "fuzzy", "variants"]) {
    $(`f-${name}`).addEventListener("change", () => {
      if ($("q").value.trim()) go("search", formParams(0));
    });
  }
  $("prev-page").addEventListener("click", () => {
    const limit = Number($("f-limit").value);
    // From a page past the last, to the last.
    const total = lastSearch ? lastSearch.answer.total_hits : 0;
    const last = Math.max(0, Math.floor((total - 1) / limit) * limit);
    const offset = Math.max(0, Math.min(Number(readHash().params.get("offset") || 0) - limit, last));
    go("search", formParams(offset));
  });
  $("next-page").addEventListener("click", () => {
    const limit = Number($("f-limit").value);
    go("search", formParams(Number(readHash().params.get("offset") || 0) + limit));
  });
  $("quote-form").addEventListener("submit", (event) => {
    event.preventDefault();
    go("quote", { text: $("quote-text").value });
  });
  // Enter starts a new line of the quotation; Ctrl+Enter (Cmd+Enter) checks it.
  $("quote-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $("quote-form").requestSubmit();
    }
  });
  $("tab-search").addEventListener("click", () => go("search", lastSearch ? lastSearch.params : {}));
  $("tab-quote").addEventListener("click", () => go("quote", { text: $("quote-text").value }));
  $("back").addEventListener("click", backToList);
  $("next-match").addEventListener("click", () => moveToMatch(currentMatch + 1));
  $("prev-match").addEventListener("click", () => moveToMatch(currentMatch - 1));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const view = readHash().view;
    if (event.key === "/") {
      event.preventDefault();
      if (view !== "search") go("search", lastSearch ? lastSearch.params : {});
      $("q").focus();
    } else if (view === "doc" && event.key === "n") {
      moveToMatch(currentMatch + 1);
    } else if (view === "doc" && event.key === "p") {
      moveToMatch(currentMatch - 1);
    } else if (view === "doc" && event.key === "Escape") {
      $("back").click();
    } else if (view === "search" && event.key === "j") {
      moveResult(1);
    } else if (view === "search" && event.key === "k") {
      moveResult(-1);
    }
  });
  window.addEventListener("hashchange", route);
  loadStatus();
  route();
}

start();
