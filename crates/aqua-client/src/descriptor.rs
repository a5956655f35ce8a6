//! js-client's type descriptors: the `FunctionCallDef` and `ServiceDef` values of
//! `@fluencelabs/interfaces` that generated code hands to `v5_callFunction` and
//! `v5_registerService`. Their grammar is the reference compiler's: `scalar`, `option`, `array`
//! (streams too), `struct`, `arrow`, `topType`, `bottomType`, `nil`, `labeledProduct` and
//! `unlabeledProduct`. They serialise with serde; fields keep their declared order, which
//! matters: js-client matches positional arguments to the fields of a labeled product in order.

use std::sync::Arc;

use aqua_typecheck::types::{ArrowType, Type};
use serde::ser::{Serialize, SerializeMap, Serializer};
use smol_str::SmolStr;

use crate::error::ClientError;

/// One type descriptor.
#[derive(Debug, Clone, PartialEq)]
pub enum Descriptor {
    /// `{"tag": "scalar", "name": "u32"}`
    Scalar(&'static str),
    /// `{"tag": "option", "type": T}`
    Option(Box<Descriptor>),
    /// `{"tag": "array", "type": T}`: arrays and streams.
    Array(Box<Descriptor>),
    /// `{"tag": "struct", "name": N, "fields": {…}}`
    Struct {
        /// The declared name.
        name: SmolStr,
        /// Fields in declaration order.
        fields: Vec<(SmolStr, Descriptor)>,
    },
    /// `{"tag": "arrow", "domain": D, "codomain": C}`
    Arrow {
        /// A labeled product, an unlabeled product or `nil`.
        domain: Box<Descriptor>,
        /// An unlabeled product or `nil`.
        codomain: Box<Descriptor>,
    },
    /// `{"tag": "labeledProduct", "fields": {…}}`
    LabeledProduct(Vec<(SmolStr, Descriptor)>),
    /// `{"tag": "unlabeledProduct", "items": […]}`
    UnlabeledProduct(Vec<Descriptor>),
    /// `{"tag": "topType"}`: `⊤`.
    Top,
    /// `{"tag": "bottomType"}`: `⊥`.
    Bottom,
    /// `{"tag": "nil"}`: no arguments or no results.
    Nil,
}

/// A `FunctionCallDef`: the name, the arrow and the calling convention's service names.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCallDef {
    /// The exported name.
    pub function_name: SmolStr,
    /// Parameters (a labeled product, empty when there are none) and results.
    pub arrow: Descriptor,
}

/// A `ServiceDef`: the default id, if any, and the methods as a labeled product of arrows.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDef {
    /// `defaultServiceId`.
    pub default_service_id: Option<String>,
    /// `functions`.
    pub functions: Descriptor,
}

/// The service names of the calling convention (`names` of a `FunctionCallDef`); the AIR of
/// `air-codegen`'s wrapper uses exactly these.
pub const CALLING_NAMES: [(&str, &str); 7] = [
    ("relay", "-relay-"),
    ("getDataSrv", "getDataSrv"),
    ("callbackSrv", "callbackSrv"),
    ("responseSrv", "callbackSrv"),
    ("responseFnName", "response"),
    ("errorHandlingSrv", "errorHandlingSrv"),
    ("errorFnName", "error"),
];

impl FunctionCallDef {
    /// The definition of a function exported as `name`.
    pub fn new(
        name: &str,
        params: &[(SmolStr, Type)],
        results: &[Type],
    ) -> Result<FunctionCallDef, ClientError> {
        let fields = params
            .iter()
            .map(|(param, ty)| Ok((param.clone(), Descriptor::of(name, ty)?)))
            .collect::<Result<Vec<_>, ClientError>>()?;
        let arrow = Descriptor::Arrow {
            domain: Box::new(Descriptor::LabeledProduct(fields)),
            codomain: Box::new(Descriptor::product(name, results)?),
        };
        Ok(FunctionCallDef { function_name: name.into(), arrow })
    }
}

impl ServiceDef {
    /// The definition of a service exported as `name`; a method's domain is a labeled product
    /// of its parameters, or `nil`.
    pub fn new(
        name: &str,
        default_id: Option<&str>,
        methods: &[(SmolStr, Arc<ArrowType>)],
    ) -> Result<ServiceDef, ClientError> {
        let mut fields = Vec::new();
        for (method, arrow) in methods {
            let item = format!("{name}.{method}");
            let domain = if arrow.params.is_empty() {
                Descriptor::Nil
            } else {
                let mut params = Vec::new();
                for (index, (param, ty)) in arrow.params.iter().enumerate() {
                    let label = param.clone().unwrap_or_else(|| format!("arg{index}").into());
                    params.push((label, Descriptor::of(&item, ty)?));
                }
                Descriptor::LabeledProduct(params)
            };
            let codomain = Descriptor::product(&item, &arrow.results)?;
            let arrow =
                Descriptor::Arrow { domain: Box::new(domain), codomain: Box::new(codomain) };
            fields.push((method.clone(), arrow));
        }
        Ok(ServiceDef {
            default_service_id: default_id.map(str::to_owned),
            functions: Descriptor::LabeledProduct(fields),
        })
    }
}

