//! Work spread over the machine's cores with order kept, so that results (and the bytes
//! written from them) are the same as a single-threaded run: reading the input files
//! (`input::load`) and rendering the documents (`cli::shared::stage_archive`).

/// Threads for `n` items: the machine's cores (or `LVZHI_THREADS`), no more than the
/// items.
fn threads_for(n: usize) -> usize {
    cores().min(n.max(1))
}

/// The threads work may use: `LVZHI_THREADS` when it is a positive number (to leave
/// cores to other work, or to check that one thread writes the same bytes), else the
/// machine's cores.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        threads_from(std::env::var("LVZHI_THREADS").ok().as_deref())
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |c| c.get()))
    })
}

/// A thread count from the variable's text: a positive whole number, else none.
fn threads_from(v: Option<&str>) -> Option<usize> {
    v?.trim().parse::<usize>().ok().filter(|&n| n > 0)
}

/// Maps `f` over `items` on up to `cores()` threads that each take the
/// next item when free (items of very different sizes stay balanced); results in input
/// order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads_for(items.len());
    if threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().flat_map(join_handle).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

fn join_handle<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

#[cfg(test)]
mod tests {
    #[test]
    fn order_is_kept() {
        let v: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&v, |x| x * 2),
            v.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&Vec::<u32>::new(), |x| *x).is_empty());
        // Uneven items: the slow ones must not change the order.
        let slow = |x: &u32| {
            if x.is_multiple_of(7) {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            x * 3
        };
        assert_eq!(
            super::map(&v[..100], slow),
            v[..100].iter().map(|x| x * 3).collect::<Vec<_>>()
        );
    }

    #[test]
    fn thread_count_comes_from_a_positive_number_only() {
        assert_eq!(super::threads_from(Some("1")), Some(1));
        assert_eq!(super::threads_from(Some(" 4 ")), Some(4));
        assert_eq!(super::threads_from(Some("0")), None);
        assert_eq!(super::threads_from(Some("两个")), None);
        assert_eq!(super::threads_from(Some("-2")), None);
        assert_eq!(super::threads_from(None), None);
    }
}
