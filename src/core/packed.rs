//! `Packed<T>`: a part of the compiled rules that a run may never read, kept in its stored form
//! (postcard bytes) until it is first read, then decoded once.
//!
//! A one-note command loads the compiled rules from the cache and reads a note of a few dozen
//! words: it runs a handful of the ~4,000 phrase programs, and never reads the lexicon's class
//! lists (only `callnudge rules explain` does). Decoding all of them was three quarters of its
//! time. A `Packed` value costs a copy of its bytes at load, and its decoding on first read;
//! the bytes stay beside the value (a long-running server holds each program it has run
//! twice, ~8 MB at most).
//!
//! **Invariant:** the bytes are only ever those this executable wrote for a `T`: the cache is
//! keyed by the executable (its path, size and modification time) and an entry is checked
//! against its checksum before anything in it is read (`rule_cache.rs`). Decoding fails only
//! if that does not hold, and then [`Packed::get`] panics rather than match with rules it
//! cannot read. A value built in memory is never encoded until it is written.

use serde::de::{Deserializer, Error as _, Visitor};
use serde::ser::{Error as _, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;

/// A `T`, decoded from its stored bytes when first read.
pub(crate) struct Packed<T> {
    /// The stored form, when the value was read from one (empty for a value built in memory).
    bytes: Box<[u8]>,
    value: OnceLock<T>,
}

impl<T> Packed<T> {
    /// A value built in memory (encoded only if it is written).
    pub fn new(value: T) -> Packed<T> {
        Packed {
            bytes: Box::default(),
            value: OnceLock::from(value),
        }
    }
}

impl<T: serde::de::DeserializeOwned> Packed<T> {
    /// The value, decoded on the first call.
    #[inline]
    pub fn get(&self) -> &T {
        self.value.get_or_init(|| {
            postcard::from_bytes(&self.bytes)
                .expect("a packed value decodes: its bytes are this executable's, checksummed")
        })
    }
}

impl<T: fmt::Debug> fmt::Debug for Packed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value.get() {
            Some(value) => value.fmt(f),
            None => write!(f, "Packed({} bytes)", self.bytes.len()),
        }
    }
}

impl<T: Serialize> Serialize for Packed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value.get() {
            // Not decoded since it was read: its bytes are what it is.
            None => serializer.serialize_bytes(&self.bytes),
            Some(value) => {
                let bytes = postcard::to_stdvec(value).map_err(S::Error::custom)?;
                serializer.serialize_bytes(&bytes)
            }
        }
    }
}

impl<'de, T> Deserialize<'de> for Packed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl Visitor<'_> for Bytes {
            type Value = Box<[u8]>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a packed value's bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(v.into())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
                Ok(v.into_boxed_slice())
            }
        }
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        if bytes.is_empty() {
            return Err(D::Error::custom("a packed value with no bytes"));
        }
        Ok(Packed {
            bytes,
            value: OnceLock::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Packed;

    /// A value written and read back is the same value, read when asked for; written again
    /// before it was read, it is the same bytes.
    #[test]
    fn a_packed_value_reads_back_as_written() {
        let value = vec![("send".to_string(), vec![3u32, 1, 4]); 3];
        let written = postcard::to_stdvec(&Packed::new(value.clone())).unwrap();
        let read: Packed<Vec<(String, Vec<u32>)>> = postcard::from_bytes(&written).unwrap();
        assert_eq!(postcard::to_stdvec(&read).unwrap(), written);
        assert_eq!(read.get(), &value);
        assert_eq!(postcard::to_stdvec(&read).unwrap(), written);
    }

    /// Stored bytes of nothing are refused when read, not when first asked for.
    #[test]
    fn an_empty_packed_value_is_refused_on_load() {
        let empty = postcard::to_stdvec(&Vec::<u8>::new()).unwrap();
        assert!(postcard::from_bytes::<Packed<u32>>(&empty).is_err());
    }
}
