//! Aqua's semantic types, their printing, subtyping and unions.
//!
//! This module owns the type lattice of spec section 7 and nothing else: it knows no names, scopes
//! or source positions.

use std::fmt;
use std::sync::Arc;

pub use aqua_syntax::ast::ScalarType;
use smol_str::SmolStr;

/// The deepest nesting of a defined type (data in data, arrays, options, arrows, abilities):
/// every pass over types is recursive, so deeper types are refused (T040) rather than
/// overflowing the stack.
pub const MAX_TYPE_DEPTH: usize = 256;

/// A resolved type. `Error` stands for a type that could not be resolved; it fits everywhere, so
/// one mistake is reported once.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `u8` … `string`.
    Scalar(ScalarType),
    /// The type of a number literal: a set of scalars.
    Literal(LiteralType),
    /// `[]T`
    Array(Arc<Type>),
    /// `?T`
    Option(Arc<Type>),
    /// `*T`
    Stream(Arc<Type>),
    /// `%T`
    StreamMap(Arc<Type>),
    /// `data Name`
    Struct(Arc<StructType>),
    /// `ability Name`
    Ability(Arc<AbilityType>),
    /// `service Name`
    Service(Arc<ServiceType>),
    /// `A, B -> C`
    Arrow(Arc<ArrowType>),
    /// `⊤`: accepts every type.
    Top,
    /// `⊥`: accepted by every type.
    Bottom,
    /// A type that failed to resolve.
    Error,
}

/// The types of number literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LiteralType {
    /// `42`: fits every integer type and both floats.
    Unsigned,
    /// `-1`: fits signed integers and floats.
    Signed,
    /// `1.5`: fits `f32` and `f64`.
    Float,
}

/// A structure: named data fields.
#[derive(Debug, Clone, PartialEq)]
pub struct StructType {
    /// The declared name (for messages; subtyping is structural).
    pub name: SmolStr,
    /// The fields in declaration order.
    pub fields: Vec<(SmolStr, Type)>,
}

/// An ability: data fields, arrows and nested abilities.
#[derive(Debug, Clone, PartialEq)]
pub struct AbilityType {
    /// The declared name.
    pub name: SmolStr,
    /// The members in declaration order.
    pub fields: Vec<(SmolStr, Type)>,
}

/// A service interface: its methods.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceType {
    /// The declared name.
    pub name: SmolStr,
    /// The methods in declaration order; each has at most one result.
    pub methods: Vec<(SmolStr, Arc<ArrowType>)>,
}

/// An arrow: abilities, parameters and results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArrowType {
    /// Abilities taken in braces, by the name they are known by inside.
    pub abilities: Vec<(SmolStr, Type)>,
    /// Parameters, named when the source names them.
    pub params: Vec<(Option<SmolStr>, Type)>,
    /// Results.
    pub results: Vec<Type>,
}

impl StructType {
    /// The type of a field.
    pub fn field(&self, name: &str) -> Option<&Type> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, ty)| ty)
    }
}

impl AbilityType {
    /// The type of a member.
    pub fn field(&self, name: &str) -> Option<&Type> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, ty)| ty)
    }
}

impl ServiceType {
    /// The arrow of a method.
    pub fn method(&self, name: &str) -> Option<&Arc<ArrowType>> {
        self.methods.iter().find(|(n, _)| n == name).map(|(_, arrow)| arrow)
    }
}

impl Type {
    /// `string`
    pub const STRING: Type = Type::Scalar(ScalarType::String);
    /// `bool`
    pub const BOOL: Type = Type::Scalar(ScalarType::Bool);
    /// `u32`
    pub const U32: Type = Type::Scalar(ScalarType::U32);

    /// `nil`: `?⊥`.
    pub fn nil() -> Type {
        Type::Option(Arc::new(Type::Bottom))
    }

    /// The element type of an array, option or stream.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::Array(elem) | Type::Option(elem) | Type::Stream(elem) => Some(elem),
            _ => None,
        }
    }

    /// Whether values of this type are data: allowed in collections and struct fields.
    pub fn is_data(&self) -> bool {
        match self {
            Type::Scalar(_) | Type::Literal(_) | Type::Top | Type::Bottom | Type::Error => true,
            Type::Array(elem) | Type::Option(elem) => elem.is_data(),
            Type::Struct(_) => true,
            _ => false,
        }
    }

    /// Whether this is an integer type: an integer scalar or an integer literal.
    pub fn is_integer(&self) -> bool {
        match self {
            Type::Scalar(s) => is_int(*s),
            Type::Literal(l) => *l != LiteralType::Float,
            Type::Error | Type::Bottom => true,
            _ => false,
        }
    }

    /// Whether this is a float type (scalar or literal).
    pub fn is_float(&self) -> bool {
        matches!(
            self,
            Type::Scalar(ScalarType::F32 | ScalarType::F64) | Type::Literal(LiteralType::Float)
        )
    }

    /// Whether this is an unsigned integer type.
    pub fn is_unsigned(&self) -> bool {
        match self {
            Type::Scalar(s) => unsigned_rank(*s).is_some(),
            Type::Literal(l) => *l == LiteralType::Unsigned,
            Type::Error | Type::Bottom => true,
            _ => false,
        }
    }

    /// Whether this is the error type, which silences follow-up diagnostics.
    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }
}

