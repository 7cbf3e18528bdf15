//! [`Identity`]: what a token can be issued for, checked by the compiler.
//!
//! Flask-JWT-Extended 4 requires the identity claim `sub` to be a string and says so only
//! when a token is decoded. Here the issuing methods accept only types that have a string
//! form, so `create_access_token(&user)` for a type without one does not compile, and an
//! integer id is written the way FJE 4 asks applications to write it: as its decimal text.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::Value;

/// A value tokens can be issued for: its string form goes into the identity claim (`sub`).
///
/// Implemented for the string types, every integer type (`42` → `"42"`) and
/// [`uuid::Uuid`] (hyphenated), and for references and smart pointers to them. Implement it
/// for your user type instead of FJE's `user_identity_loader`:
///
/// ```
/// use std::borrow::Cow;
/// use jwt_extended::{Identity, JwtManager};
///
/// struct User { id: i64, name: String }
/// impl Identity for User {
///     fn subject(&self) -> Cow<'_, str> {
///         Cow::Owned(self.id.to_string())
///     }
/// }
///
/// let jwt = JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// let user = User { id: 42, name: "alice".into() };
/// let token = jwt.create_access_token(&user).unwrap();
/// assert_eq!(jwt.decode_token(&token).unwrap().claims.subject(), Some("42"));
/// // Integers and strings work as they are.
/// assert!(jwt.create_access_token(&7u64).is_ok() && jwt.create_access_token("alice").is_ok());
/// ```
///
/// A type that is not an identity is refused by the compiler:
///
/// ```compile_fail
/// # let jwt = jwt_extended::JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// struct User { id: i64 }
/// jwt.create_access_token(&User { id: 42 }); // error: `User` is not a token identity
/// ```
///
/// [`serde_json::Value`] is an identity too, for re-issuing a decoded token's
/// [`crate::Claims::identity`] and for FJE's JSON identities under a custom
/// `identity_claim`. It is the one case checked at run time: a non-string `Value` with the
/// default claim `sub` is refused with [`crate::TokenError::IdentityNotString`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a token identity",
    label = "tokens are issued for a string, an integer, a Uuid or a type implementing `jwt_extended::Identity`",
    note = "FJE 4 writes the identity claim `sub` as a string: implement `Identity` for `{Self}` (its `subject`), or pass its id"
)]
pub trait Identity {
    /// The string written into the identity claim.
    fn subject(&self) -> Cow<'_, str>;

    /// The identity claim's JSON value: [`Self::subject`] as a string. Only
    /// [`serde_json::Value`] replaces it (with itself); the issuing methods call it.
    fn claim_value(&self) -> Value {
        Value::String(self.subject().into_owned())
    }
}

impl Identity for str {
    fn subject(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl Identity for String {
    fn subject(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl Identity for Cow<'_, str> {
    fn subject(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl Identity for uuid::Uuid {
    fn subject(&self) -> Cow<'_, str> {
        Cow::Owned(self.hyphenated().to_string())
    }
}

/// Any JSON value; see [`Identity`] for the run-time check this one case needs.
impl Identity for Value {
    fn subject(&self) -> Cow<'_, str> {
        match self {
            Value::String(s) => Cow::Borrowed(s),
            other => Cow::Owned(other.to_string()),
        }
    }

    fn claim_value(&self) -> Value {
        self.clone()
    }
}

/// References and smart pointers to an identity are that identity (a trait impl per
/// pointer type: no generic impl over `Deref` can coexist with the one for `String`).
macro_rules! forwarded_identity {
    ($($pointer:ty),*) => {$(
        impl<T: Identity + ?Sized> Identity for $pointer {
            fn subject(&self) -> Cow<'_, str> {
                (**self).subject()
            }

            fn claim_value(&self) -> Value {
                (**self).claim_value()
            }
        }
    )*};
}
forwarded_identity!(&T, Box<T>, Arc<T>, Rc<T>);

/// Integer ids, written as their decimal text (FJE 4: `create_access_token(str(user.id))`);
/// a macro because a generic impl over `Display` would take in `Value` (JSON text) and
/// forbid users' own impls on their displayable types.
macro_rules! integer_identity {
    ($($t:ty),*) => {$(
        impl Identity for $t {
            fn subject(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}
integer_identity!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);
