//! Resolution of AIR values: literals, run parameters, errors, scalars, canon streams and canon
//! maps, and lenses over them.
//!
//! `Ok(None)` means a variable is not defined yet (a join); the caller waits.

use std::rc::Rc;

use air_syntax::{Accessor, Lens, Value, ValueKind};

use super::Exec;
use crate::error::CatchableError;
use crate::request::Argument;
use crate::value::{CanonVal, JValue, Stored, Tetraplet, Val, describe};

/// A resolved value: a plain value, or a canon stream whose elements keep their tetraplets.
#[derive(Debug, Clone)]
pub(crate) enum Resolved {
    Value(Val),
    Canon(CanonVal),
}

impl Resolved {
    /// The value as stored JSON.
    pub fn stored(&self) -> Rc<Stored> {
        match self {
            Resolved::Value(val) => val.value.clone(),
            Resolved::Canon(canon) => Stored::from_json(canon.to_json()),
        }
    }

    /// The JSON value.
    pub fn to_json(&self) -> JValue {
        match self {
            Resolved::Value(val) => val.json().clone(),
            Resolved::Canon(canon) => canon.to_json(),
        }
    }

    /// The value for a host, as it is held: the host reads it (see [`Argument::to_json`]).
    pub fn to_argument(&self) -> Argument {
        match self {
            Resolved::Value(val) => Argument::stored(val.value.clone()),
            Resolved::Canon(canon) => Argument::canon(canon.clone()),
        }
    }

    /// The tetraplets: one for a value, one per element for a canon stream.
    pub fn tetraplets(&self) -> Vec<Tetraplet> {
        match self {
            Resolved::Value(val) => vec![(*val.tetraplet).clone()],
            Resolved::Canon(canon) => {
                canon.elements.iter().map(|element| (*element.tetraplet).clone()).collect()
            }
        }
    }

    /// The value as one [`Val`].
    pub fn into_val(self) -> Val {
        match self {
            Resolved::Value(val) => val,
            Resolved::Canon(canon) => {
                Val { value: Stored::from_json(canon.to_json()), tetraplet: canon.tetraplet() }
            }
        }
    }
}

type Resolution = Result<Option<Resolved>, CatchableError>;

impl Exec<'_, '_> {
    /// Resolves a value.
    pub fn resolve(&self, value: &Value) -> Resolution {
        let init = &self.init_tetraplet;
        let literal = |json: JValue| Ok(Some(Resolved::Value(Val::new(json, init.clone()))));
        match &value.kind {
            ValueKind::InitPeerId => literal(self.params.init_peer_id.into()),
            ValueKind::Timestamp => literal(self.params.timestamp.into()),
            ValueKind::Ttl => literal(self.params.ttl.into()),
            ValueKind::Str(text) => literal(text.clone().into()),
            ValueKind::Int(number) => literal((*number).into()),
            ValueKind::Float(number) => {
                literal(serde_json::Number::from_f64(*number).map_or(JValue::Null, JValue::Number))
            }
            ValueKind::Bool(flag) => literal((*flag).into()),
            ValueKind::EmptyArray => literal(JValue::Array(Vec::new())),
            ValueKind::LastError(lens) => {
                let val = Val {
                    value: Stored::from_rc(self.last_error.clone()),
                    tetraplet: init.clone(),
                };
                self.apply_lens(val, lens.as_ref())
            }
            ValueKind::Error(lens) => {
                let val = Val {
                    value: Stored::from_rc(Rc::new(self.error_object())),
                    tetraplet: init.clone(),
                };
                self.apply_lens(val, lens.as_ref())
            }
            ValueKind::Scalar { name, lens } => match self.vars.scalar(name) {
                Some(val) => self.apply_lens(val.clone(), lens.as_ref()),
                None => Ok(None),
            },
            ValueKind::CanonStream { name, lens } => match self.vars.canon(name) {
                Some(canon) => self.apply_canon_lens(canon.clone(), lens.as_ref()),
                None => Ok(None),
            },
            ValueKind::CanonStreamMap { name, lens } => match self.vars.canon_map(name) {
                Some(map) => self.apply_canon_map_lens(map.clone(), lens.as_ref()),
                None => Ok(None),
            },
        }
    }

