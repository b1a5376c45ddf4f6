//! Parsed JSON as every hand reader of the client sees it, the rules its
//! fields are read by, and the object its requests are written into: the
//! browser's `JSON.parse`/`JSON.stringify` in wasm, `serde_json` natively
//! (the unit tests, and a server-side render that never sends). Reading by
//! hand, not by the derived deserializers and serde_json's parser, is what
//! keeps those out of an app's wasm.
//!
//! The rules are serde's for the protocol's types: a required field missing
//! or of the wrong type makes the whole answer unreadable; an `Option` may be
//! absent or `null`; unknown fields are ignored; enums are read by the
//! protocol's own deserializer. Two differences: JSON has one number type in
//! the browser, so `3.0` reads as the integer 3; and a field with a default
//! (`#[serde(default)]`, not an `Option`) reads `null` as that default, where
//! serde would refuse the answer.

use serde::de::IntoDeserializer;
use serde_json::{Map, Value};
use wasm_bindgen::JsCast;

/// Parsed JSON as the reader sees it: the browser's values in wasm,
/// `serde_json::Value` natively.
pub(crate) trait Json: Sized {
    /// `self[key]`; `None` when `self` is no object, or the key is absent or `null`.
    fn get(&self, key: &str) -> Option<Self>;
    /// The string, if this is one.
    fn text(&self) -> Option<String>;
    /// The number, if this is one.
    fn number(&self) -> Option<f64>;
    /// The boolean, if this is one.
    fn boolean(&self) -> Option<bool>;
    /// The elements, if this is an array.
    fn items(&self) -> Option<Vec<Self>>;
    /// The whole value as `serde_json` holds it, for the protocol's fields
    /// typed `Value` or `Map` (metadata, addresses): free-form, so kept whole.
    fn value(&self) -> Value;
}

impl Json for wasm_bindgen::JsValue {
    fn get(&self, key: &str) -> Option<Self> {
        if !self.is_object() {
            return None;
        }
        let value = js_sys::Reflect::get(self, &key.into()).ok()?;
        (!value.is_null() && !value.is_undefined()).then_some(value)
    }

    fn text(&self) -> Option<String> {
        self.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        js_sys::Array::is_array(self).then(|| js_sys::Array::from(self).iter().collect())
    }

    fn value(&self) -> Value {
        if let Some(text) = self.as_string() {
            return Value::String(text);
        }
        if let Some(b) = self.as_bool() {
            return Value::Bool(b);
        }
        if let Some(n) = self.as_f64() {
            return number(n);
        }
        if let Some(items) = self.items() {
            return Value::Array(items.iter().map(Json::value).collect());
        }
        if !self.is_object() {
            return Value::Null;
        }
        let object: &js_sys::Object = self.unchecked_ref();
        // Inserted one by one: collecting into the map would sort the
        // members first, and link a stable sort (3 KB) for JS objects'
        // keys, which are unique anyway.
        let mut members = Map::new();
        for key in js_sys::Object::keys(object).iter() {
            if let (Some(name), Ok(value)) = (key.as_string(), js_sys::Reflect::get(self, &key)) {
                members.insert(name, value.value());
            }
        }
        Value::Object(members)
    }
}

/// A JS number as serde_json reads the same JSON text: a whole number (within
/// 2^53, where JS is exact) as an integer, any other as a float.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 {
        if n < 0.0 {
            Value::from(n as i64)
        } else {
            Value::from(n as u64)
        }
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// The client's answers off wasm (the native tests; no request is sent
/// natively, but a server-side render compiles the same code).
impl Json for Value {
    fn get(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).filter(|v| !v.is_null()).cloned()
    }

    fn text(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }

    fn value(&self) -> Value {
        self.clone()
    }
}

/// What a response body is parsed into: the browser's values in wasm.
#[cfg(target_arch = "wasm32")]
pub(crate) type Parsed = wasm_bindgen::JsValue;
/// What a response body is parsed into: `serde_json`'s values natively.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Parsed = Value;

