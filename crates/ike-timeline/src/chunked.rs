//! A list that grows in fixed chunks, for the timeline's events and flows.
//!
//! A `Vec` doubles its buffer as it grows: at a gateway's size (300,000 events, 100,000 ESP
//! flows) that leaves up to half the buffer unused for the rest of the run, and the moment of
//! each doubling holds the old and the new buffer at once. mimalloc does not give back the slack
//! on `shrink_to_fit` either (it keeps a block when the new size is at least half of it). Growing
//! in chunks of [`CHUNK_LEN`] items wastes at most one chunk and never copies what it holds.
//! Written here rather than taken from a crate: the timeline needs indexing, in-place sorting
//! of the rare multi-source case and nothing else, which is these few lines.
use std::ops::{Index, IndexMut};

/// Items per chunk: small enough that the unused tail of the last one is negligible, large
/// enough that the list of chunks is.
pub const CHUNK_LEN: usize = 1 << 12;

#[derive(Clone, PartialEq, Eq)]
pub struct ChunkedVec<T> {
    /// Every chunk but the last holds exactly [`CHUNK_LEN`] items.
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for ChunkedVec<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T> ChunkedVec<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK_LEN => last.push(item),
            // The first chunk grows as a `Vec` does, so that a small input stays small; later
            // ones are made at their full size once.
            full => {
                let mut chunk = match full {
                    Some(_) => Vec::with_capacity(CHUNK_LEN),
                    None => Vec::new(),
                };
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK_LEN)?.get(index % CHUNK_LEN)
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.chunks
            .get_mut(index / CHUNK_LEN)?
            .get_mut(index % CHUNK_LEN)
    }

    pub fn last(&self) -> Option<&T> {
        self.chunks.last()?.last()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone + '_ {
        self.into_iter()
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> + '_ {
        self.into_iter()
    }

    pub fn is_sorted_by_key<K: PartialOrd>(&self, key: impl FnMut(&T) -> K) -> bool {
        self.iter().is_sorted_by_key(key)
    }

    /// A stable sort. It moves the items into one `Vec` to sort them, so it holds twice the
    /// list for a moment: only inputs of several sources need it (one capture read in order is
    /// sorted already).
    pub fn sort_by_key<K: Ord>(&mut self, key: impl FnMut(&T) -> K) {
        let mut all: Vec<T> = Vec::with_capacity(self.len);
        for chunk in std::mem::take(&mut self.chunks) {
            all.extend(chunk);
        }
        all.sort_by_key(key);
        self.len = 0;
        self.extend(all);
    }
}

impl<T> Extend<T> for ChunkedVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

impl<T> FromIterator<T> for ChunkedVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut list = ChunkedVec::new();
        list.extend(items);
        list
    }
}

impl<T> From<Vec<T>> for ChunkedVec<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<T> Index<usize> for ChunkedVec<T> {
    type Output = T;
    fn index(&self, index: usize) -> &T {
        &self.chunks[index / CHUNK_LEN][index % CHUNK_LEN]
    }
}

impl<T> IndexMut<usize> for ChunkedVec<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        &mut self.chunks[index / CHUNK_LEN][index % CHUNK_LEN]
    }
}

impl<'a, T> IntoIterator for &'a ChunkedVec<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<T>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flatten()
    }
}

impl<'a, T> IntoIterator for &'a mut ChunkedVec<T> {
    type Item = &'a mut T;
    type IntoIter = std::iter::Flatten<std::slice::IterMut<'a, Vec<T>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter_mut().flatten()
    }
}

impl<T> IntoIterator for ChunkedVec<T> {
    type Item = T;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<T>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_iterates_and_sorts_across_chunks() {
        let n = 3 * CHUNK_LEN + 5;
        let mut list: ChunkedVec<usize> = (0..n).rev().collect();
        assert_eq!(list.len(), n);
        assert_eq!(list[0], n - 1);
        assert_eq!(list.get(CHUNK_LEN), Some(&(n - 1 - CHUNK_LEN)));
        assert_eq!(list.get(n), None);
        assert_eq!(list.last(), Some(&0));
        assert!(list.chunks[..3].iter().all(|c| c.len() == CHUNK_LEN));
        assert!(!list.is_sorted_by_key(|&x| x));
        list.sort_by_key(|&x| x);
        assert!(list.iter().copied().eq(0..n));
        assert!(list.iter().rev().copied().eq((0..n).rev()));
        list[7] = 70;
        *list.get_mut(n - 1).unwrap() += 1;
        assert_eq!((list[7], list[n - 1]), (70, n));
        assert_eq!(list.chunks.len(), 4);
        let stable: ChunkedVec<(u8, usize)> = (0..n).map(|i| ((i % 2) as u8, i)).collect();
        let mut sorted = stable.clone();
        sorted.sort_by_key(|&(k, _)| k);
        let evens: Vec<usize> = sorted.iter().take(n.div_ceil(2)).map(|&(_, i)| i).collect();
        assert!(evens.iter().copied().eq((0..n).step_by(2)));
    }

    #[test]
    fn a_small_list_allocates_little() {
        let mut list = ChunkedVec::new();
        list.push(1u64);
        assert!(list.chunks[0].capacity() < 16);
        assert!(ChunkedVec::<u64>::new().is_empty());
    }
}
