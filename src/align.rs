//! Aligning a quotation's words with a stretch of a document's words, word by word, to say
//! whether the document quotes it verbatim and, if not, what differs.
//!
//! This is a fitting alignment (the whole quotation against any stretch of the document)
//! with the edits a retyped quotation suffers: a word changed, misspelt, dropped, added, or
//! two words swapped. Where the quotation had an ellipsis or a bracketed insertion, the
//! document may hold other words at no cost.

/// One step of an alignment: which quotation word (`quote`) meets which document word (`doc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The same word.
    Same { quote: usize, doc: usize },
    /// A close spelling of the word (a name transliterated another way, a typo).
    Spelling { quote: usize, doc: usize },
    /// Another word in its place.
    Changed { quote: usize, doc: usize },
    /// A quotation word the document does not have; `doc` is the word it would precede.
    Missing { quote: usize, doc: usize },
    /// A document word the quotation does not have.
    Added { doc: usize },
    /// Two adjacent words in the other order: quotation words `quote`, `quote + 1` are
    /// document words `doc + 1`, `doc`.
    Swapped { quote: usize, doc: usize },
    /// A document word standing where the quotation left words out (ellipsis, brackets).
    Gap { doc: usize },
}

/// The best alignment found, its cost and the stretch of the document it covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Alignment {
    pub steps: Vec<Step>,
    /// Sum of the edits' costs: 0 for a verbatim quotation.
    pub cost: f32,
    /// First and last document word covered (inclusive).
    pub first_doc: usize,
    pub last_doc: usize,
}

impl Alignment {
    /// 1 for verbatim, falling by the share of the quotation that had to be edited.
    pub fn similarity(&self, quote_len: usize) -> f32 {
        (1.0 - self.cost / quote_len.max(1) as f32).clamp(0.0, 1.0)
    }
}

const CHANGE_COST: f32 = 1.0;
const SPELLING_COST: f32 = 0.5;

/// Whether two different words are spellings of one another: one edit for words of four
/// letters or more, two for eight or more.
pub fn close_spelling(a: &str, b: &str) -> bool {
    let len = a.chars().count().min(b.chars().count());
    let allowed = match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    allowed > 0 && strsim::damerau_levenshtein(a, b) <= allowed
}

