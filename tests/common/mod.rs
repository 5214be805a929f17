//! Helpers shared by the integration tests: the samples and small edits.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("samples").join(name)).expect("sample exists");
    serde_json::from_str(&text).expect("sample is JSON")
}

pub fn goushi() -> Value {
    sample("goushi-2020.json")
}

pub fn shili() -> Value {
    sample("shili-2021.json")
}

/// Sets the value at a JSON pointer; a missing last key is added.
pub fn set(v: &mut Value, pointer: &str, new: Value) {
    if let Some(slot) = v.pointer_mut(pointer) {
        *slot = new;
        return;
    }
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    let map = v.pointer_mut(parent).and_then(Value::as_object_mut);
    map.unwrap_or_else(|| panic!("no object at {parent}"))
        .insert(key.into(), new);
}

/// Removes the key at a JSON pointer.
pub fn remove(v: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    v.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("parent object")
        .remove(key);
}
