//! JSON text → a [`Value`], refusing what serde_json would let pass
//! silently: a key given twice in one object (`"unit":"甲镇","unit":"乙镇"`
//! would print 乙镇, and no one would know).
//!
//! In: JSON text. Out: the value, or the syntax error, or the first
//! duplicated key with the JSON pointer of its object. Depth is bounded by
//! serde_json's own recursion limit (128).

use crate::pointer;
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// Why a text is not one JSON value.
#[derive(Debug)]
pub enum StrictError {
    /// Malformed JSON (serde_json's error, with its line and column).
    Syntax(serde_json::Error),
    /// A key appears twice in one object.
    Duplicate {
        /// The pointer of the repeated key (`/unit`).
        pointer: String,
        /// Where the second one ends (serde_json's line and column).
        error: serde_json::Error,
    },
}

/// Parses `text`, refusing duplicate keys.
pub fn from_str(text: &str) -> Result<Value, StrictError> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = Node {
        path: "",
        duplicate: &duplicate,
    };
    let result = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    result.map_err(|error| match duplicate.take() {
        Some(pointer) => StrictError::Duplicate { pointer, error },
        None => StrictError::Syntax(error),
    })
}

/// One value being read, at `path`.
#[derive(Clone, Copy)]
struct Node<'a> {
    path: &'a str,
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Value, E> {
        Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let path = pointer::push(self.path, &items.len().to_string());
            let node = Node {
                path: &path,
                duplicate: self.duplicate,
            };
            match seq.next_element_seed(node)? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = pointer::push(self.path, &key);
            if out.contains_key(&key) {
                *self.duplicate.borrow_mut() = Some(path);
                return Err(A::Error::custom(format!("duplicate key `{key}`")));
            }
            let node = Node {
                path: &path,
                duplicate: self.duplicate,
            };
            let v = map.next_value_seed(node)?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{"a": [1, -2, 3.5, null, true, "x"], "b": {"c": {}}}"#;
        let want: Value = serde_json::from_str(text).expect("json");
        assert_eq!(from_str(text).expect("strict"), want);
    }

    #[test]
    fn a_repeated_key_is_named_with_its_path() {
        match from_str(r#"{"unit": "甲镇", "a": [{"x": 1, "x": 2}]}"#) {
            Err(StrictError::Duplicate { pointer, .. }) => assert_eq!(pointer, "/a/0/x"),
            other => panic!("{other:?}"),
        }
        match from_str(r#"{"unit": "甲镇", "unit": "乙镇"}"#) {
            Err(StrictError::Duplicate { pointer, error }) => {
                assert_eq!(pointer, "/unit");
                assert_eq!(error.line(), 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn syntax_errors_stay_syntax_errors() {
        assert!(matches!(from_str("{\"a\": }"), Err(StrictError::Syntax(_))));
        assert!(matches!(from_str("{} x"), Err(StrictError::Syntax(_))));
    }
}