/// A body parsed as JSON; `None` when it is not JSON.
#[cfg(target_arch = "wasm32")]
pub(crate) fn parse(body: &str) -> Option<Parsed> {
    js_sys::JSON::parse(body).ok()
}

/// A body parsed as JSON; `None` when it is not JSON.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn parse(body: &str) -> Option<Parsed> {
    serde_json::from_str(body).ok()
}

/// A JSON object being written: a JS object on the page (sent through
/// `JSON.stringify`), a `serde_json` map in the native tests. Members keep
/// the order they are put in, which is serde's order for each type.
pub(crate) trait JsonObject: Sized {
    /// An empty object.
    fn new() -> Self;
    /// `self[key] = value` for a string.
    fn text(&mut self, key: &str, value: &str);
    /// `self[key] = value` for a number.
    fn number(&mut self, key: &str, value: f64);
    /// `self[key] = null`.
    fn null(&mut self, key: &str);
    /// `self[key] = value` for an object.
    fn object(&mut self, key: &str, value: Self);
    /// `self[key] = value` for a boolean.
    fn boolean(&mut self, key: &str, value: bool);
    /// `self[key] = [values…]` for a list of objects.
    fn objects(&mut self, key: &str, values: Vec<Self>);
    /// `self[key] = [values…]` for a list of strings.
    fn texts(&mut self, key: &str, values: &[String]);
    /// `self[key] = value` for a free-form value (metadata).
    fn value(&mut self, key: &str, value: &Value);
    /// The JSON text of the object.
    fn finish(self) -> String;
}

impl JsonObject for js_sys::Object {
    fn new() -> Self {
        js_sys::Object::new()
    }

    fn text(&mut self, key: &str, value: &str) {
        let _ = js_sys::Reflect::set(self, &key.into(), &value.into());
    }

    fn number(&mut self, key: &str, value: f64) {
        let _ = js_sys::Reflect::set(self, &key.into(), &value.into());
    }

    fn null(&mut self, key: &str) {
        let _ = js_sys::Reflect::set(self, &key.into(), &wasm_bindgen::JsValue::NULL);
    }

    fn object(&mut self, key: &str, value: Self) {
        let _ = js_sys::Reflect::set(self, &key.into(), &value);
    }

    fn boolean(&mut self, key: &str, value: bool) {
        let _ = js_sys::Reflect::set(self, &key.into(), &value.into());
    }

    fn objects(&mut self, key: &str, values: Vec<Self>) {
        let array: js_sys::Array = values.into_iter().collect();
        let _ = js_sys::Reflect::set(self, &key.into(), &array);
    }

    fn texts(&mut self, key: &str, values: &[String]) {
        let array: js_sys::Array = values.iter().map(wasm_bindgen::JsValue::from).collect();
        let _ = js_sys::Reflect::set(self, &key.into(), &array);
    }

    fn value(&mut self, key: &str, value: &Value) {
        let _ = js_sys::Reflect::set(self, &key.into(), &to_js(value));
    }

    fn finish(self) -> String {
        // `JSON.stringify` of a plain object of strings, numbers, booleans,
        // arrays and objects cannot fail or answer `undefined`.
        js_sys::JSON::stringify(&self)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }
}

/// A `serde_json` value as the browser's own.
fn to_js(value: &Value) -> wasm_bindgen::JsValue {
    match value {
        Value::Null => wasm_bindgen::JsValue::NULL,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => n.as_f64().unwrap_or_default().into(),
        Value::String(s) => s.into(),
        Value::Array(items) => items.iter().map(to_js).collect::<js_sys::Array>().into(),
        Value::Object(map) => {
            let object = js_sys::Object::new();
            for (key, value) in map {
                let _ = js_sys::Reflect::set(&object, &key.into(), &to_js(value));
            }
            object.into()
        }
    }
}

/// Requests off wasm, and the native tests' view of what the browser writes.
impl JsonObject for Map<String, Value> {
    fn new() -> Self {
        Map::new()
    }

    fn text(&mut self, key: &str, value: &str) {
        self.insert(key.into(), value.into());
    }

    fn number(&mut self, key: &str, value: f64) {
        // As `JSON.stringify` writes it: a whole number without `.0`.
        self.insert(key.into(), number(value));
    }

