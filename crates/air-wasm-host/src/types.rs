//! The component types that Aqua services can use, and their mapping to Aqua types.

use std::fmt;

use wasmtime::component::types::Type;

use crate::error::LoadError;

/// A component value type with an Aqua counterpart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceType {
    /// `bool`
    Bool,
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `s8` (Aqua `i8`)
    I8,
    /// `s16` (Aqua `i16`)
    I16,
    /// `s32` (Aqua `i32`)
    I32,
    /// `s64` (Aqua `i64`)
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `string` (also `char`, as a one-character string)
    String,
    /// `char`, shown to Aqua as a string of one character.
    Char,
    /// `list<T>` (Aqua `[]T`)
    List(Box<ServiceType>),
    /// `option<T>` (Aqua `?T`)
    Option(Box<ServiceType>),
    /// `record { … }` (Aqua `data`); field names are kept in component (kebab-case) form.
    Record(Vec<(String, ServiceType)>),
}

/// An exported function: its name and its parameter and result types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSignature {
    /// The export name, as the component spells it (often kebab-case).
    pub name: String,
    /// Parameters in order: name and type.
    pub params: Vec<(String, ServiceType)>,
    /// The result, if any.
    pub result: Option<ServiceType>,
}

impl ServiceType {
    /// Converts a wasmtime component type, or says which part has no Aqua counterpart.
    pub(crate) fn from_component(ty: &Type, function: &str) -> Result<ServiceType, LoadError> {
        let unsupported = |name: &str| LoadError::UnsupportedType {
            function: function.to_string(),
            ty: name.to_string(),
        };
        Ok(match ty {
            Type::Bool => ServiceType::Bool,
            Type::U8 => ServiceType::U8,
            Type::U16 => ServiceType::U16,
            Type::U32 => ServiceType::U32,
            Type::U64 => ServiceType::U64,
            Type::S8 => ServiceType::I8,
            Type::S16 => ServiceType::I16,
            Type::S32 => ServiceType::I32,
            Type::S64 => ServiceType::I64,
            Type::Float32 => ServiceType::F32,
            Type::Float64 => ServiceType::F64,
            Type::String => ServiceType::String,
            Type::Char => ServiceType::Char,
            Type::List(list) => {
                ServiceType::List(Box::new(Self::from_component(&list.ty(), function)?))
            }
            Type::Option(option) => {
                ServiceType::Option(Box::new(Self::from_component(&option.ty(), function)?))
            }
            Type::Record(record) => ServiceType::Record(
                record
                    .fields()
                    .map(|field| {
                        Ok((field.name.to_string(), Self::from_component(&field.ty, function)?))
                    })
                    .collect::<Result<_, LoadError>>()?,
            ),
            Type::Map(_) => return Err(unsupported("map")),
            Type::Tuple(_) => return Err(unsupported("tuple")),
            Type::Variant(_) => return Err(unsupported("variant")),
            Type::Enum(_) => return Err(unsupported("enum")),
            Type::Result(_) => return Err(unsupported("result")),
            Type::Flags(_) => return Err(unsupported("flags")),
            Type::Own(_) | Type::Borrow(_) => return Err(unsupported("resource")),
            Type::Future(_) => return Err(unsupported("future")),
            Type::Stream(_) => return Err(unsupported("stream")),
            Type::ErrorContext => return Err(unsupported("error-context")),
            Type::FixedLengthList(_) => return Err(unsupported("fixed-length list")),
        })
    }
}

/// Prints the type in Aqua syntax; records print as `{a: T, b: U}` (use
/// [`crate::aqua_declaration`] for named `data` declarations).
impl fmt::Display for ServiceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceType::Bool => f.write_str("bool"),
            ServiceType::U8 => f.write_str("u8"),
            ServiceType::U16 => f.write_str("u16"),
            ServiceType::U32 => f.write_str("u32"),
            ServiceType::U64 => f.write_str("u64"),
            ServiceType::I8 => f.write_str("i8"),
            ServiceType::I16 => f.write_str("i16"),
            ServiceType::I32 => f.write_str("i32"),
            ServiceType::I64 => f.write_str("i64"),
            ServiceType::F32 => f.write_str("f32"),
            ServiceType::F64 => f.write_str("f64"),
            ServiceType::String | ServiceType::Char => f.write_str("string"),
            ServiceType::List(inner) => write!(f, "[]{inner}"),
            ServiceType::Option(inner) => write!(f, "?{inner}"),
            ServiceType::Record(fields) => {
                f.write_str("{")?;
                for (idx, (name, ty)) in fields.iter().enumerate() {
                    if idx > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {ty}", aqua_name(name))?;
                }
                f.write_str("}")
            }
        }
    }
}

/// The Aqua spelling of a component name: WIT names are kebab-case, Aqua names cannot contain
/// `-`, and Fluence services use snake_case (`greet-many` becomes `greet_many`).
pub fn aqua_name(name: &str) -> String {
    name.replace('-', "_")
}