    fn apply_lens(&self, val: Val, lens: Option<&Lens>) -> Resolution {
        let Some(lens) = lens else { return Ok(Some(Resolved::Value(val))) };
        match lens {
            Lens::Length => match val.json() {
                JValue::Array(items) => {
                    let tetraplet = val.tetraplet.with_lens(".length");
                    Ok(Some(Resolved::Value(Val::new(items.len().into(), tetraplet))))
                }
                other => Err(CatchableError::LengthNotArray(describe(other))),
            },
            Lens::Path(accessors) => {
                let Some((json, text)) = self.walk(val.json(), accessors)? else { return Ok(None) };
                Ok(Some(Resolved::Value(Val::new(json, val.tetraplet.with_lens(&text)))))
            }
        }
    }

    fn apply_canon_lens(&self, canon: CanonVal, lens: Option<&Lens>) -> Resolution {
        match lens {
            None => Ok(Some(Resolved::Canon(canon))),
            Some(Lens::Length) => {
                let tetraplet = canon.tetraplet().with_lens(".length");
                Ok(Some(Resolved::Value(Val::new(canon.elements.len().into(), tetraplet))))
            }
            Some(Lens::Path(accessors)) => {
                let Some((first, rest)) = accessors.split_first() else {
                    return Ok(Some(Resolved::Canon(canon)));
                };
                let Some(idx) = self.canon_index_of(first)? else { return Ok(None) };
                let element = match idx {
                    Step::Index(idx) => canon.elements.get(idx).cloned().ok_or_else(|| {
                        CatchableError::Lens(format!(
                            "lambda is applied to a stream that have only '{}' elements, but \
                             '{idx}' requested",
                            canon.elements.len()
                        ))
                    })?,
                    Step::Field(field) => {
                        return Err(CatchableError::Lens(format!(
                            "field accessor (with field name = '{field}') can't be applied to a \
                             stream"
                        )));
                    }
                };
                if rest.is_empty() {
                    return Ok(Some(Resolved::Value(element)));
                }
                self.apply_lens(element, Some(&Lens::Path(rest.to_vec())))
            }
        }
    }

    fn apply_canon_map_lens(&self, map: CanonVal, lens: Option<&Lens>) -> Resolution {
        let as_object = || {
            let mut object = serde_json::Map::new();
            for element in map.elements.iter() {
                let (key, value) = key_value(element.json());
                let entry = object.entry(key).or_insert_with(|| JValue::Array(Vec::new()));
                if let JValue::Array(values) = entry {
                    values.push(value);
                }
            }
            JValue::Object(object)
        };
        match lens {
            None => Ok(Some(Resolved::Value(Val::new(as_object(), map.tetraplet())))),
            // The number of entries, repeated keys included (oracle: three `ap`s to two keys
            // give 3).
            Some(Lens::Length) => {
                let tetraplet = map.tetraplet().with_lens(".length");
                Ok(Some(Resolved::Value(Val::new(map.elements.len().into(), tetraplet))))
            }
            Some(Lens::Path(accessors)) => {
                let Some((first, rest)) = accessors.split_first() else {
                    return Ok(Some(Resolved::Value(Val::new(as_object(), map.tetraplet()))));
                };
                let Some(step) = self.index_of(first)? else { return Ok(None) };
                let key = match step {
                    Step::Field(field) => field,
                    Step::Index(idx) => idx.to_string(),
                };
                let elements: Vec<Val> = map
                    .elements
                    .iter()
                    .filter(|element| key_value(element.json()).0 == key)
                    .map(|element| Val {
                        value: Stored::from_json(key_value(element.json()).1),
                        tetraplet: element.tetraplet.clone(),
                    })
                    .collect();
                let canon = CanonVal { peer: map.peer.clone(), elements: Rc::new(elements) };
                if rest.is_empty() {
                    return Ok(Some(Resolved::Canon(canon)));
                }
                self.apply_canon_lens(canon, Some(&Lens::Path(rest.to_vec())))
            }
        }
    }