    fn null(&mut self, key: &str) {
        self.insert(key.into(), Value::Null);
    }

    fn object(&mut self, key: &str, value: Self) {
        self.insert(key.into(), Value::Object(value));
    }

    fn boolean(&mut self, key: &str, value: bool) {
        self.insert(key.into(), value.into());
    }

    fn objects(&mut self, key: &str, values: Vec<Self>) {
        self.insert(key.into(), values.into_iter().map(Value::Object).collect());
    }

    fn texts(&mut self, key: &str, values: &[String]) {
        self.insert(
            key.into(),
            values.iter().map(|v| Value::from(v.as_str())).collect(),
        );
    }

    fn value(&mut self, key: &str, value: &Value) {
        self.insert(key.into(), value.clone());
    }

    fn finish(self) -> String {
        Value::Object(self).to_string()
    }
}

/// The object a request is written into: a JS object in wasm.
#[cfg(target_arch = "wasm32")]
pub(crate) type Writer = js_sys::Object;
/// The object a request is written into: a `serde_json` map natively.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Writer = Map<String, Value>;

/// `Some` for an object. A string, number, boolean or array has no members
/// (`get` answers `None`), so a type whose fields are all optional checks
/// this first, where serde would refuse the value.
pub(crate) fn object<J: Json>(json: &J) -> Option<()> {
    let scalar = json.text().is_some() || json.number().is_some() || json.boolean().is_some();
    (!scalar && json.items().is_none()).then_some(())
}

/// A required string.
pub(crate) fn text<J: Json>(json: &J, key: &str) -> Option<String> {
    json.get(key)?.text()
}

/// An optional string: `Some(None)` when absent or `null`, `None` when mistyped.
pub(crate) fn opt_text<J: Json>(json: &J, key: &str) -> Option<Option<String>> {
    optional(json, key, J::text)
}

/// An optional value read by `read`: `Some(None)` when absent or `null`,
/// `None` when `read` refuses it.
pub(crate) fn optional<J: Json, T>(
    json: &J,
    key: &str,
    read: impl Fn(&J) -> Option<T>,
) -> Option<Option<T>> {
    match json.get(key) {
        None => Some(None),
        Some(value) => read(&value).map(Some),
    }
}

/// A boolean that defaults to `false`.
pub(crate) fn flag<J: Json>(json: &J, key: &str) -> Option<bool> {
    optional(json, key, J::boolean).map(Option::unwrap_or_default)
}

/// A string that defaults to empty.
pub(crate) fn defaulted_text<J: Json>(json: &J, key: &str) -> Option<String> {
    opt_text(json, key).map(Option::unwrap_or_default)
}

/// A whole number within `min..=max`.
fn whole<J: Json>(value: &J, min: f64, max: f64) -> Option<f64> {
    value
        .number()
        .filter(|n| n.fract() == 0.0 && (min..=max).contains(n))
}

/// An `i64` field (amounts, timestamps; JSON numbers are exact to 2^53).
pub(crate) fn int<J: Json>(value: &J) -> Option<i64> {
    whole(value, -9_007_199_254_740_991.0, 9_007_199_254_740_991.0).map(|n| n as i64)
}

/// A `u32` field (quantities, months, years, days).
pub(crate) fn count<J: Json>(value: &J) -> Option<u32> {
    whole(value, 0.0, f64::from(u32::MAX)).map(|n| n as u32)
}

/// A required `i64`.
pub(crate) fn int_at<J: Json>(json: &J, key: &str) -> Option<i64> {
    int(&json.get(key)?)
}

/// A required `u32`.
pub(crate) fn count_at<J: Json>(json: &J, key: &str) -> Option<u32> {
    count(&json.get(key)?)
}

/// A required boolean.
pub(crate) fn bool_at<J: Json>(json: &J, key: &str) -> Option<bool> {
    json.get(key)?.boolean()
}

/// A protocol enum from its wire name, by the protocol's own deserializer.
pub(crate) fn name<J: Json, T: serde::de::DeserializeOwned>(value: &J) -> Option<T> {
    from_name(&value.text()?)
}

