//! A map for the handful of entries the embed keeps (mounted elements,
//! requests in flight): a vector of pairs, which is all a few entries need
//! and a fraction of a hash map's code in the bundle.

/// Key-value pairs with unique keys, searched linearly.
#[derive(Debug)]
pub struct SmallMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> SmallMap<K, V> {
    /// An empty map; `const`, so a `thread_local!` holding one needs no
    /// lazy initialisation (and no code for it) in the bundle.
    pub const fn new() -> Self {
        Self(Vec::new())
    }
}

impl<K: PartialEq, V> SmallMap<K, V> {
    /// The value for `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value for `key`, mutably.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key` to `value`, replacing any earlier value.
    pub fn insert(&mut self, key: K, value: V) {
        match self.get_mut(&key) {
            Some(slot) => *slot = value,
            None => self.0.push((key, value)),
        }
    }

    /// Takes the value for `key` out.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        // `swap_remove` by hand: its index check's panic message would link
        // `Display for usize` into the bundle.
        let index = self.0.iter().position(|(k, _)| k == key)?;
        let last = self.0.pop()?;
        match self.0.get_mut(index) {
            Some(slot) => Some(std::mem::replace(slot, last).1),
            None => Some(last.1),
        }
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removing_any_entry_keeps_the_others() {
        for gone in ["a", "b", "c", "d"] {
            let mut m = SmallMap::default();
            for (k, v) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
                m.insert(k, v);
            }
            let want = match gone {
                "a" => 1,
                "b" => 2,
                "c" => 3,
                _ => 4,
            };
            assert_eq!(m.remove(&gone), Some(want));
            assert_eq!(m.len(), 3);
            assert_eq!(m.get(&gone), None);
            for (k, v) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
                if k != gone {
                    assert_eq!(m.get(&k), Some(&v), "{k} after removing {gone}");
                }
            }
        }
        let mut empty = SmallMap::<&str, i32>::default();
        assert_eq!(empty.remove(&"a"), None);
    }

    #[test]
    fn behaves_like_a_map() {
        let mut m = SmallMap::default();
        m.insert("a", 1);
        m.insert("b", 2);
        m.insert("a", 3);
        assert_eq!(m.len(), 2);
        assert_eq!(m.get(&"a"), Some(&3));
        assert_eq!(m.remove(&"a"), Some(3));
        assert_eq!(m.remove(&"a"), None);
        assert_eq!(m.get(&"b"), Some(&2));
        if let Some(v) = m.get_mut(&"b") {
            *v = 5;
        }
        assert_eq!(m.get(&"b"), Some(&5));
    }
}