    /// The first accessor of a canon stream's lens: a scalar accessor must be an index there
    /// (a string names no field of a stream).
    fn canon_index_of(&self, accessor: &Accessor) -> Result<Option<Step>, CatchableError> {
        if let Accessor::ByScalar(name) = accessor
            && let Some(val) = self.vars.scalar(name)
            && !val.json().is_number()
        {
            return Err(CatchableError::Lens(format!(
                "stream accessor `{}` should has number (u32) type",
                describe(val.json())
            )));
        }
        self.index_of(accessor)
    }

    fn index_of(&self, accessor: &Accessor) -> Result<Option<Step>, CatchableError> {
        Ok(Some(match accessor {
            Accessor::Field(field) => Step::Field(field.clone()),
            Accessor::Index(idx) => Step::Index(*idx as usize),
            Accessor::ByScalar(name) => {
                let Some(val) = self.vars.scalar(name) else { return Ok(None) };
                match val.json() {
                    JValue::String(field) => Step::Field(field.clone()),
                    JValue::Number(number) => {
                        match number.as_u64().filter(|idx| u32::try_from(*idx).is_ok()) {
                            Some(idx) => Step::Index(idx as usize),
                            None => {
                                return Err(CatchableError::Lens(format!(
                                    "index accessor `{number} can't be converted to u32`"
                                )));
                            }
                        }
                    }
                    other => {
                        return Err(CatchableError::Lens(format!(
                            "scalar accessor `{}` should has number or string type",
                            describe(other)
                        )));
                    }
                }
            }
        }))
    }

    /// Follows a lens path; returns the value and the lens text for the tetraplet.
    fn walk(
        &self,
        json: &JValue,
        accessors: &[Accessor],
    ) -> Result<Option<(JValue, String)>, CatchableError> {
        let mut current = json;
        let mut text = String::from(".$");
        for accessor in accessors {
            let Some(step) = self.index_of(accessor)? else { return Ok(None) };
            current = match (&step, current) {
                (Step::Field(field), JValue::Object(map)) => map.get(field).ok_or_else(|| {
                    CatchableError::Lens(format!(
                        "value '{}' does not contain element with field name = '{field}'",
                        describe(current)
                    ))
                })?,
                (Step::Index(idx), JValue::Array(items)) => items.get(*idx).ok_or_else(|| {
                    CatchableError::Lens(format!(
                        "value '{}' does not contain element for idx = '{idx}'",
                        describe(current)
                    ))
                })?,
                (Step::Field(field), other) => {
                    return Err(CatchableError::Lens(format!(
                        "value '{}' is not an map-type to match field accessor with field_name = '{field}'",
                        describe(other)
                    )));
                }
                (Step::Index(idx), other) => {
                    return Err(CatchableError::Lens(format!(
                        "value '{}' is not an array-type to match array accessor with idx = '{idx}'",
                        describe(other)
                    )));
                }
            };
            match step {
                Step::Field(field) => text.push_str(&format!(".{field}")),
                Step::Index(idx) => text.push_str(&format!(".[{idx}]")),
            }
        }
        Ok(Some((current.clone(), text)))
    }
}

enum Step {
    Field(String),
    Index(usize),
}

/// The key (as text) and value of a `{key, value}` stream map element.
pub(crate) fn key_value(json: &JValue) -> (String, JValue) {
    let key = match json.get("key") {
        Some(JValue::String(key)) => key.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    (key, json.get("value").cloned().unwrap_or(JValue::Null))
}