impl Descriptor {
    /// The descriptor of a value of type `ty` (an argument, a result, a field), or of a callback
    /// when `ty` is an arrow. `item` names the function or method, for the error.
    pub fn of(item: &str, ty: &Type) -> Result<Descriptor, ClientError> {
        let unsupported = || ClientError::Unsupported { item: item.into(), ty: ty.to_string() };
        Ok(match ty {
            Type::Scalar(scalar) => Descriptor::Scalar(scalar.name()),
            Type::Array(inner) | Type::Stream(inner) => {
                Descriptor::Array(Box::new(Descriptor::of(item, inner)?))
            }
            Type::Option(inner) => Descriptor::Option(Box::new(Descriptor::of(item, inner)?)),
            Type::Struct(data) => Descriptor::Struct {
                name: data.name.clone(),
                fields: data
                    .fields
                    .iter()
                    .map(|(field, ty)| Ok((field.clone(), Descriptor::of(item, ty)?)))
                    .collect::<Result<_, ClientError>>()?,
            },
            Type::Arrow(arrow) if arrow.abilities.is_empty() => {
                let domain = if arrow.params.is_empty() {
                    Descriptor::Nil
                } else {
                    Descriptor::UnlabeledProduct(
                        arrow
                            .params
                            .iter()
                            .map(|(_, param)| Descriptor::of(item, param))
                            .collect::<Result<_, _>>()?,
                    )
                };
                let codomain = Descriptor::product(item, &arrow.results)?;
                Descriptor::Arrow { domain: Box::new(domain), codomain: Box::new(codomain) }
            }
            Type::Top => Descriptor::Top,
            Type::Bottom => Descriptor::Bottom,
            Type::Arrow(_)
            | Type::Literal(_)
            | Type::StreamMap(_)
            | Type::Ability(_)
            | Type::Service(_)
            | Type::Error => return Err(unsupported()),
        })
    }

    /// Results as an unlabeled product, or `nil` when there are none.
    fn product(item: &str, types: &[Type]) -> Result<Descriptor, ClientError> {
        if types.is_empty() {
            return Ok(Descriptor::Nil);
        }
        let items = types.iter().map(|ty| Descriptor::of(item, ty)).collect::<Result<_, _>>()?;
        Ok(Descriptor::UnlabeledProduct(items))
    }
}

/// Serialises named fields as a JSON object, in order.
struct Fields<'a>(&'a [(SmolStr, Descriptor)]);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, descriptor) in self.0 {
            map.serialize_entry(name.as_str(), descriptor)?;
        }
        map.end()
    }
}

impl Serialize for Descriptor {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Descriptor::Scalar(name) => {
                map.serialize_entry("tag", "scalar")?;
                map.serialize_entry("name", name)?;
            }
            Descriptor::Option(inner) => {
                map.serialize_entry("tag", "option")?;
                map.serialize_entry("type", inner)?;
            }
            Descriptor::Array(inner) => {
                map.serialize_entry("tag", "array")?;
                map.serialize_entry("type", inner)?;
            }
            Descriptor::Struct { name, fields } => {
                map.serialize_entry("tag", "struct")?;
                map.serialize_entry("name", name.as_str())?;
                map.serialize_entry("fields", &Fields(fields))?;
            }
            Descriptor::Arrow { domain, codomain } => {
                map.serialize_entry("tag", "arrow")?;
                map.serialize_entry("domain", domain)?;
                map.serialize_entry("codomain", codomain)?;
            }
            Descriptor::LabeledProduct(fields) => {
                map.serialize_entry("tag", "labeledProduct")?;
                map.serialize_entry("fields", &Fields(fields))?;
            }
            Descriptor::UnlabeledProduct(items) => {
                map.serialize_entry("tag", "unlabeledProduct")?;
                map.serialize_entry("items", items)?;
            }
            Descriptor::Top => map.serialize_entry("tag", "topType")?,
            Descriptor::Bottom => map.serialize_entry("tag", "bottomType")?,
            Descriptor::Nil => map.serialize_entry("tag", "nil")?,
        }
        map.end()
    }
}

impl Serialize for FunctionCallDef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Names;
        impl Serialize for Names {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(CALLING_NAMES.len()))?;
                for (key, value) in CALLING_NAMES {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("functionName", self.function_name.as_str())?;
        map.serialize_entry("arrow", &self.arrow)?;
        map.serialize_entry("names", &Names)?;
        map.end()
    }
}

impl Serialize for ServiceDef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(id) = &self.default_service_id {
            map.serialize_entry("defaultServiceId", id)?;
        }
        map.serialize_entry("functions", &self.functions)?;
        map.end()
    }
}