/// Aligns all of `quote` with the best-fitting stretch of `doc`. `free_gap_before[i]` says
/// the document may hold words before quotation word `i` at no cost (an ellipsis or a
/// bracketed insertion stood there).
/// `same_name` says whether two different words are spellings of one name (Kiev and Kyiv),
/// which counts as a close spelling.
pub fn align(
    quote: &[String],
    doc: &[&str],
    free_gap_before: &[bool],
    same_name: &dyn Fn(&str, &str) -> bool,
) -> Option<Alignment> {
    let (m, n) = (quote.len(), doc.len());
    if m == 0 || n == 0 {
        return None;
    }
    let free_gap = |i: usize| i > 0 && i < m && free_gap_before.get(i).copied().unwrap_or(false);
    let width = n + 1;
    let mut cost = vec![0f32; (m + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 1..=m {
        cost[at(i, 0)] = i as f32 * CHANGE_COST;
    }
    for i in 1..=m {
        for j in 1..=n {
            let (substitution, _) = substitute(quote, doc, i, j, same_name);
            let added = if free_gap(i) { 0.0 } else { CHANGE_COST };
            let mut best = (cost[at(i - 1, j - 1)] + substitution)
                .min(cost[at(i - 1, j)] + CHANGE_COST)
                .min(cost[at(i, j - 1)] + added);
            if is_swap(quote, doc, i, j) {
                best = best.min(cost[at(i - 2, j - 2)] + CHANGE_COST);
            }
            cost[at(i, j)] = best;
        }
    }
    // The quotation may end anywhere in the document: the cheapest end, and of equally cheap
    // ones the last, which has matched more (`go and [even] die` rather than `go and` with
    // `die` missing).
    let end = (1..=n).min_by(|&a, &b| cost[at(m, a)].total_cmp(&cost[at(m, b)]).then(b.cmp(&a)))?;
    let total = cost[at(m, end)];

    let mut steps = Vec::with_capacity(m + 4);
    let (mut i, mut j) = (m, end);
    while i > 0 {
        let here = cost[at(i, j)];
        let close = |a: f32, b: f32| (a - b).abs() < 1e-4;
        if j > 0 {
            let (step_cost, step) = substitute(quote, doc, i, j, same_name);
            if close(here, cost[at(i - 1, j - 1)] + step_cost) {
                steps.push(step);
                i -= 1;
                j -= 1;
                continue;
            }
            if is_swap(quote, doc, i, j) && close(here, cost[at(i - 2, j - 2)] + CHANGE_COST) {
                steps.push(Step::Swapped {
                    quote: i - 2,
                    doc: j - 2,
                });
                i -= 2;
                j -= 2;
                continue;
            }
            let added = if free_gap(i) { 0.0 } else { CHANGE_COST };
            if close(here, cost[at(i, j - 1)] + added) {
                steps.push(if added == 0.0 {
                    Step::Gap { doc: j - 1 }
                } else {
                    Step::Added { doc: j - 1 }
                });
                j -= 1;
                continue;
            }
        }
        steps.push(Step::Missing {
            quote: i - 1,
            doc: j,
        });
        i -= 1;
    }
    steps.reverse();
    let covered = steps.iter().filter_map(|step| match *step {
        Step::Same { doc, .. }
        | Step::Spelling { doc, .. }
        | Step::Changed { doc, .. }
        | Step::Added { doc }
        | Step::Gap { doc } => Some((doc, doc)),
        Step::Swapped { doc, .. } => Some((doc, doc + 1)),
        Step::Missing { .. } => None,
    });
    let (first_doc, last_doc) =
        covered.fold((usize::MAX, 0), |(lo, hi), (a, b)| (lo.min(a), hi.max(b)));
    if first_doc == usize::MAX {
        return None;
    }
    Some(Alignment {
        steps,
        cost: total,
        first_doc,
        last_doc,
    })
}

/// The cost and step of aligning quotation word `i - 1` with document word `j - 1`.
fn substitute(
    quote: &[String],
    doc: &[&str],
    i: usize,
    j: usize,
    same_name: &dyn Fn(&str, &str) -> bool,
) -> (f32, Step) {
    let (quote_word, doc_word) = (i - 1, j - 1);
    if quote[quote_word] == doc[doc_word] {
        let step = Step::Same {
            quote: quote_word,
            doc: doc_word,
        };
        (0.0, step)
    } else if close_spelling(&quote[quote_word], doc[doc_word])
        || same_name(&quote[quote_word], doc[doc_word])
    {
        let step = Step::Spelling {
            quote: quote_word,
            doc: doc_word,
        };
        (SPELLING_COST, step)
    } else {
        let step = Step::Changed {
            quote: quote_word,
            doc: doc_word,
        };
        (CHANGE_COST, step)
    }
}

fn is_swap(quote: &[String], doc: &[&str], i: usize, j: usize) -> bool {
    i >= 2
        && j >= 2
        && quote[i - 1] != quote[i - 2]
        && quote[i - 1] == doc[j - 2]
        && quote[i - 2] == doc[j - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    fn run(quote: &str, doc: &str) -> Alignment {
        let quote = words(quote);
        let doc: Vec<&str> = doc.split_whitespace().collect();
        align(&quote, &doc, &vec![false; quote.len()], &|_, _| false).expect("an alignment")
    }

    #[test]
    fn a_verbatim_quotation_costs_nothing_and_covers_only_itself() {
        let a = run("come and go", "presidents come and go and even die");
        assert_eq!(a.cost, 0.0);
        assert_eq!((a.first_doc, a.last_doc), (1, 3));
    }

    #[test]
    fn a_changed_word_is_one_edit() {
        let a = run(
            "presidents come and go and sometimes die",
            "they said presidents come and go and even die today",
        );
        assert_eq!(a.cost, 1.0);
        assert!(a.steps.contains(&Step::Changed { quote: 5, doc: 7 }));
        assert!((a.similarity(7) - 6.0 / 7.0).abs() < 1e-6);
    }

    #[test]
    fn dropped_added_and_swapped_words_are_found() {
        let dropped = run("come and go and die", "come and go and even die");
        assert!(dropped.steps.contains(&Step::Added { doc: 4 }));
        let added = run("come and go and even die", "come and go and die");
        assert!(added.steps.contains(&Step::Missing { quote: 4, doc: 4 }));
        let swapped = run("presidents come and go", "presidents and come go");
        assert!(swapped.steps.contains(&Step::Swapped { quote: 1, doc: 1 }));
        assert_eq!(swapped.cost, 1.0);
    }

    #[test]
    fn a_close_spelling_costs_half() {
        let a = run("kirill dimitriev said", "kirill dmitriev said");
        assert_eq!(a.cost, 0.5);
        assert!(a.steps.contains(&Step::Spelling { quote: 1, doc: 1 }));
    }

    #[test]
    fn words_may_stand_in_an_ellipsis_for_free() {
        let quote = words("the united states see us presidents come");
        let doc: Vec<&str> = "the united states does not currently see us in nato presidents come"
            .split_whitespace()
            .collect();
        let mut free = vec![false; quote.len()];
        free[3] = true;
        free[5] = true;
        let a = align(&quote, &doc, &free, &|_, _| false).unwrap();
        assert_eq!(a.cost, 0.0, "{:?}", a.steps);
    }
}
