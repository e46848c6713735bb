//! Work on a list of SAs (or of report records) shared by two threads without changing its
//! order: chunks of the list are dealt in turn to the threads, and the results are handed to
//! the caller in list order, so that what is built is the same as with one thread.
//!
//! The diagnosis judges each SA this way, and the JSON report builds its records this way.

/// Items per chunk: large enough that handing a chunk over costs nothing, small enough that
/// the chunks in flight stay a few hundred kilobytes.
pub const CHUNK: usize = 64;

/// A result made by the calling thread (`Here`) or by another one (`There`).
pub enum Made<H, T> {
    Here(H),
    There(T),
}

/// Runs `body` on the results for items `0..len`, in item order (items giving `None` are
/// left out). The calling thread makes its chunks' results with `here`, lazily as `body`
/// pulls them; with `threads` above 1, the other threads make theirs with `there` ahead of
/// time, at most two chunks each in flight. With one thread, or fewer than two chunks, every
/// result is made `here`.
pub fn in_order<H, T, R>(
    len: usize,
    threads: usize,
    here: impl Fn(usize) -> Option<H>,
    there: impl Fn(usize) -> Option<T> + Sync,
    body: impl FnOnce(&mut dyn Iterator<Item = Made<H, T>>) -> R,
) -> R
where
    T: Send,
{
    let chunks = len.div_ceil(CHUNK);
    if threads < 2 || chunks < 2 {
        return body(&mut (0..len).filter_map(here).map(Made::Here));
    }
    let threads = threads.min(chunks);
    let range = |k: usize| k * CHUNK..((k + 1) * CHUNK).min(len);
    std::thread::scope(|scope| {
        let there = &there;
        let mut receivers = Vec::with_capacity(threads - 1);
        for worker in 1..threads {
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<T>>(2);
            receivers.push(receiver);
            scope.spawn(move || {
                for k in (worker..chunks).step_by(threads) {
                    let made: Vec<T> = range(k).filter_map(there).collect();
                    // The receiver is gone only when the caller stopped pulling.
                    if sender.send(made).is_err() {
                        return;
                    }
                }
            });
        }
        let here = &here;
        let receivers = &receivers;
        let mut results = (0..chunks).flat_map(|k| -> Box<dyn Iterator<Item = Made<H, T>>> {
            match k % threads {
                0 => Box::new(range(k).filter_map(here).map(Made::Here)),
                // A worker that panicked sends nothing more; the scope then re-raises its panic.
                worker => match receivers.get(worker - 1).map(|r| r.recv()) {
                    Some(Ok(made)) => Box::new(made.into_iter().map(Made::There)),
                    _ => Box::new(std::iter::empty()),
                },
            }
        });
        body(&mut results)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collected(len: usize, threads: usize) -> Vec<(usize, bool)> {
        // Every seventh item gives nothing, as SAs without a context do.
        let keep = |i: usize| (i % 7 != 3).then_some(i);
        in_order(len, threads, keep, keep, |results| {
            results
                .map(|made| match made {
                    Made::Here(i) => (i, true),
                    Made::There(i) => (i, false),
                })
                .collect()
        })
    }

    #[test]
    fn results_come_in_item_order_whatever_the_threads() {
        for len in [0, 1, CHUNK, CHUNK + 1, 5 * CHUNK + 17] {
            let one: Vec<usize> = collected(len, 1).into_iter().map(|(i, _)| i).collect();
            let expected: Vec<usize> = (0..len).filter(|i| i % 7 != 3).collect();
            assert_eq!(one, expected);
            for threads in [2, 3] {
                let several = collected(len, threads);
                let order: Vec<usize> = several.iter().map(|&(i, _)| i).collect();
                assert_eq!(order, expected, "{len} items, {threads} threads");
                if len > CHUNK {
                    // The other threads did their share.
                    assert!(several.iter().any(|&(_, here)| !here));
                    assert!(several.iter().any(|&(_, here)| here));
                }
            }
        }
    }

    #[test]
    fn stopping_early_ends_the_other_threads() {
        let first: Vec<usize> = in_order(100 * CHUNK, 2, Some, Some, |results| {
            results
                .take(3)
                .map(|made| match made {
                    Made::Here(i) | Made::There(i) => i,
                })
                .collect()
        });
        assert_eq!(first, [0, 1, 2]);
    }
}
