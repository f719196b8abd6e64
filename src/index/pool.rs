//! Sharing a search's work on its segments (and on its hits) with a pool of threads, one
//! for each core but the searching thread's, when the work is long enough to be worth it.
//!
//! What the work will cost is not known beforehand (a word in a few long documents can take
//! longer than one in many short ones), so it is timed: one item is done on the calling
//! thread, and the pool's threads join it on the rest only if that time, scaled to their
//! sizes, says they would save more than waking them (or starting them, the first time in
//! a process) costs. Every thread then takes the next item left, largest first; otherwise
//! the calling thread does them all. Either way the results are the same, in the items'
//! order.
//!
//! The item timed is the smallest of those of at least a quarter of the mean size: every
//! item costs a little whatever its size (a segment's dictionaries are looked up), and
//! scaling that from the segment of one document an update leaves to the rest of a large
//! index would send every search, a rare word's too, to the pool.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use rayon::{ThreadPool, ThreadPoolBuilder};

/// What sharing work with the pool costs, by measurement on 2 cores (see bench/README.md):
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
    let sizes: Vec<u64> = items.iter().map(size).collect();
    let Some(timed) = timed_item(&sizes) else {
        return Ok(Vec::new());
    };
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|i| Mutex::new(Some(i))).collect();
    let done: Vec<Mutex<Option<Result<R, E>>>> = std::iter::repeat_with(|| Mutex::new(None))
        .take(slots.len())
        .collect();
    let run = |i: usize| {
        let item = lock(&slots[i]).take().expect("each item is taken once");
        *lock(&done[i]) = Some(work(item));
    };
    let started = Instant::now();
    run(timed);
    let took = started.elapsed();
    // The rest, largest first: the last taken, which the threads end on, are the shortest.
    let mut rest: Vec<usize> = (0..slots.len()).filter(|&i| i != timed).collect();
    rest.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    let pool = match sharing {
        Sharing::Never => None,
        Sharing::Always => pool(),
        Sharing::WhenWorthIt => {
            let cost = if POOL.get().is_some() {
                WAKING
            } else {
                STARTING
            };
            let rest_sizes: Vec<u64> = rest.iter().map(|&i| sizes[i]).collect();
            let saved = took
                .mul_f64(saved_size(&rest_sizes, threads()) as f64 / sizes[timed].max(1) as f64);
            (saved > cost).then(pool).flatten()
        }
    };
    // Each thread takes the next item left until none is.
    let next = AtomicUsize::new(0);
    let take_turns = || {
        while let Some(&i) = rest.get(next.fetch_add(1, Ordering::Relaxed)) {
            run(i);
        }
    };
    match pool {
        Some(pool) => pool.in_place_scope(|scope| {
            for _ in 0..pool.current_num_threads() {
                scope.spawn(|_| take_turns());
            }
            take_turns();
        }),
        None => take_turns(),
    }
    done.into_iter()
        .map(|result| {
            result
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .expect("every item is done")
        })
        .collect()
}

/// A lock that a panic elsewhere does not make unusable (the panic itself is passed on).
fn lock<V>(mutex: &Mutex<V>) -> MutexGuard<'_, V> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Which of items of `sizes` is timed: the smallest of those of at least a quarter of the
/// mean size (the first of equals).
fn timed_item(sizes: &[u64]) -> Option<usize> {
    let mean = sizes.iter().sum::<u64>() / (sizes.len() as u64).max(1);
    (0..sizes.len())
        .filter(|&i| sizes[i] >= mean / 4)
        .min_by_key(|&i| (sizes[i], i))
}

/// How much of the work of items of `sizes` sharing them among `threads` (the calling
/// thread and the pool's) takes off the calling thread: their sum less what the busiest
/// thread does (the largest item, or its share of the sum).
fn saved_size(sizes: &[u64], threads: usize) -> u64 {
    let sum: u64 = sizes.iter().sum();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    sum - largest.max(sum / threads.max(1) as u64)
}

/// The threads that share a search's work: one a core, the calling thread's included.
fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

static POOL: OnceLock<Option<ThreadPool>> = OnceLock::new();

/// The process's pool, started the first time it is asked for; `None` on one core (or
/// when no thread can be had: the work is then done on the calling thread). A pool of its
/// own, not rayon's global one: the indexer's walks and reads run there, and a search
/// served during an update must not wait behind them.
fn pool() -> Option<&'static ThreadPool> {
    POOL.get_or_init(|| {
        (threads() > 1)
            .then(|| {
                ThreadPoolBuilder::new()
                    .num_threads(threads() - 1)
                    .thread_name(|i| format!("dossier-pool-{i}"))
                    .build()
                    .ok()
            })
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
    fn the_item_timed_is_not_a_segment_of_a_few_documents() {
        // A large index after an update of a few files.
        assert_eq!(timed_item(&[33361, 1, 24004, 9]), Some(2));
        assert_eq!(timed_item(&[5, 5, 5]), Some(0));
        assert_eq!(timed_item(&[]), None);
    }

    #[test]
    fn the_pool_saves_nothing_on_one_large_item_and_half_on_equal_ones() {
        assert_eq!(saved_size(&[33361, 1, 9], 2), 10);
        assert_eq!(saved_size(&[100, 100, 100, 100], 2), 200);
        assert_eq!(saved_size(&[100, 100, 100, 100], 4), 300);
        assert_eq!(saved_size(&[70], 2), 0);
        assert_eq!(saved_size(&[], 2), 0);
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