/// The enum named `name`. The string is read by the shared readers
/// ([`text`], [`opt_text`]), not again for every enum type: reading it
/// inline made each enum field cost ~0.2 KB.
fn from_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    T::deserialize(IntoDeserializer::<Refused>::into_deserializer(name)).ok()
}

/// serde's error for a name it does not know, without its message: the
/// reader only needs "refused", and writing serde's message ("unknown
/// variant …, expected one of …") linked its formatting code.
#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("refused")
    }
}

impl std::error::Error for Refused {}

impl serde::de::Error for Refused {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Refused
    }
}

/// A required enum.
pub(crate) fn name_at<J: Json, T: serde::de::DeserializeOwned>(json: &J, key: &str) -> Option<T> {
    from_name(&text(json, key)?)
}

/// An optional enum: `Some(None)` when absent or `null`, `None` when mistyped.
fn opt_name<J: Json, T: serde::de::DeserializeOwned>(json: &J, key: &str) -> Option<Option<T>> {
    match opt_text(json, key)? {
        None => Some(None),
        Some(name) => from_name(&name).map(Some),
    }
}

/// A list whose every element `read` accepts; absent or `null` is empty.
pub(crate) fn list<J: Json, T>(json: &J, key: &str, read: fn(&J) -> Option<T>) -> Option<Vec<T>> {
    match json.get(key) {
        None => Some(Vec::new()),
        Some(value) => all(&value, read),
    }
}

/// An array whose every element `read` accepts, else `None` (not an array,
/// or one element refused). A plain loop: a `collect` into `Option<Vec<_>>`
/// generated its iterator adapter again for every element type (~0.25 KB each).
pub(crate) fn all<J: Json, T>(items: &J, read: fn(&J) -> Option<T>) -> Option<Vec<T>> {
    let items = items.items()?;
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        out.push(read(item)?);
    }
    Some(out)
}

/// A boolean with a default (`active` defaults to `true`).
pub(crate) fn bool_or<J: Json>(json: &J, key: &str, default: bool) -> Option<bool> {
    optional(json, key, J::boolean).map(|b| b.unwrap_or(default))
}

/// An `i64` that defaults to 0 (timestamps, amounts).
pub(crate) fn defaulted_int<J: Json>(json: &J, key: &str) -> Option<i64> {
    optional(json, key, int).map(Option::unwrap_or_default)
}

/// A `u32` with a default.
pub(crate) fn count_or<J: Json>(json: &J, key: &str, default: u32) -> Option<u32> {
    optional(json, key, count).map(|n| n.unwrap_or(default))
}