/// Whether a value of type `given` is accepted where `expected` is required (`given <: expected`).
pub fn is_subtype(given: &Type, expected: &Type) -> bool {
    use Type::*;
    match (given, expected) {
        (Error, _) | (_, Error) | (Bottom, _) | (_, Top) => true,
        (Scalar(a), Scalar(b)) => scalar_subtype(*a, *b),
        (Literal(l), Scalar(s)) => literal_fits(*l, *s),
        (Literal(a), Literal(b)) => literal_subtype(*a, *b),
        // Only constant overrides compare a scalar with a literal type.
        (Scalar(s), Literal(l)) => literal_fits(*l, *s),
        (Array(g) | Option(g) | Stream(g), Array(e) | Option(e)) => is_subtype(g, e),
        (Stream(g), Stream(e)) | (StreamMap(g), StreamMap(e)) => is_subtype(g, e),
        (Struct(g), Struct(e)) => fields_subtype(&g.fields, &e.fields),
        (Ability(g), Ability(e)) => fields_subtype(&g.fields, &e.fields),
        (Service(g), Ability(e)) => fields_subtype(&service_fields(g), &e.fields),
        (Service(g), Service(e)) => fields_subtype(&service_fields(g), &service_fields(e)),
        (Ability(g), Service(e)) => fields_subtype(&g.fields, &service_fields(e)),
        (Arrow(g), Arrow(e)) => arrow_subtype(g, e),
        _ => false,
    }
}

/// The members of a service as ability-like fields.
pub fn service_fields(service: &ServiceType) -> Vec<(SmolStr, Type)> {
    service.methods.iter().map(|(name, arrow)| (name.clone(), Type::Arrow(arrow.clone()))).collect()
}

fn fields_subtype(given: &[(SmolStr, Type)], expected: &[(SmolStr, Type)]) -> bool {
    expected.iter().all(|(name, ty)| {
        given.iter().any(|(given_name, given_ty)| given_name == name && is_subtype(given_ty, ty))
    })
}

fn arrow_subtype(given: &ArrowType, expected: &ArrowType) -> bool {
    expected.params.len() >= given.params.len()
        && given.params.iter().zip(&expected.params).all(|((_, g), (_, e))| is_subtype(e, g))
        && given.results.len() >= expected.results.len()
        && given.results.iter().zip(&expected.results).all(|(g, e)| is_subtype(g, e))
}

fn is_int(s: ScalarType) -> bool {
    unsigned_rank(s).is_some() || signed_rank(s).is_some()
}

fn unsigned_rank(s: ScalarType) -> Option<u8> {
    match s {
        ScalarType::U8 => Some(0),
        ScalarType::U16 => Some(1),
        ScalarType::U32 => Some(2),
        ScalarType::U64 => Some(3),
        _ => None,
    }
}

fn signed_rank(s: ScalarType) -> Option<u8> {
    match s {
        ScalarType::I8 => Some(0),
        ScalarType::I16 => Some(1),
        ScalarType::I32 => Some(2),
        ScalarType::I64 => Some(3),
        _ => None,
    }
}

/// The scalar order of spec section 7.2.
pub fn scalar_subtype(given: ScalarType, expected: ScalarType) -> bool {
    use ScalarType::*;
    if given == expected {
        return true;
    }
    match (unsigned_rank(given), signed_rank(given)) {
        (Some(rank), _) => match expected {
            F32 => rank <= 1,
            F64 => rank <= 2,
            _ => {
                unsigned_rank(expected).is_some_and(|r| rank <= r)
                    || signed_rank(expected).is_some_and(|r| rank < r)
            }
        },
        (_, Some(rank)) => match expected {
            F32 => rank <= 1,
            F64 => rank <= 2,
            _ => signed_rank(expected).is_some_and(|r| rank <= r),
        },
        _ => given == F32 && expected == F64,
    }
}

fn literal_fits(literal: LiteralType, scalar: ScalarType) -> bool {
    let float = matches!(scalar, ScalarType::F32 | ScalarType::F64);
    match literal {
        LiteralType::Unsigned => is_int(scalar) || float,
        LiteralType::Signed => signed_rank(scalar).is_some() || float,
        LiteralType::Float => float,
    }
}

fn literal_subtype(given: LiteralType, expected: LiteralType) -> bool {
    use LiteralType::*;
    matches!((given, expected), (Unsigned, _) | (Signed, Signed) | (Signed, Float) | (Float, Float))
}

