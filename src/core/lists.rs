//! `Lists`: many short lists (of numbers, mostly) kept in one allocation (the matcher's per-symbol and
//! per-set lists, a switch's branches per symbol). Reading list `i` is two loads from two
//! arrays instead of a pointer chased to its own heap block: the rules' tables are read for
//! every chunk of every note, and a scattered table is what makes them slow.

/// Lists `0..len()`, each a slice of `T`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Lists<T = u32> {
    /// List `i` is `items[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Box<[u32]>,
    items: Box<[T]>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Lists {
            ends: Box::default(),
            items: Box::default(),
        }
    }
}

impl<T: Copy> Lists<T> {
    /// The lists, in order.
    pub fn new<L: AsRef<[T]>>(lists: impl IntoIterator<Item = L>) -> Lists<T> {
        let mut ends = Vec::new();
        let mut items = Vec::new();
        for list in lists {
            items.extend_from_slice(list.as_ref());
            ends.push(u32::try_from(items.len()).expect("fewer than 2³² items"));
        }
        Lists {
            ends: ends.into_boxed_slice(),
            items: items.into_boxed_slice(),
        }
    }

    /// List `i`; empty past the last.
    #[inline]
    pub fn get(&self, i: usize) -> &[T] {
        let Some(&end) = self.ends.get(i) else {
            return &[];
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.items[start as usize..end as usize]
    }

    /// How many lists.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Every item of every list.
    #[cfg(test)]
    pub fn total(&self) -> usize {
        self.items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_reads_back_as_written() {
        let lists = Lists::new([vec![3, 1], vec![], vec![7]]);
        assert_eq!(lists.len(), 3);
        assert_eq!(lists.get(0), &[3, 1]);
        assert_eq!(lists.get(1), &[] as &[u32]);
        assert_eq!(lists.get(2), &[7]);
        assert_eq!(lists.get(3), &[] as &[u32]);
        assert_eq!(lists.total(), 3);
    }
}