/// A JSON object kept whole (`Map` fields: metadata).
pub(crate) fn map<J: Json>(json: &J) -> Option<Map<String, Value>> {
    object(json)?;
    match json.value() {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// One object's fields read in a straight run: each reader answers a
/// placeholder when its field is missing or mistyped and marks the object
/// unreadable, and [`Fields::finish`] refuses it at the end. A record is
/// then built without an early return (and the drops of the fields read so
/// far) at every field, which was most of the readers' generated code; the
/// rules stay [`super::json`]'s, all or nothing.
pub(crate) struct Fields<'a, J> {
    json: &'a J,
    bad: std::cell::Cell<bool>,
}

impl<'a, J: Json> Fields<'a, J> {
    /// The fields of `json`.
    pub(crate) fn new(json: &'a J) -> Self {
        Self {
            json,
            bad: std::cell::Cell::new(false),
        }
    }

    /// `read`'s value, else a placeholder and the object marked unreadable.
    fn take<T: Default>(&self, read: Option<T>) -> T {
        match read {
            Some(value) => value,
            None => {
                self.bad.set(true);
                T::default()
            }
        }
    }

    /// `value`, unless a field was missing or mistyped.
    pub(crate) fn finish<T>(&self, value: T) -> Option<T> {
        (!self.bad.get()).then_some(value)
    }

    /// A required string.
    pub(crate) fn text(&self, key: &str) -> String {
        self.take(text(self.json, key))
    }

    /// An optional string.
    pub(crate) fn opt_text(&self, key: &str) -> Option<String> {
        self.take(opt_text(self.json, key))
    }

    /// A string that defaults to empty.
    pub(crate) fn defaulted_text(&self, key: &str) -> String {
        self.take(defaulted_text(self.json, key))
    }

    /// A boolean that defaults to `false`.
    pub(crate) fn flag(&self, key: &str) -> bool {
        self.take(flag(self.json, key))
    }

    /// A boolean with a default.
    pub(crate) fn bool_or(&self, key: &str, default: bool) -> bool {
        self.take(bool_or(self.json, key, default))
    }

    /// An optional boolean.
    pub(crate) fn opt_bool(&self, key: &str) -> Option<bool> {
        self.take(optional(self.json, key, J::boolean))
    }

    /// An `i64` that defaults to 0.
    pub(crate) fn defaulted_int(&self, key: &str) -> i64 {
        self.take(defaulted_int(self.json, key))
    }

    /// An optional `i64`.
    pub(crate) fn opt_int(&self, key: &str) -> Option<i64> {
        self.take(optional(self.json, key, int))
    }

    /// An optional `u32`.
    pub(crate) fn opt_count(&self, key: &str) -> Option<u32> {
        self.take(optional(self.json, key, count))
    }

    /// A `u32` with a default.
    pub(crate) fn count_or(&self, key: &str, default: u32) -> u32 {
        self.take(count_or(self.json, key, default))
    }

    /// An optional protocol enum.
    pub(crate) fn opt_name<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.take(opt_name(self.json, key))
    }

    /// An optional value read by `read`.
    pub(crate) fn opt<T>(&self, key: &str, read: fn(&J) -> Option<T>) -> Option<T> {
        self.take(optional(self.json, key, read))
    }

    /// A list whose every element `read` accepts; absent or `null` is empty.
    pub(crate) fn list<T>(&self, key: &str, read: fn(&J) -> Option<T>) -> Vec<T> {
        self.take(list(self.json, key, read))
    }

    /// An optional object kept whole (`metadata`).
    pub(crate) fn opt_map(&self, key: &str) -> Option<Map<String, Value>> {
        self.take(optional(self.json, key, map))
    }

    /// An `Option<Value>` field kept whole: absent or `null` is `None`.
    pub(crate) fn opt_any(&self, key: &str) -> Option<Value> {
        self.json.get(key).as_ref().map(J::value)
    }
}

/// Whole numbers as integers, as `JSON.stringify` writes them (`3`, where
/// serde writes an `f64` as `3.0`; the server reads both as the same number).
#[cfg(test)]
fn normalize(value: Value) -> Value {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 => number(f),
            _ => Value::Number(n),
        },
        Value::Array(items) => items.into_iter().map(normalize).collect(),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect())
        }
        other => other,
    }
}

/// A request written by hand has the same members, in the same order, with
/// the same values as `expected`, what the protocol's serializer writes.
#[cfg(test)]
pub(crate) fn same_json(written: Map<String, Value>, expected: Value) {
    let written = normalize(Value::Object(written));
    let expected = normalize(expected);
    assert_eq!(written, expected);
    assert_eq!(written.to_string(), expected.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bad_field_refuses_the_whole_object_wherever_it_is() {
        let json = serde_json::json!({"id": "x", "n": "three", "name": "A"});
        let f = Fields::new(&json);
        // Every field is still read after the bad one, with a placeholder.
        let read = (f.text("id"), f.defaulted_int("n"), f.text("name"));
        assert_eq!(read, ("x".to_owned(), 0, "A".to_owned()));
        assert_eq!(f.finish(read), None);
        let missing = serde_json::json!({"name": "A"});
        let f = Fields::new(&missing);
        assert_eq!(f.finish(f.text("id")), None);
        let fine = serde_json::json!({"id": "x", "n": null});
        let f = Fields::new(&fine);
        let read = (f.text("id"), f.defaulted_int("n"), f.opt_text("name"));
        assert_eq!(f.finish(read), Some(("x".to_owned(), 0, None)));
    }
}