/// The numeric scalars from narrowest to widest, the search order of [`union`].
const WIDENING: [ScalarType; 10] = [
    ScalarType::U8,
    ScalarType::I8,
    ScalarType::U16,
    ScalarType::I16,
    ScalarType::U32,
    ScalarType::I32,
    ScalarType::U64,
    ScalarType::I64,
    ScalarType::F32,
    ScalarType::F64,
];

/// The least type above both `a` and `b`, or `⊤` when there is none (e.g. `u64 ∪ i64`).
pub fn union(a: &Type, b: &Type) -> Type {
    if is_subtype(a, b) {
        return b.clone();
    }
    if is_subtype(b, a) {
        return a.clone();
    }
    match (a, b) {
        (Type::Scalar(_) | Type::Literal(_), Type::Scalar(_) | Type::Literal(_)) => WIDENING
            .iter()
            .map(|s| Type::Scalar(*s))
            .find(|s| is_subtype(a, s) && is_subtype(b, s))
            .unwrap_or(Type::Top),
        (Type::Array(x), Type::Array(y)) => Type::Array(Arc::new(union(x, y))),
        (Type::Option(x), Type::Option(y)) => Type::Option(Arc::new(union(x, y))),
        (Type::Array(x) | Type::Option(x), Type::Array(y) | Type::Option(y)) => {
            Type::Array(Arc::new(union(x, y)))
        }
        _ => Type::Top,
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Scalar(s) => f.write_str(s.name()),
            Type::Literal(LiteralType::Unsigned) => f.write_str("unsigned literal"),
            Type::Literal(LiteralType::Signed) => f.write_str("signed literal"),
            Type::Literal(LiteralType::Float) => f.write_str("float literal"),
            Type::Array(elem) => write!(f, "[]{elem}"),
            Type::Option(elem) => write!(f, "?{elem}"),
            Type::Stream(elem) => write!(f, "*{elem}"),
            Type::StreamMap(elem) => write!(f, "%{elem}"),
            Type::Struct(s) => f.write_str(&s.name),
            Type::Ability(a) => f.write_str(&a.name),
            Type::Service(s) => f.write_str(&s.name),
            Type::Arrow(arrow) => write!(f, "{arrow}"),
            Type::Top => f.write_str("⊤"),
            Type::Bottom => f.write_str("⊥"),
            Type::Error => f.write_str("{unknown}"),
        }
    }
}

impl fmt::Display for ArrowType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.abilities.is_empty() {
            let names: Vec<&str> = self.abilities.iter().map(|(n, _)| n.as_str()).collect();
            write!(f, "{{{}}} ", names.join(", "))?;
        }
        let wrap = |ty: &Type| match ty {
            Type::Arrow(_) => format!("({ty})"),
            _ => ty.to_string(),
        };
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(name, ty)| match name {
                Some(name) => format!("{name}: {}", wrap(ty)),
                None => wrap(ty),
            })
            .collect();
        if !params.is_empty() {
            write!(f, "{} ", params.join(", "))?;
        }
        if self.results.is_empty() {
            f.write_str("-> ()")
        } else {
            let results: Vec<String> = self.results.iter().map(wrap).collect();
            write!(f, "-> {}", results.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(scalar: ScalarType) -> Type {
        Type::Scalar(scalar)
    }

    #[test]
    fn scalar_widening_follows_the_reference_table() {
        use ScalarType::*;
        assert!(scalar_subtype(U8, I16) && scalar_subtype(U16, I32) && scalar_subtype(U32, I64));
        assert!(!scalar_subtype(U64, I64) && !scalar_subtype(I8, U8) && !scalar_subtype(I64, F64));
        assert!(scalar_subtype(I32, F64) && !scalar_subtype(I32, F32) && scalar_subtype(F32, F64));
        assert!(scalar_subtype(U8, I64) && !scalar_subtype(Bool, String));
    }

    #[test]
    fn literals_collections_and_unions() {
        let unsigned = Type::Literal(LiteralType::Unsigned);
        assert!(is_subtype(&unsigned, &s(ScalarType::U8)));
        assert!(!is_subtype(&Type::Literal(LiteralType::Signed), &s(ScalarType::U32)));
        let opt = Type::Option(Arc::new(s(ScalarType::U32)));
        let arr = Type::Array(Arc::new(s(ScalarType::U64)));
        assert!(is_subtype(&opt, &arr));
        assert!(!is_subtype(&arr, &Type::Stream(Arc::new(s(ScalarType::U64)))));
        assert_eq!(union(&s(ScalarType::I32), &s(ScalarType::U32)), s(ScalarType::I64));
        assert_eq!(union(&s(ScalarType::U64), &s(ScalarType::I64)), Type::Top);
    }
}
