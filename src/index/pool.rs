//! Sharing a search's work on its segments (and on its hits) with a pool of threads, a
//! thread a core, when the work is long enough to be worth it.
//!
//! What the work will cost is not known beforehand (a word in a few long documents can take
//! longer than one in many short ones), so it is timed: the smallest item is done on the
//! calling thread, and the rest go to the pool only if its time, scaled to their sizes, is
//! over twice what waking the pool (or starting it, the first time in a process) costs.
//! Otherwise the rest are done on the calling thread too. Either way the results are the
//! same, in the items' order.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tantivy::Executor;

/// What handing work to the pool costs, by measurement on 2 cores (see bench/README.md):
/// waking its sleeping threads,
const WAKING: Duration = Duration::from_micros(400);
/// and starting them, in a process that has not yet.
const STARTING: Duration = Duration::from_micros(1000);

/// Whether work may go to the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sharing {
    /// When it is long enough (the normal case).
    WhenWorthIt,
    /// Never: everything on the calling thread.
    Never,
    /// Always, whatever its length (for tests: the pool's answers must be the calling
    /// thread's).
    Always,
}

/// `work` done on each of `items` (of `size`, which the time of the rest is estimated by),
/// the results in the items' order; on the pool or not, as `sharing` says. The first error
/// is returned.
pub fn map_shared<T, R, E>(
    items: Vec<T>,
    size: impl Fn(&T) -> u64,
    sharing: Sharing,
    work: impl Fn(T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E>
where
    T: Send,
    R: Send,
    E: Send,
{
    // The smallest item is timed: the more is left, the more the pool can take.
    let Some(timed) = (0..items.len()).min_by_key(|&i| (size(&items[i]), i)) else {
        return Ok(Vec::new());
    };
    let timed_size = size(&items[timed]).max(1);
    let rest_size: u64 = items.iter().map(&size).sum::<u64>() - size(&items[timed]);
    let mut items: Vec<Option<T>> = items.into_iter().map(Some).collect();
    let first = items[timed].take().expect("each item is taken once");
    let started = Instant::now();
    let first = work(first)?;
    let took = started.elapsed();
    let rest: Vec<(usize, T)> = items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| item.map(|item| (i, item)))
        .collect();
    let pool = match sharing {
        Sharing::Never => None,
        Sharing::Always => pool(),
        Sharing::WhenWorthIt => {
            let expected = took.mul_f64(rest_size as f64 / timed_size as f64);
            // Two threads take about half the time: that must save more than the pool costs.
            let cost = if POOL.get().is_some() {
                WAKING
            } else {
                STARTING
            };
            (!rest.is_empty() && expected > cost * 2)
                .then(pool)
                .flatten()
        }
    };
    let done: Vec<(usize, R)> = match pool {
        Some(pool) => pool
            .map(
                |(i, item)| Ok(work(item).map(|result| (i, result))),
                rest.into_iter(),
            )
            .expect("the pool's tasks do not fail, they return their errors")
            .into_iter()
            .collect::<Result<_, E>>()?,
        None => rest
            .into_iter()
            .map(|(i, item)| work(item).map(|result| (i, result)))
            .collect::<Result<_, E>>()?,
    };
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None)
        .take(done.len() + 1)
        .collect();
    results[timed] = Some(first);
    for (i, result) in done {
        results[i] = Some(result);
    }
    Ok(results.into_iter().flatten().collect())
}

static POOL: OnceLock<Option<Executor>> = OnceLock::new();

/// The process's pool, started the first time it is asked for; `None` on one core (or
/// when no thread can be had: the work is then done on the calling thread). A pool of its
/// own, not rayon's global one: the indexer's walks and reads run there, and a search
/// served during an update must not wait behind them.
fn pool() -> Option<&'static Executor> {
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        (cores > 1)
            .then(|| Executor::multi_thread(cores, "dossier-pool-").ok())
            .flatten()
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_items_order_shared_or_not() {
        let items: Vec<u64> = vec![3, 9, 1, 9, 4];
        for sharing in [Sharing::Never, Sharing::Always, Sharing::WhenWorthIt] {
            let doubled = map_shared(items.clone(), |&n| n, sharing, |n| Ok::<_, ()>(n * 2));
            assert_eq!(doubled, Ok(vec![6, 18, 2, 18, 8]), "{sharing:?}");
        }
        let none = map_shared(Vec::<u64>::new(), |&n| n, Sharing::Always, Ok::<_, ()>);
        assert_eq!(none, Ok(vec![]));
    }

    #[test]
    fn an_error_of_any_item_is_returned() {
        for sharing in [Sharing::Never, Sharing::Always] {
            let failed = map_shared(
                vec![5u64, 7, 2],
                |&n| n,
                sharing,
                |n| {
                    if n == 2 { Err(n) } else { Ok(n) }
                },
            );
            assert_eq!(failed, Err(2), "{sharing:?}");
        }
    }
}
